// Shared by the runtime's RocketMQ integration tests (named *.test.fixture.ts: not a test, not packaged).
import { Socket } from 'node:net';
import { test } from 'node:test';

/** Name server of the integration tests (`ROCKETMQ_NAMESRV`, default the one `scripts/services.sh start rocketmq` runs). */
export const NAMESRV = process.env.ROCKETMQ_NAMESRV ?? process.env.TRIBUTARY_ROCKETMQ_NAMESRV ?? '127.0.0.1:9876';
const BROKER = process.env.ROCKETMQ_BROKER ?? '127.0.0.1:10911';

function canConnect(address: string, timeoutMs = 2000): Promise<boolean> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect(Number(port), host, () => done(true));
  });
}

/**
 * The project's rule for a test that needs RocketMQ: when the name server or broker is unreachable the
 * suite is skipped with a printed reason, except with `CI=true` or `TRIBUTARY_REQUIRE_SERVICES=1`, where
 * one failing test says what is missing. Returns the `skip` option for the suite.
 */
export async function rocketmqGate(): Promise<string | false> {
  const ns = NAMESRV.split(';')[0]!;
  if ((await canConnect(ns)) && (await canConnect(BROKER))) return false;
  const reason = `RocketMQ (name server ${ns}, broker ${BROKER}) is not reachable (start it with: scripts/services.sh start rocketmq)`;
  if (process.env.CI === 'true' || process.env.TRIBUTARY_REQUIRE_SERVICES === '1') {
    test('RocketMQ is available', () => {
      throw new Error(`${reason}; required because CI=true or TRIBUTARY_REQUIRE_SERVICES=1`);
    });
    return reason;
  }
  console.log(`# SKIP: ${reason}`);
  return reason;
}

/** A Kafka-style name (with dots) unique to this test run. */
export function uniqueName(prefix: string): string {
  uniqueName.counter++;
  return `${prefix}.${RUN_ID}.${uniqueName.counter}`;
}
uniqueName.counter = 0;
const RUN_ID = `r${Date.now().toString(36)}_${process.pid}`;
