// The machine definitions the core runs, compiled once per definition object.
// A core built with other definitions (a mutant, a fixed machine) behaves accordingly.

import type { ContextFrom, EventFromLogic, InputFrom } from 'xstate';
import {
  type hedgeMachine,
  MACHINES,
  type nodeHealthMachine,
  type requestMachine,
  type routingRefreshMachine,
  type scannerMachine,
} from '../../machines/index.ts';
import { type CompiledMachine, compileMachine } from '../executor/index.ts';

type Compiled<M extends AnyClientMachine> = CompiledMachine<ContextFrom<M>, EventFromLogic<M>, InputFrom<M>>;

/** the name of a definition in CoreOptions.machines */
export type MachineKey = keyof CompiledMachines;

export interface CompiledMachines {
  request: Compiled<typeof requestMachine>;
  nodeHealth: Compiled<typeof nodeHealthMachine>;
  routingRefresh: Compiled<typeof routingRefreshMachine>;
  scanner: Compiled<typeof scannerMachine>;
  hedge: Compiled<typeof hedgeMachine>;
}

type AnyClientMachine =
  | typeof requestMachine
  | typeof nodeHealthMachine
  | typeof routingRefreshMachine
  | typeof scannerMachine
  | typeof hedgeMachine;

const cache = new WeakMap<object, unknown>();

function compiled<M extends AnyClientMachine>(m: M): Compiled<M> {
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
  /** absent in a machine set made before scans (the demo's policy): the client's own */
  scanner?: typeof scannerMachine;
  /** absent in a machine set made before hedged reads (the demo's policy): the client's own */
  hedge?: typeof hedgeMachine;
}): CompiledMachines {
  return {
    request: compiled(defs.request),
    nodeHealth: compiled(defs.nodeHealth),
    routingRefresh: compiled(defs.routingRefresh),
    scanner: compiled(defs.scanner ?? MACHINES.scanner),
    hedge: compiled(defs.hedge ?? MACHINES.hedge),
  };
}
