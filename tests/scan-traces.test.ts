// The scan counterexamples found so far (traces/scans/*.json: the scenario spec of sim/scan-scenario.ts
// and what it broke), replayed: every scan property must hold on each now.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runScanScenario, type ScanScenarioSpec } from '../sim/scan-scenario.ts';

const DIR = join(import.meta.dirname, '..', 'traces', 'scans');

describe('scan counterexamples', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
  it('there are some', () => assert.ok(files.length >= 2, files.join(' ')));
  for (const file of files) {
    it(file, () => {
      const { spec, property } = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as {
        spec: ScanScenarioSpec;
        property: string;
      };
      const r = runScanScenario(spec);
      assert.deepEqual(r.violations, [], `${property} broken again`);
    });
  }
});
