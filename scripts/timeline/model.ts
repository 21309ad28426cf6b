// What the timeline page shows, extracted from a trace and independent of how it is drawn.

/** one machine in one state from `start` to `end` (virtual ms) */
export interface StateSegment {
  start: number;
  end: number;
  state: string;
}

export type CallOutcome = 'ok' | 'error' | 'unknown' | 'pending';

export interface CallBar {
  id: string;
  label: string;
  start: number;
  /** settle time; the end of the trace when the call never settled */
  end: number;
  deadline: number | null;
  outcome: CallOutcome;
  /** error code of a failed call */
  code: string | null;
  detail: string;
}

/** a frame on the wire: `out` from the client to a node, `in` from a node to the client */
export interface FrameMark {
  t: number;
  dir: 'out' | 'in';
  name: string;
  node: string;
  detail: string;
}

/** any point event drawn as a marker with a short label and a hover text */
export interface PointMark {
  t: number;
  label: string;
  detail: string;
}

export interface FaultMark extends PointMark {
  kind: string;
  /** how long the fault lasts, when the kind has a duration */
  until: number | null;
}

export type NodeRole = 'meta' | 'replica' | 'node';

export interface NodeLane {
  address: string;
  role: NodeRole;
  health: StateSegment[];
  frames: FrameMark[];
  faults: FaultMark[];
  /** connection losses with their reason */
  losses: PointMark[];
}

export interface TableLane {
  table: string;
  states: StateSegment[];
  /** frames to and from the meta servers on behalf of this table */
  queries: FrameMark[];
  /** configuration changes on the meta server (`config` records) */
  configs: PointMark[];
  /** routes the client learned (observe routing commands) */
  routes: PointMark[];
}

export interface RequestRow {
  callId: string;
  label: string;
  states: StateSegment[];
}

export interface HeaderInfo {
  title: string;
  source: string;
  scenario: string[];
  property: string | null;
  failure: string | null;
  fastCheck: string | null;
}

export interface Timeline {
  header: HeaderInfo;
  start: number;
  end: number;
  /** every time something happened, for the time scale */
  times: number[];
  calls: CallBar[];
  frames: FrameMark[];
  nodes: NodeLane[];
  tables: TableLane[];
  requests: RequestRow[];
  violations: PointMark[];
  recordCount: number;
}
