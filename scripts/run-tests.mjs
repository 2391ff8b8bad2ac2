#!/usr/bin/env node
// Runs every package's compiled tests with node:test and prints the spec reporter's summary.
// Usage: node scripts/run-tests.mjs [--unit] [path-filter ...]
//   --unit          skip *.integration.test.js (tests that need a real service)
//   path-filter     only test files whose path contains one of these strings
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));

function findTests(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const files = [];
for (const pkg of readdirSync(join(root, 'packages'))) findTests(join(root, 'packages', pkg, 'dist'), files);
findTests(join(root, 'tests', 'dist'), files);

const selected = files
  .filter((f) => !unitOnly || !f.endsWith('.integration.test.js'))
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)))
  .sort();

if (selected.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}
// Every process the tests start inherits this mark, so worker processes left behind by a test file that
// crashed (its after-hooks never ran) can be found and stopped instead of running on after the suite.
const RUN_MARK = `TRIBUTARY_TEST_RUN=${process.pid}`;

/** Kills Tributary worker processes started by this run that are still alive; returns how many. */
function reapLeftoverWorkers() {
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0; // no /proc: not Linux; nothing to do
  }
  let killed = 0;
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('tributary.js')) continue;
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(RUN_MARK)) continue;
      process.kill(Number(pid), 'SIGKILL');
      killed++;
    } catch {
      // The process ended meanwhile, or is not ours to read.
    }
  }
  return killed;
}

console.log(`running ${selected.length} test files`);
const child = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...selected], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, TRIBUTARY_TEST_RUN: String(process.pid) },
});
child.on('exit', (code, signal) => {
  const reaped = reapLeftoverWorkers();
  if (reaped > 0) console.log(`stopped ${reaped} worker process(es) that a test file left running`);
  process.exit(code ?? (signal ? 1 : 0));
});
