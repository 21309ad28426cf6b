// Every counterexample ever saved under traces/ is replayed: the property it broke must hold now,
// and the replay must be deterministic (two replays of one trace produce identical records).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TRACES_DIR } from '../properties/trace-files.ts';
import { replayTrace } from '../scripts/replay.ts';

const traces = readdirSync(TRACES_DIR).filter((f) => f.endsWith('.ndjson'));

describe('trace regression corpus', () => {
  it('is not empty', () => assert.ok(traces.length > 0));
  for (const file of traces) {
    it(`${file}: the recorded failure no longer happens, and replay is deterministic`, () => {
      const first = replayTrace(join(TRACES_DIR, file));
      assert.ok(first.property !== null, 'the trace names the property it broke');
      assert.deepEqual(first.failures, {});
      const second = replayTrace(join(TRACES_DIR, file));
      assert.deepEqual(second.records, first.records);
    });
  }
});
