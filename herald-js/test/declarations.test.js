// herald.d.ts declares every export of herald.js: a new export without its declaration fails here
// (tsc then checks the declarations themselves: scripts/typecheck-js.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as herald from '../herald.js';

test('every export of herald.js is declared in herald.d.ts, and nothing else is', () => {
  const declarations = readFileSync(new URL('../herald.d.ts', import.meta.url), 'utf8');
  const declared = [...declarations.matchAll(/^export declare (?:const|function|class) (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual([...new Set(declared)].sort(), Object.keys(herald).sort());
});

test('package.json points TypeScript at the declarations', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.types, './herald.d.ts');
  assert.equal(pkg.exports['.'].types, './herald.d.ts');
  assert.ok(pkg.files.includes('herald.d.ts'));
});
