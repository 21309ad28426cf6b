// The state names machines/ exports are the definitions' own: each const object names every leaf
// state exactly once, and renaming a state in a definition fails to compile (checked by compiling a
// copy of machines/ with one state renamed).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import {
  HEDGE_STATE,
  leafOf,
  leafStatesOf,
  MACHINES,
  NODE_HEALTH,
  REQUEST_STATE,
  ROUTING_STATE,
} from '../machines/index.ts';

const ROOT = resolve(import.meta.dirname, '..');

describe('machine state names', () => {
  const cases = [
    ['request', MACHINES.request, REQUEST_STATE],
    ['nodeHealth', MACHINES.nodeHealth, NODE_HEALTH],
    ['routingRefresh', MACHINES.routingRefresh, ROUTING_STATE],
    ['hedge', MACHINES.hedge, HEDGE_STATE],
  ] as const;
  for (const [name, machine, names] of cases) {
    it(`${name}: the exported names are exactly the leaf states, each mapped to itself`, () => {
      assert.deepEqual(Object.keys(names).sort(), leafStatesOf(machine).sort());
      for (const [k, v] of Object.entries(names)) assert.equal(v, k);
    });
  }

  it('leafOf reads the innermost state of a snapshot value', () => {
    assert.equal(leafOf('idle'), 'idle');
    assert.equal(leafOf({ active: 'awaiting' }), 'awaiting');
    assert.equal(leafOf({ a: { b: { c: 'd' } } }), 'd');
  });

  it('renaming a state in a definition fails to compile', () => {
    const dir = join(ROOT, '.tmp', `machine-rename-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      cpSync(join(ROOT, 'machines'), join(dir, 'machines'), { recursive: true });
      const tsconfig = join(dir, 'tsconfig.json');
      writeFileSync(
        tsconfig,
        JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), include: [join(dir, 'machines')] }),
      );
      const run = () =>
        execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', tsconfig], {
          cwd: ROOT,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 120_000,
        });
      run(); // the unchanged copy compiles
      const file = join(dir, 'machines', 'request.machine.ts');
      const source = readFileSync(file, 'utf8');
      const renamed = source.replace('waitingRoute: {\n', 'waitingForRoute: {\n');
      assert.notEqual(renamed, source, 'the rename did not apply');
      writeFileSync(file, renamed);
      assert.throws(run, (e: { stdout?: string }) => /waitingRoute/.test(String(e.stdout)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
