// The machine definitions the core runs, compiled once per definition object.
// A core built with other definitions (a mutant, a fixed machine) behaves accordingly.

import type { ContextFrom, EventFromLogic, InputFrom } from 'xstate';
import type {
  nodeHealthMachine,
  requestMachine,
  routingRefreshMachine,
  scannerMachine,
} from '../../machines/index.ts';
import { type CompiledMachine, compileMachine } from '../executor/index.ts';

type Compiled<
  M extends
    | typeof requestMachine
    | typeof nodeHealthMachine
    | typeof routingRefreshMachine
    | typeof scannerMachine,
> = CompiledMachine<ContextFrom<M>, EventFromLogic<M>, InputFrom<M>>;

/** the name of a definition in CoreOptions.machines */
export type MachineKey = keyof CompiledMachines;

export interface CompiledMachines {
  request: Compiled<typeof requestMachine>;
  nodeHealth: Compiled<typeof nodeHealthMachine>;
  routingRefresh: Compiled<typeof routingRefreshMachine>;
  scanner: Compiled<typeof scannerMachine>;
}

const cache = new WeakMap<object, unknown>();

function compiled<
  M extends
    | typeof requestMachine
    | typeof nodeHealthMachine
    | typeof routingRefreshMachine
    | typeof scannerMachine,
>(m: M): Compiled<M> {
  let c = cache.get(m) as Compiled<M> | undefined;
  if (c === undefined) {
    c = compileMachine(m) as Compiled<M>;
    cache.set(m, c);
  }
  return c;
}

export function compiledMachinesFor(defs: {
  request: typeof requestMachine;
  nodeHealth: typeof nodeHealthMachine;
  routingRefresh: typeof routingRefreshMachine;
  scanner: typeof scannerMachine;
}): CompiledMachines {
  return {
    request: compiled(defs.request),
    nodeHealth: compiled(defs.nodeHealth),
    routingRefresh: compiled(defs.routingRefresh),
    scanner: compiled(defs.scanner),
  };
}
