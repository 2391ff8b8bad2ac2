import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { StoredMessage } from '../broker.js';
import { CRASH_GROUP, CRASH_OPTIONS, CRASH_QUEUES, CRASH_TOPIC } from './crash-child.test.fixture.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { matches, messageFor, tempDir } from './helpers.test.fixture.js';
import type { FsyncPolicy } from './options.js';

const CHILD = fileURLToPath(new URL('./crash-child.test.fixture.js', import.meta.url));

interface KillReport {
  /** Every message with a smaller sequence number was acknowledged. */
  acked: number;
  /** The last acknowledged group commit number. */
  committed: number;
}

/** Runs the child until it acknowledged something, lets it run a random while, then SIGKILLs it. */
function runAndKill(dataDir: string, fsync: FsyncPolicy): Promise<KillReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dataDir, fsync], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!armed && /^A \d+$/m.test(out)) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), 20 + Math.random() * 400);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`child exited by itself (code ${code}): ${err}`));
        return;
      }
      const report: KillReport = { acked: 0, committed: 0 };
      // Only whole lines: a line is written after its acknowledgement.
      for (const line of out.slice(0, out.lastIndexOf('\n') + 1).split('\n')) {
        const [kind, n] = line.split(' ');
        if (kind === 'A') report.acked = Math.max(report.acked, Number(n));
        if (kind === 'C') report.committed = Math.max(report.committed, Number(n));
      }
      resolve(report);
    });
  });
}

async function readQueue(broker: EmbeddedBroker, queue: number): Promise<StoredMessage[]> {
  const c = broker.createConsumer();
  c.assign([{ topic: CRASH_TOPIC, queue }]);
  const out: StoredMessage[] = [];
  for (;;) {
    const got = await c.poll(1000, 0);
    if (got.length === 0) break;
    out.push(...got);
  }
  await c.close();
  return out;
}

describe('crash safety: kill -9 of a writing process', () => {
  for (const fsync of ['per-batch', 'interval'] as const) {
    it(`loses no acknowledged message or commit (${fsync}), and the log takes appends after recovery`, async (t) => {
      for (let round = 0; round < 4; round++) {
        const dataDir = tempDir('trib-crash-');
        const report = await runAndKill(dataDir, fsync);
        assert.ok(report.acked > 0);
        const broker = new EmbeddedBroker({ dataDir, fsync, ...CRASH_OPTIONS });
        await broker.start();
        const rec = broker.recovery!;
        t.diagnostic(
          `${fsync} round ${round}: acked ${report.acked} messages and ${report.committed} commits; ` +
            `recovery ${rec.durationMs.toFixed(1)} ms, cut tails: ${rec.truncatedQueues.map((q) => q.queue).join(',') || 'none'}`,
        );
        let present = 0;
        for (let q = 0; q < CRASH_QUEUES; q++) {
          const messages = await readQueue(broker, q);
          const ackedHere = report.acked > q ? Math.ceil((report.acked - q) / CRASH_QUEUES) : 0;
          assert.ok(messages.length >= ackedHere, `queue ${q}: ${messages.length} messages, ${ackedHere} acknowledged`);
          messages.forEach((m, k) => {
            assert.equal(m.offset, k);
            assert.ok(matches(m, q + CRASH_QUEUES * k), `queue ${q} offset ${k} holds seq ${q + CRASH_QUEUES * k}`);
          });
          present += messages.length;
        }
        assert.ok(present >= report.acked);

        const offsets = await broker.fetchGroupOffsets(CRASH_GROUP);
        if (report.committed > 0 || offsets.length > 0) {
          const k = offsets.find((o) => o.queue === 0)?.offset;
          assert.ok(k !== undefined, 'a committed group offset survives');
          assert.ok(
            k === report.committed || k === report.committed + 1,
            `commit ${k} after ${report.committed} acked`,
          );
          assert.deepEqual(offsets, [
            { topic: CRASH_TOPIC, queue: 0, offset: k },
            { topic: CRASH_TOPIC, queue: 1, offset: 2 * k },
          ]);
        }

        const ends = await Promise.all([0, 1, 2].map((queue) => broker.queueRange({ topic: CRASH_TOPIC, queue })));
        const more = [0, 1, 2].map((queue) => messageFor(CRASH_TOPIC, queue + CRASH_QUEUES * ends[queue]!.end, queue));
        const positions = await broker.send(more);
        assert.deepEqual(
          positions.map((p) => p.offset),
          ends.map((r) => r.end),
        );
        for (let q = 0; q < CRASH_QUEUES; q++) {
          const all = await readQueue(broker, q);
          assert.equal(all.length, ends[q]!.end + 1);
          assert.ok(matches(all.at(-1)!, q + CRASH_QUEUES * ends[q]!.end));
        }
        await broker.close();
      }
    });
  }
});
