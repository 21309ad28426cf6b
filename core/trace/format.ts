// The trace format (NDJSON, one record per line; see traces/README.md). Written by the simulator and,
// through its trace hook, by the real client: both record what entered the core and what came out.
import type { Json } from './json-value.ts';

export const TRACE_FORMAT = 'pegasus-ts-trace';
export const TRACE_VERSION = 1;

export interface TraceHeader {
  type: 'header';
  format: typeof TRACE_FORMAT;
  version: typeof TRACE_VERSION;
  source: 'simulation' | 'client';
  /** simulation: the scenario (seed, cluster shape, workload, fault schedule); client: its options */
  spec: Json;
  /** the property that failed, for saved counterexamples */
  property?: string;
  failure?: { invariant: string; detail: string; atMs: number };
  /** how fast-check found it */
  fastCheck?: { seed: number; path: string };
}

/** An event fed to the client core (bytes and bigints JSON-encoded). */
export interface TraceIn {
  /** `'in'` */
  type: 'in';
  /** when, in ms on the client's monotonic clock (the simulator's virtual clock in simulations) */
  t: number;
  /** the event: a call, a frame received, a connection opened or lost, a timer tick, close */
  event: Json;
}

/** A command the core produced; sends carry the decoded frame name, seqid and partition. */
export interface TraceOut {
  /** `'out'` */
  type: 'out';
  /** when, in ms on the same clock as {@link TraceIn.t} */
  t: number;
  /** the command: connect, send, disconnect, settle a call, a table opened, an observed event */
  cmd: Json;
  /** for a send, what the frame is (simulation traces only) */
  frame?: {
    /** the RPC name */
    name: string;
    /** the request's sequence id */
    seqid: number;
    /** the partition it is for */
    partition: number;
  };
}

/** every machine's state after an event: calls by id, nodes by address, tables by name */
export interface TraceStates {
  type: 'states';
  t: number;
  calls: Record<string, string>;
  nodes: Record<string, string>;
  tables: Record<string, string>;
}

export interface TraceFault {
  type: 'fault';
  t: number;
  node: string;
  kind: string;
  ms?: number;
}

/** a configuration change on the (simulated) meta server */
export interface TraceConfig {
  type: 'config';
  t: number;
  partition: number;
  ballot: Json;
  primary: string;
  secondaries: string[];
  reason: string;
}

export interface TraceViolation {
  type: 'violation';
  t: number;
  invariant: string;
  detail: string;
}

export interface TraceEnd {
  type: 'end';
  t: number;
  calls: Json;
}

export type TraceRecord =
  | TraceHeader
  | TraceIn
  | TraceOut
  | TraceStates
  | TraceFault
  | TraceConfig
  | TraceViolation
  | TraceEnd;
