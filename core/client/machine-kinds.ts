// The registry of machine kinds: which kind of instance runs which machine definition, and who
// performs its named actions. The interpreter (machine-run.ts) runs any instance through its kind;
// adding a machine means a kind file like these and one entry here (and in KindRegistry).
import { CALL_KIND } from './call-kind.ts';
import type { KindRegistry } from './core-state.ts';
import { HEDGE_KIND } from './hedge-kind.ts';
import { NODE_KIND } from './node-kind.ts';
import { SCANNER_KIND } from './scanner-kind.ts';
import { TABLE_KIND } from './table-kind.ts';

export const MACHINE_KINDS: KindRegistry = {
  /** one per call: the request machine */
  call: CALL_KIND,
  /** one per server address: the node-health machine */
  node: NODE_KIND,
  /** one per table: the routing-refresh machine */
  table: TABLE_KIND,
  /** one per scan iterator: the scanner machine */
  scanner: SCANNER_KIND,
  /** one per hedged read: the hedge machine (its backup request to a secondary) */
  hedge: HEDGE_KIND,
};
