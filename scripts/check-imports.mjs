#!/usr/bin/env node
// Enforces the import direction of docs/architecture (DESIGN.md): plugins import only the SDK.
//   api        -> nothing of ours, no third-party runtime dependency
//   rocketmq   -> nothing of ours
//   transforms -> @tributary/api
//   connectors -> @tributary/api (+ the client library of each external system)
//   runtime    -> anything
// Test files (*.test.ts) may also import what their package lists in devDependencies.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ours = (spec) => spec.startsWith('@tributary/');
const allowedOurs = {
  api: [],
  rocketmq: [],
  transforms: ['@tributary/api'],
  connectors: ['@tributary/api'],
  runtime: null, // may import every package
};
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const importRe =
  /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[\s;])import\s+['"]([^'"]+)['"]/gm;

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const problems = [];
for (const [pkg, allowed] of Object.entries(allowedOurs)) {
  const pkgDir = join(root, 'packages', pkg);
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const deps = new Set(Object.keys(manifest.dependencies ?? {}));
  const devDeps = new Set(Object.keys(manifest.devDependencies ?? {}));
  for (const file of walk(join(pkgDir, 'src'), [])) {
    const isTest = file.endsWith('.test.ts');
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const where = relative(root, file);
      if (spec.startsWith('.')) {
        const target = join(file, '..', spec);
        if (!target.startsWith(join(pkgDir, 'src')))
          problems.push(`${where}: relative import '${spec}' leaves the package`);
        continue;
      }
      if (spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0])) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (ours(name)) {
        if (allowed !== null && !allowed.includes(name) && !(isTest && devDeps.has(name))) {
          problems.push(
            `${where}: package '${pkg}' may not import '${name}' (allowed: ${allowed.join(', ') || 'none of ours'})`,
          );
        }
        continue;
      }
      if (!deps.has(name) && !(isTest && devDeps.has(name))) {
        problems.push(`${where}: imports '${name}', which packages/${pkg}/package.json does not list`);
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`import rule violations (plugins import only the SDK):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('import rule: ok');
