// Every machine of the client, by name: the single source for the core, the diagrams and the checks.
export {
  HEDGE_STATE,
  type HedgeEvent,
  type HedgeEventType,
  type HedgeInput,
  type HedgeState,
  hedgeMachine,
} from './hedge.machine.ts';
export {
  NODE_HEALTH,
  type NodeHealthEvent,
  type NodeHealthEventType,
  type NodeHealthInput,
  type NodeHealthState,
  nodeHealthMachine,
} from './node-health.machine.ts';
export {
  REQUEST_STATE,
  type RefreshScope,
  type RequestEvent,
  type RequestEventType,
  type RequestInput,
  type RequestState,
  type RetryClass,
  requestMachine,
} from './request.machine.ts';
export {
  ROUTING_STATE,
  type RoutingRefreshEvent,
  type RoutingRefreshEventType,
  type RoutingRefreshInput,
  type RoutingRefreshState,
  routingRefreshMachine,
} from './routing-refresh.machine.ts';
export {
  SCANNER_STATE,
  type ScannerEvent,
  type ScannerEventType,
  type ScannerInput,
  type ScannerState,
  scannerMachine,
} from './scanner.machine.ts';
export { type LeafStateOf, leafOf, leafStatesOf, type StateNames } from './state-names.ts';

import { hedgeMachine } from './hedge.machine.ts';
import { nodeHealthMachine } from './node-health.machine.ts';
import { requestMachine } from './request.machine.ts';
import { routingRefreshMachine } from './routing-refresh.machine.ts';
import { scannerMachine } from './scanner.machine.ts';

export const MACHINES = {
  request: requestMachine,
  nodeHealth: nodeHealthMachine,
  routingRefresh: routingRefreshMachine,
  scanner: scannerMachine,
  hedge: hedgeMachine,
} as const;
