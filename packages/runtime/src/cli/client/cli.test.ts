import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventually, startTestWorker, type TestWorker } from '../../rest/worker.test.fixture.js';

// Runs every client command of the `tributary` binary against a live worker (with an auth token) and
// checks output and exit codes: 0 ok, 1 failure/unreachable, 2 usage/invalid config, 3 not found.

const BIN = fileURLToPath(new URL('../../../bin/tributary.js', import.meta.url));
const TOKEN = 'cli-test-token';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, TRIBUTARY_URL: undefined, TRIBUTARY_TOKEN: undefined, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('tributary CLI client against a live worker', () => {
  let w: TestWorker;
  let dir: string;
  let env: Record<string, string>;
  const cli = (...args: string[]) => run(args, env);
  const expect = async (args: string[], code: number, out?: RegExp, err?: RegExp): Promise<Run> => {
    const r = await cli(...args);
    assert.equal(r.code, code, `tributary ${args.join(' ')} → ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    if (out !== undefined) assert.match(r.stdout, out, `stdout of ${args.join(' ')}`);
    if (err !== undefined) assert.match(r.stderr, err, `stderr of ${args.join(' ')}`);
    return r;
  };
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  before(async () => {
    w = await startTestWorker({ overrides: { 'rest.auth.token': TOKEN } });
    dir = mkdtempSync(join(tmpdir(), 'tributary-cli-'));
    env = { TRIBUTARY_URL: w.url, TRIBUTARY_TOKEN: TOKEN };
  });
  after(async () => {
    await w?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('--help works everywhere and shows the client options', async () => {
    const client = /--url <url>[\s\S]*--token <token>[\s\S]*--json/;
    const leaves = ['list', 'get', 'create', 'update', 'delete', 'pause', 'resume', 'stop', 'restart', 'status'];
    await Promise.all([
      expect(['--help'], 0, /connectors.*\n[\s\S]*plugins/),
      expect(['connectors', '--help'], 0, /list[\s\S]*create[\s\S]*offsets/),
      ...leaves.map((sub) => expect(['connectors', sub, '--help'], 0, client)),
      expect(['connectors', 'offsets', '--help'], 0, /get[\s\S]*alter[\s\S]*reset/),
      ...['get', 'alter', 'reset'].map((sub) => expect(['connectors', 'offsets', sub, '--help'], 0, client)),
      expect(['connectors', 'restart', '--help'], 0, /--include-tasks[\s\S]*--only-failed[\s\S]*--task <n>/),
      expect(['plugins', '--help'], 0, /list[\s\S]*config[\s\S]*validate/),
      ...['list', 'config', 'validate'].map((sub) => expect(['plugins', sub, '--help'], 0, client)),
    ]);
  });

  it('usage errors exit 2', async () => {
    await Promise.all([
      expect(['connectors', 'bogus'], 2),
      expect(['connectors', 'get'], 2, undefined, /missing required argument/),
      expect(['connectors', 'restart', 'x', '--task', 'one'], 2),
      expect(['connectors', 'create'], 2, undefined, /config file or -c/),
      expect(['connectors', 'create', join(dir, 'missing.json')], 2, undefined, /cannot read/),
      expect(['plugins', 'validate'], 2, undefined, /missing required argument/),
    ]);
  });

  it('an unreachable worker or a missing token exits 1', async () => {
    await expect(['connectors', 'list', '--url', 'http://127.0.0.1:1'], 1, undefined, /cannot reach the worker/);
    const r = await run(['connectors', 'list'], { TRIBUTARY_URL: w.url });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Authentication required.*HTTP 401/);
    await expect(['connectors', 'list', '--token', 'wrong'], 1, undefined, /Invalid bearer token/);
    await expect(['connectors', 'list', '--url', w.url, '--token', TOKEN], 0);
  });

  it('plugins list, config and validate', async () => {
    const list = await expect(['plugins', 'list'], 0, /^CLASS\s+TYPE\s+VERSION$/m);
    assert.match(list.stdout, /^Generator\s+source\s/m);
    assert.doesNotMatch(list.stdout, /transformation/);
    const all = JSON.parse((await expect(['plugins', 'list', '--all', '--json'], 0)).stdout);
    assert.ok(all.some((p: { type: string }) => p.type === 'transformation'));
    await expect(['plugins', 'config', 'Generator'], 0, /^topic\s+STRING\s+\(required\)/m);
    await expect(['plugins', 'config', 'NoSuchPlugin'], 3, undefined, /NoSuchPlugin/);
    await expect(['plugins', 'validate', 'Generator', '-c', 'name=v', '-c', 'topic=t'], 0, /valid for Generator/);
    const bad = file('bad.properties', 'name=v\ntopic=t\nrate=-1\n');
    await expect(['plugins', 'validate', 'Generator', bad], 2, /^rate\s+Invalid value -1/m, /1 error/);
    const json = await expect(['plugins', 'validate', 'Generator', bad, '--json'], 2);
    assert.equal(JSON.parse(json.stdout).error_count, 1);
  });

  it('connectors create from a REST body, .properties, YAML or -c pairs; duplicates and invalid configs fail', async () => {
    await expect(['connectors', 'list'], 0, /No connectors/);
    const body = file(
      'gen.json',
      JSON.stringify({
        name: 'gen',
        config: { 'connector.class': 'Generator', topic: 'cli', rate: '20', 'tasks.max': '2' },
      }),
    );
    await expect(['connectors', 'create', body], 0, /Created connector gen \(source\)/);
    await expect(['connectors', 'create', body], 1, undefined, /already exists.*HTTP 409/);
    const props = file('sink.properties', 'name=sink\nconnector.class=DiscardSink\ntopics=cli\n');
    await expect(['connectors', 'create', props], 0, /Created connector sink \(sink\)/);
    const yaml = file('gen2.yaml', 'name: gen2\nconnector.class: Generator\ntopic: cli\nrate: 1\n');
    await expect(['connectors', 'create', yaml, '--initial-state', 'STOPPED'], 0, /Created connector gen2/);
    const json = await expect(
      [
        'connectors',
        'create',
        '-c',
        'connector.class=Generator',
        '-c',
        'topic=cli',
        '-c',
        'rate=1',
        '--name',
        'gen3',
        '--json',
      ],
      0,
    );
    assert.equal(JSON.parse(json.stdout).name, 'gen3');
    await expect(
      ['connectors', 'create', '-c', 'name=broken', '-c', 'connector.class=Generator'],
      2,
      undefined,
      /Connector configuration is invalid.*topic/s,
    );
    await expect(['connectors', 'create', '-c', 'connector.class=Generator'], 2, undefined, /needs a name/);
    await eventually('gen running', async () => {
      const s = (await w.call('GET', '/connectors/gen/status', { headers: { Authorization: `Bearer ${TOKEN}` } })).body;
      return s.tasks.length === 2 && s.tasks.every((t: { state: string }) => t.state === 'RUNNING');
    });
  });

  it('connectors list, get and status', async () => {
    const list = await expect(['connectors', 'list'], 0, /^NAME\s+TYPE\s+STATE\s+TASKS\s+CLASS$/m);
    assert.match(list.stdout, /^gen\s+source\s+RUNNING\s+2\/2\s+Generator$/m);
    assert.match(list.stdout, /^gen2\s+source\s+STOPPED\s+0\/0/m);
    const listJson = JSON.parse((await expect(['connectors', 'list', '--json'], 0)).stdout);
    assert.deepEqual(Object.keys(listJson).sort(), ['gen', 'gen2', 'gen3', 'sink']);
    await expect(['connectors', 'get', 'gen'], 0, /^topic\s+cli$/m);
    assert.equal(JSON.parse((await expect(['connectors', 'get', 'gen', '--json'], 0)).stdout).type, 'source');
    await expect(['connectors', 'get', 'nope'], 3, undefined, /nope not found.*HTTP 404/);
    await expect(['connectors', 'status', 'gen'], 0, /^task 1\s+RUNNING\s+test-worker/m);
    assert.equal(JSON.parse((await expect(['connectors', 'status', 'gen', '--json'], 0)).stdout).name, 'gen');
    await expect(['connectors', 'status', 'nope'], 3);
  });

  it('connectors update: replace from a file or pairs, --patch with --unset', async () => {
    await expect(
      ['connectors', 'update', 'gen3', '-c', 'connector.class=Generator', '-c', 'topic=cli2'],
      0,
      /Updated connector gen3/,
    );
    await expect(
      ['connectors', 'update', 'gen4', '-c', 'connector.class=Generator', '-c', 'topic=cli'],
      0,
      /Created connector gen4/,
    );
    const yaml = file('gen3.yaml', 'connector.class: Generator\ntopic: cli3\nrate: 2\n');
    await expect(['connectors', 'update', 'gen3', yaml], 0, /Updated/);
    await expect(['connectors', 'update', 'gen3', '--patch', '-c', 'record.size=128'], 0, /Updated/);
    await expect(['connectors', 'update', 'gen3', '--patch', '--unset', 'rate'], 0);
    const config = JSON.parse((await expect(['connectors', 'get', 'gen3', '--json'], 0)).stdout).config;
    assert.equal(config.topic, 'cli3');
    assert.equal(config['record.size'], '128');
    assert.equal(config.rate, undefined);
    await expect(
      ['connectors', 'update', 'gen3', '-c', 'rate=fast', '-c', 'connector.class=Generator', '-c', 'topic=x'],
      2,
      undefined,
      /rate/,
    );
    await expect(
      ['connectors', 'update', 'gen3', '-c', 'name=other', '-c', 'topic=x'],
      2,
      undefined,
      /names connector 'other'/,
    );
    await expect(['connectors', 'update', 'nope', '--patch', '-c', 'rate=1'], 3);
  });

  it('connectors pause, resume, stop, restart', async () => {
    await expect(['connectors', 'pause', 'gen'], 0, /Connector gen paused/);
    await expect(['connectors', 'resume', 'gen'], 0, /Connector gen resumed/);
    await expect(['connectors', 'restart', 'gen'], 0, /Restart of gen initiated/);
    await expect(['connectors', 'restart', 'gen', '--include-tasks'], 0, /^task 0\s+/m);
    await expect(['connectors', 'restart', 'gen', '--include-tasks', '--only-failed', '--json'], 0, /"name": "gen"/);
    await expect(['connectors', 'restart', 'gen', '--task', '1'], 0, /Task gen-1 restarted/);
    await expect(['connectors', 'restart', 'gen', '--task', '9'], 3);
    await expect(['connectors', 'restart', 'gen', '--task', '1', '--only-failed'], 2);
    await expect(['connectors', 'pause', 'nope'], 3);
    await expect(['connectors', 'stop', 'gen4'], 0, /Connector gen4 stopped/);
  });

  it('connectors offsets get, alter (refused while running), reset', async () => {
    const offsets = await eventually('gen offsets', async () => {
      const r = await cli('connectors', 'offsets', 'get', 'gen', '--json');
      const body = JSON.parse(r.stdout);
      return body.offsets.length === 2 && body;
    });
    assert.equal(offsets.offsets[0].partition.generator, 'gen');
    await expect(['connectors', 'offsets', 'get', 'gen'], 0, /^PARTITION\s+OFFSET$/m);
    const alter = file(
      'offsets.json',
      JSON.stringify({ offsets: [{ partition: { generator: 'gen', task: 0 }, offset: { seq: 99 } }] }),
    );
    await expect(['connectors', 'offsets', 'alter', 'gen', alter], 2, undefined, /STOPPED state/);
    await expect(['connectors', 'stop', 'gen'], 0);
    await expect(['connectors', 'offsets', 'alter', 'gen', alter], 0, /altered successfully/);
    const after = JSON.parse((await expect(['connectors', 'offsets', 'get', 'gen', '--json'], 0)).stdout);
    assert.deepEqual(after.offsets.find((o: { partition: { task: number } }) => o.partition.task === 0).offset, {
      seq: 99,
    });
    const bare = file('bare.json', JSON.stringify([{ partition: { generator: 'gen', task: 1 }, offset: null }]));
    await expect(['connectors', 'offsets', 'alter', 'gen', bare], 0, /altered/);
    await expect(['connectors', 'offsets', 'reset', 'gen'], 0, /reset successfully/);
    await expect(['connectors', 'offsets', 'get', 'gen'], 0, /no committed offsets/);
    await expect(['connectors', 'offsets', 'get', 'nope'], 3);
    await expect(
      ['connectors', 'offsets', 'alter', 'gen', join(dir, 'none.json')],
      2,
      undefined,
      /cannot read offsets/,
    );
  });

  it('connectors delete', async () => {
    for (const name of ['gen', 'gen2', 'gen3', 'gen4', 'sink']) {
      await expect(['connectors', 'delete', name], 0, new RegExp(`Connector ${name} deleted`));
    }
    await expect(['connectors', 'delete', 'gen'], 3, undefined, /not found/);
    await expect(['connectors', 'list', '--json'], 0, /^\{\}$/m);
  });
});

describe('tributary standalone prints its REST URL', () => {
  it('serves the connectors given on the command line at the printed URL, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-cli-standalone-'));
    const config = join(dir, 'gen.properties');
    writeFileSync(config, 'name=cmdline-gen\nconnector.class=Generator\ntopic=t\nrate=5\n');
    const child = spawn(
      process.execPath,
      [BIN, 'standalone', '-o', `data.dir=${join(dir, 'data')}`, '-o', 'rest.port=0', '-o', 'log.level=warn', config],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let stderr = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${stderr}`)), 20_000);
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const m = /REST API at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
          if (m !== null) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const list = await run(['connectors', 'list', '--url', url], {});
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^cmdline-gen\s+source\s/m);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
