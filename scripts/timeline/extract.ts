// One pass over the trace records builds everything the page draws (see model.ts).
import type { TraceConfig, TraceFault, TraceHeader, TraceRecord } from '../../core/trace/index.ts';
import { CallCollector } from './calls.ts';
import { ms } from './format-time.ts';
import { FrameReader } from './frames.ts';
import { headerInfo } from './header-info.ts';
import { asObject, bigText, type JsonObject, list, str } from './json-read.ts';
import type { FaultMark, FrameMark, NodeLane, NodeRole, PointMark, TableLane, Timeline } from './model.ts';
import { SegmentBuilder } from './state-segments.ts';

/** fault kinds whose `ms` is a duration (for `slow` it is added latency per message) */
const LASTING = new Set(['crash', 'hang', 'coredump', 'partition', 'busy', 'leader']);

export function extractTimeline(records: TraceRecord[], title: string): Timeline {
  const x = new Extraction();
  for (const r of records) x.add(r);
  return x.finish(title, records.length);
}

class Extraction {
  private header: TraceHeader | undefined;
  private start = Number.POSITIVE_INFINITY;
  private end = Number.NEGATIVE_INFINITY;
  private readonly times: number[] = [];
  private readonly calls = new CallCollector();
  private readonly reader = new FrameReader();
  private readonly frames: FrameMark[] = [];
  private readonly nodeStates = new SegmentBuilder();
  private readonly tableStates = new SegmentBuilder();
  private readonly callStates = new SegmentBuilder();
  private readonly nodes = new Map<string, NodeLane>();
  private readonly tables = new Map<string, TableLane>();
  private readonly configs: PointMark[] = [];
  private readonly violations: PointMark[] = [];
  /** routing machine states as of the last `states` record, to tell which table a meta query serves */
  private tableNow: Record<string, string> = {};

  add(r: TraceRecord): void {
    if (r.type === 'header') {
      this.header = r;
      return;
    }
    this.start = Math.min(this.start, r.t);
    this.end = Math.max(this.end, r.t);
    this.times.push(r.t);
    switch (r.type) {
      case 'in':
        this.event(r.t, asObject(r.event));
        return;
      case 'out':
        this.command(r.t, asObject(r.cmd), r.frame);
        return;
      case 'states':
        this.nodeStates.sample(r.t, r.nodes);
        this.tableStates.sample(r.t, r.tables);
        this.callStates.sample(r.t, r.calls);
        for (const a of Object.keys(r.nodes)) this.node(a);
        for (const t of Object.keys(r.tables)) this.table(t);
        this.tableNow = r.tables;
        return;
      case 'fault':
        this.fault(r);
        return;
      case 'config':
        this.config(r);
        return;
      case 'violation':
        this.violations.push({
          t: r.t,
          label: r.invariant,
          detail: `${r.invariant} at ${ms(r.t)}: ${r.detail}`,
        });
        return;
      case 'end':
        this.calls.ended(r.calls);
        return;
    }
  }

  private event(t: number, ev: JsonObject | null): void {
    const type = str(ev, 'type');
    const address = str(ev, 'address');
    if (ev === null) return;
    if (type === 'call') this.calls.started(t, ev);
    else if (type === 'data') for (const f of this.reader.received(t, ev)) this.frame(f);
    else if (type === 'connected' && address !== null) this.reader.reset(address);
    else if (type === 'connectionLost' && address !== null) {
      this.reader.reset(address);
      const reason = str(ev, 'reason') ?? '?';
      this.node(address).losses.push({
        t,
        label: reason,
        detail: `connection to ${address} lost (${reason}) at ${ms(t)}`,
      });
    }
  }

  private command(t: number, cmd: JsonObject | null, frame: Parameters<FrameReader['sent']>[2]): void {
    const type = str(cmd, 'type');
    if (cmd === null) return;
    if (type === 'send') this.frame(this.reader.sent(t, cmd, frame));
    else if (type === 'settle') this.calls.settled(t, cmd);
    else if (type === 'observe') {
      const ev = asObject(cmd.event);
      if (str(ev, 'kind') === 'routing' && ev !== null) this.route(t, ev);
    }
  }

  private frame(f: FrameMark): void {
    this.frames.push(f);
    const lane = this.node(f.node);
    lane.frames.push(f);
    if (f.name.startsWith('RPC_CM_')) {
      lane.role = 'meta';
      // the table whose routing machine is querying; the first table when none is
      const querying = Object.entries(this.tableNow).find(([, s]) => s === 'querying')?.[0];
      const table = querying ?? Object.keys(this.tableNow)[0] ?? '?';
      this.table(table).queries.push(f);
    } else if (f.name.startsWith('RPC_RRDB_') && lane.role === 'node') lane.role = 'replica';
  }

  private route(t: number, ev: JsonObject): void {
    const table = str(ev, 'table') ?? '?';
    const changes = list(ev, 'changed').map((c) => {
      const o = asObject(c);
      const primary = str(o, 'primary') ?? '';
      if (primary !== '') this.replica(primary);
      return { index: String(o?.index ?? '?'), ballot: bigText(o?.ballot), primary };
    });
    if (changes.length === 0) return;
    const first = changes[0]!;
    this.table(table).routes.push({
      t,
      label:
        changes.length === 1
          ? `p${first.index} b${first.ballot} ${port(first.primary)}`
          : `${changes.length} routes`,
      detail: [
        `client learned routes of ${table} at ${ms(t)}:`,
        ...changes.map((c) => `  partition ${c.index}: ballot ${c.ballot}, primary ${c.primary || '(none)'}`),
      ].join('\n'),
    });
  }

  private fault(r: TraceFault): void {
    const until = r.ms !== undefined && LASTING.has(r.kind) ? r.t + r.ms : null;
    const mark: FaultMark = {
      t: r.t,
      kind: r.kind,
      until,
      label: r.ms === undefined ? r.kind : `${r.kind} ${r.ms}ms`,
      detail: `fault ${r.kind} on ${r.node} at ${ms(r.t)}${r.ms === undefined ? '' : ` (ms ${r.ms})`}`,
    };
    const lane = this.node(r.node);
    if (r.kind === 'leader') lane.role = 'meta';
    lane.faults.push(mark);
  }

  private config(r: TraceConfig): void {
    const ballot = bigText(r.ballot);
    if (r.primary !== '') this.replica(r.primary);
    for (const s of r.secondaries) this.replica(s);
    this.configs.push({
      t: r.t,
      label: `p${r.partition} b${ballot} ${port(r.primary)}`,
      detail: [
        `meta configuration of partition ${r.partition} at ${ms(r.t)}: ballot ${ballot}`,
        `primary ${r.primary || '(none)'}; secondaries ${r.secondaries.join(', ') || '(none)'}`,
        r.reason,
      ].join('\n'),
    });
  }

  private replica(address: string): void {
    const lane = this.node(address);
    if (lane.role === 'node') lane.role = 'replica';
  }

  private node(address: string): NodeLane {
    let lane = this.nodes.get(address);
    if (lane === undefined) {
      lane = { address, role: 'node', health: [], frames: [], faults: [], losses: [] };
      this.nodes.set(address, lane);
    }
    return lane;
  }

  private table(name: string): TableLane {
    let lane = this.tables.get(name);
    if (lane === undefined) {
      lane = { table: name, states: [], queries: [], configs: [], routes: [] };
      this.tables.set(name, lane);
    }
    return lane;
  }

  finish(title: string, recordCount: number): Timeline {
    const start = Number.isFinite(this.start) ? this.start : 0;
    const end = Math.max(start, Number.isFinite(this.end) ? this.end : 0);
    for (const [address, segs] of this.nodeStates.finish(end)) this.node(address).health = segs;
    for (const [table, segs] of this.tableStates.finish(end)) this.table(table).states = segs;
    // meta configuration records carry no table; with several tables they go to the first one
    if (this.configs.length > 0) {
      const first = [...this.tables.values()][0] ?? this.table('(meta)');
      first.configs.push(...this.configs);
    }
    const requests = [...this.callStates.finish(end)]
      .map(([callId, states]) => ({ callId, label: this.calls.label(callId), states }))
      .sort((a, b) => Number(a.callId) - Number(b.callId) || a.callId.localeCompare(b.callId));
    return {
      header: headerInfo(this.header, title),
      start,
      end,
      times: this.times,
      calls: this.calls.bars(end),
      frames: this.frames,
      nodes: [...this.nodes.values()].sort(byRoleThenAddress),
      tables: [...this.tables.values()].sort((a, b) => a.table.localeCompare(b.table)),
      requests,
      violations: this.violations,
      recordCount,
    };
  }
}

const ROLE_ORDER: Record<NodeRole, number> = { meta: 0, replica: 1, node: 2 };

function byRoleThenAddress(a: NodeLane, b: NodeLane): number {
  return (
    ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.address.localeCompare(b.address, 'en', { numeric: true })
  );
}

/** ':34802' for '127.0.0.1:34802': labels are short, hover text has the full address */
function port(address: string): string {
  if (address === '') return 'no primary';
  const i = address.lastIndexOf(':');
  return i < 0 ? address : address.slice(i);
}
