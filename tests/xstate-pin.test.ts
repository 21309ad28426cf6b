// The executor reads xstate internals (core/executor/xstate-shape.ts), so the client depends on the
// exact xstate version its differential properties (properties/*-differential.test.ts) ran against:
// package.json and the lockfile pin it, and that version is the one installed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..');
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('xstate version pin', () => {
  const spec: string = json(join(ROOT, 'package.json')).dependencies.xstate;

  it('package.json names one exact version (no range the executor was not tested with)', () => {
    assert.match(spec, /^\d+\.\d+\.\d+$/, `xstate "${spec}" is a range`);
  });

  it('the lockfile and the installed package are that version', () => {
    const lock = json(join(ROOT, 'package-lock.json'));
    assert.equal(lock.packages[''].dependencies.xstate, spec);
    assert.equal(lock.packages['node_modules/xstate'].version, spec);
    const installed = createRequire(join(ROOT, 'package.json'))('xstate/package.json').version;
    assert.equal(installed, spec, 'node_modules holds another xstate: run npm ci');
  });
});
