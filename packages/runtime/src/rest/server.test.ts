import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseWorkerConfig } from '../config/worker-config.js';
import { startStandalone } from '../standalone.js';

describe('REST server binding', () => {
  it('a taken rest.port fails the start with a clear message and releases the data dir', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-bind-'));
    const quiet = { write: () => undefined };
    try {
      const config = parseWorkerConfig({ 'data.dir': dataDir, 'rest.port': String(port) });
      await assert.rejects(
        startStandalone({ config, logDestination: quiet }),
        new RegExp(`Cannot bind the REST API to 127\\.0\\.0\\.1:${port}: the port is in use; set rest\\.port`),
      );
      // The data dir lock and the broker were released: the same data dir starts on a free port.
      const again = await startStandalone({
        config: parseWorkerConfig({ 'data.dir': dataDir, 'rest.port': '0' }),
        logDestination: quiet,
      });
      assert.match(again.rest.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(again.rest.url, `http://127.0.0.1:${port}`);
      await again.stop();
      // After stop the REST port is closed.
      await assert.rejects(fetch(`${again.rest.url}/health`));
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
