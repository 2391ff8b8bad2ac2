import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideGate } from './service-gate.js';

test('a reachable service runs', () => {
  assert.deepEqual(decideGate('x', true, {}), { run: true });
  assert.deepEqual(decideGate('x', true, { CI: 'true' }), { run: true });
});

test('an unreachable service skips with a reason outside CI', () => {
  const d = decideGate('RocketMQ', false, {});
  assert.equal(d.run, false);
  assert.ok('skip' in d && d.skip.includes('RocketMQ is not reachable'));
});

test('an unreachable service fails with CI=true or TRIBUTARY_REQUIRE_SERVICES=1', () => {
  for (const env of [{ CI: 'true' }, { TRIBUTARY_REQUIRE_SERVICES: '1' }]) {
    const d = decideGate('RocketMQ', false, env);
    assert.ok('fail' in d && d.fail.includes('required'), JSON.stringify(env));
  }
  const d = decideGate('RocketMQ', false, { CI: 'false', TRIBUTARY_REQUIRE_SERVICES: '0' });
  assert.ok('skip' in d);
});
