// npx tsx bench/explore-reductions.ts [--scope NAME]
// How much state-space reduction could buy the explorer on a scope, measured rather than assumed
// (docs/ARCHITECTURE.md, "Exhaustive exploration"):
//   symmetry  the states left if every state with no packet in flight were merged with its images
//             under all 6 permutations of the 3 replica addresses, with every line and every
//             '+'-joined member list and the detector's lease list sorted. That merge is NOT sound (the order of a partition's
//             secondaries decides promotion ties, the detector expires nodes in configuration
//             order); it is an upper bound on what any replica symmetry could merge.
//   POR       how often a state has both a client-side step (a server->client delivery)
//             and a cluster-side step (a client->server delivery or a fault) enabled: the only
//             places where partial-order reduction of independent steps could prune anything.

import { parseCli, usageError } from '../scripts/cli-args.ts';
import { hash128 } from '../sim/canon.ts';
import { explore } from '../sim/explore/explorer.ts';
import { SCOPES } from '../sim/explore/scope.ts';
import { ExploreSystem } from '../sim/explore/system.ts';

const USAGE = `usage: npx tsx bench/explore-reductions.ts [--scope NAME]

Explores a scope three times (plain; with an unsound, maximal replica-symmetry merge; counting the
states where a client-side and a cluster-side step are both enabled) and prints what symmetry and
partial-order reduction could at best save.

  --scope NAME   ${Object.keys(SCOPES).join(', ')} (default small)
  --help         this text`;

const { values } = parseCli(USAGE, { scope: { type: 'string' } });
const name = values.scope ?? 'small';
const make = SCOPES[name];
if (make === undefined) usageError(USAGE, `--scope: unknown scope "${name}"`);

const PERMS = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

const plain = explore(make(), {});
console.log(`${name}: ${plain.states} states, ${plain.transitions} transitions`);

const fingerprint = ExploreSystem.prototype.fingerprint;
ExploreSystem.prototype.fingerprint = function (this: ExploreSystem): string {
  const text = this.describe();
  if (this.net.deliveries().length > 0) return hash128(text);
  const replicas = this.cluster.replicaAddresses;
  let best: string | null = null;
  for (const p of PERMS) {
    let t = text;
    replicas.forEach((a, i) => {
      t = t.split(a).join(`R#${p[i]}`);
    });
    t = t
      .replace(/R#\d(\+R#\d)+/g, (m) => m.split('+').sort().join('+'))
      .replace(/(R#\d:[+-]\d+,?)+/g, (m) => m.split(',').filter(Boolean).sort().join(','))
      .split('\n')
      .sort()
      .join('\n');
    if (best === null || t < best) best = t;
  }
  return hash128(best!);
};
const merged = explore(make(), { verifyReplay: false });
ExploreSystem.prototype.fingerprint = fingerprint;
console.log(
  `  symmetry (unsound upper bound): ${merged.states} states, ${(plain.states / merged.states).toFixed(2)}x fewer`,
);

let expanded = 0;
let both = 0;
const enabled = ExploreSystem.prototype.enabled;
ExploreSystem.prototype.enabled = function (this: ExploreSystem) {
  const e = enabled.call(this);
  expanded++;
  const client = e.some((c) => c.type === 'deliver' && c.dir !== 'c2s');
  const cluster = e.some((c) => (c.type === 'deliver' && c.dir === 'c2s') || c.type === 'fault');
  if (client && cluster) both++;
  return e;
};
explore(make(), {});
ExploreSystem.prototype.enabled = enabled;
console.log(
  `  POR: ${both} of the ${expanded} times the enabled steps were computed (${((100 * both) / expanded).toFixed(1)} %), a client-side and a cluster-side step were both enabled`,
);
