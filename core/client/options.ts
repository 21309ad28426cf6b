// Tunables of the core, with the defaults an application gets. Every duration is in ms.
import type {
  hedgeMachine,
  nodeHealthMachine,
  requestMachine,
  routingRefreshMachine,
  scannerMachine,
} from '../../machines/index.ts';

export interface CoreOptions {
  metaServers: string[];
  /** seeds the jitter of back-offs and polls */
  seed: number;
  /** per-call deadline when the call gives none */
  timeoutMs: number;
  /** one attempt's timeout; an attempt never outlives the call's deadline */
  attemptTimeoutMs: number;
  retryBackoffMs: number;
  retryBackoffCapMs: number;
  connectTimeoutMs: number;
  reconnectBackoffMs: number;
  reconnectBackoffCapMs: number;
  pollStartMs: number;
  pollCapMs: number;
  quietMs: number;
  metaBackoffMs: number;
  metaBackoffCapMs: number;
  metaQueryTimeoutMs: number;
  maxForwardHops: number;
  headerVersion: 0 | 1;
  maxFrameBytes: number;
  /** the machine definitions the core runs (replaceable for mutation testing) */
  machines: {
    request: typeof requestMachine;
    nodeHealth: typeof nodeHealthMachine;
    routingRefresh: typeof routingRefreshMachine;
    /** scanners; absent: this package's own */
    scanner?: typeof scannerMachine;
    /** backup requests of hedged reads; absent: this package's own */
    hedge?: typeof hedgeMachine;
  };
}

export type CoreOptionsInput = Partial<Omit<CoreOptions, 'metaServers'>> & Pick<CoreOptions, 'metaServers'>;
