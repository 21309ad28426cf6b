// Every machine of the client, by name: the single source for the core, the diagrams and the checks.
export { type NodeHealthEvent, type NodeHealthInput, nodeHealthMachine } from './node-health.machine.ts';
export {
  type RefreshScope,
  type RequestEvent,
  type RequestInput,
  type RetryClass,
  requestMachine,
} from './request.machine.ts';
export {
  type RoutingRefreshEvent,
  type RoutingRefreshInput,
  routingRefreshMachine,
} from './routing-refresh.machine.ts';

import { nodeHealthMachine } from './node-health.machine.ts';
import { requestMachine } from './request.machine.ts';
import { routingRefreshMachine } from './routing-refresh.machine.ts';

export const MACHINES = {
  request: requestMachine,
  nodeHealth: nodeHealthMachine,
  routingRefresh: routingRefreshMachine,
} as const;
