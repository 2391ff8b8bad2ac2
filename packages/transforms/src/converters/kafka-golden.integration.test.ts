import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JDK17_DOUBLE_TEXT } from './fixtures/golden-cases.js';

/**
 * Re-runs kafka-golden/generate.sh (Kafka's real converters, fetched from Maven Central) and checks that the
 * committed fixtures are still exactly what Kafka produces. Needs java and mvn: without them the test is
 * skipped with the reason, except under CI=true or TRIBUTARY_REQUIRE_SERVICES=1, where it fails.
 */

const script = fileURLToPath(new URL('../../kafka-golden/generate.sh', import.meta.url));
const fixture = new URL('../../src/converters/fixtures/kafka-golden.json', import.meta.url);
const required = process.env.CI === 'true' || process.env.TRIBUTARY_REQUIRE_SERVICES === '1';

function missingTools(): string | undefined {
  for (const tool of ['java', 'mvn']) {
    if (spawnSync(tool, ['-version'], { stdio: 'ignore' }).error !== undefined) return `${tool} is not installed`;
  }
  return undefined;
}

/** Java 17 prints a few doubles with more digits than Java 19+; compare modulo that. */
function normalize(json: string): unknown {
  const golden = JSON.parse(json) as Record<string, unknown>;
  delete golden.java;
  let text = JSON.stringify(golden);
  for (const [jdk17, jdk19] of Object.entries(JDK17_DOUBLE_TEXT)) text = text.split(jdk17).join(jdk19);
  return JSON.parse(text);
}

test('the committed Kafka golden fixtures are what Kafka 3.9 produces today', { timeout: 600_000 }, (t) => {
  const missing = missingTools();
  if (missing !== undefined) {
    if (required) assert.fail(`cannot regenerate the Kafka fixtures: ${missing}`);
    console.log(`# skipped: cannot regenerate the Kafka fixtures: ${missing}`);
    t.skip(missing);
    return;
  }
  let fresh: string;
  try {
    fresh = execFileSync('bash', [script, '--stdout'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const reason = `generate.sh failed (Maven Central unreachable?): ${(e as { stderr?: string }).stderr ?? String(e)}`;
    if (required) assert.fail(reason);
    console.log(`# skipped: ${reason}`);
    t.skip(reason);
    return;
  }
  assert.deepEqual(normalize(fresh), normalize(readFileSync(fixture, 'utf8')));
});
