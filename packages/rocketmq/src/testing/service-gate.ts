import { Socket } from 'node:net';
import { test } from 'node:test';

/** What an integration test does about a service: run, skip with a reason, or fail with a reason. */
export type GateDecision = { run: true } | { run: false; skip: string } | { run: false; fail: string };

/**
 * The project's rule for integration tests: an unreachable service skips the test with a printed reason,
 * except when `CI=true` or `TRIBUTARY_REQUIRE_SERVICES=1`, where the test fails. Pure.
 */
export function decideGate(service: string, reachable: boolean, env: NodeJS.ProcessEnv): GateDecision {
  if (reachable) return { run: true };
  const reason = `${service} is not reachable (start it with: scripts/services.sh start rocketmq)`;
  if (env.CI === 'true' || env.TRIBUTARY_REQUIRE_SERVICES === '1') {
    return { run: false, fail: `${reason}; required because CI=true or TRIBUTARY_REQUIRE_SERVICES=1` };
  }
  return { run: false, skip: reason };
}

/** True when a TCP connection to host:port opens within `timeoutMs`. */
export function canConnect(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

/** Name-server address the integration tests use (`ROCKETMQ_NAMESRV`, default 127.0.0.1:9876). */
export const NAMESRV = process.env.ROCKETMQ_NAMESRV ?? '127.0.0.1:9876';

/**
 * Probes the name server and the broker (127.0.0.1:10911 unless `ROCKETMQ_BROKER`) and applies
 * {@link decideGate}. Returns the `skip` option for the suite: false to run, else the reason. When the
 * service is required but missing, registers one failing test saying so (and the suite is skipped, so
 * the run fails once, clearly, instead of with a cascade of connection errors).
 */
export async function rocketmqGate(
  extraMissing?: () => Promise<string | undefined>,
): Promise<{ skip: string | false }> {
  const [nsHost, nsPort] = NAMESRV.split(';')[0]!.split(':') as [string, string];
  const [brHost, brPort] = (process.env.ROCKETMQ_BROKER ?? '127.0.0.1:10911').split(':') as [string, string];
  const reachable = (await canConnect(nsHost, Number(nsPort))) && (await canConnect(brHost, Number(brPort)));
  let what = `RocketMQ (name server ${NAMESRV}, broker ${brHost}:${brPort})`;
  let ok = reachable;
  if (ok && extraMissing !== undefined) {
    const missing = await extraMissing();
    if (missing !== undefined) {
      ok = false;
      what = missing;
    }
  }
  const d = decideGate(what, ok, process.env);
  if (d.run) return { skip: false };
  if ('skip' in d) {
    console.log(`# SKIP: ${d.skip}`);
    return { skip: d.skip };
  }
  test(`${what} is available`, () => {
    throw new Error(d.fail);
  });
  return { skip: d.fail };
}

/** A name unique to this test run, safe as a topic or group name. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
}
