// Scans under faults: the real client core's scanners against the onebox's replicated store on the
// simulated network, while replicas crash, hang, dump core, restart, lose their links, metas change
// leader and the table may split. Records are loaded before the scans start; a few keys are written
// or deleted while they run. Same spec => the same run.
//
// The properties checked (each a Violation when it fails):
//   scan-ends          every scanner ends ('complete', 'failed:<code>' or 'stopped' by its consumer)
//   once               no record is yielded twice by one scan (a scanAll, or one unorderedScanners group)
//   nothing-invented   every record yielded was written (key and value) at some time
//   complete           a scan that ended complete yielded every record present for the whole scan
//   ordered            a hash scan's sort keys strictly increase
//   close-settles      a scan closed while a batch is being read settles that request ERR_ABORTED
//   no-context-left    once everything ended and the network is quiet, no replica holds a scanner
//                      context, except one whose links the scenario cut (a partition drops the
//                      scan and the clear_scanner alike; only the server's idle expiry ends those)
import type {
  CoreCommand,
  CoreEvent,
  CoreOptionsInput,
  ScanBatch,
  ScannerSpec,
} from '../core/client/index.ts';
import { encodeKey, nextKeyOf, partitionHash } from '../core/routing/index.ts';
import { FilterType } from '../core/wire/index.ts';
import { createSimOnebox, type FaultKind } from '../onebox/index.ts';
import { SimClient } from './sim-client.ts';

export const SCAN_TABLE = 'scans';

export interface ScanJob {
  /** 'all': one scanAll; 'groups': unorderedScanners(groups); 'hash': scan(hash key `hashKey`) */
  kind: 'all' | 'groups' | 'hash';
  groups: number;
  hashKey: number;
  batchSize: number;
  atMs: number;
  /** the consumer's pause between batches */
  consumeMs: number;
  /** the consumer stops after this many batches (a `break`); 0: reads to the end */
  stopAfter: number;
  /** it stops while its next batch is being read (an abort), instead of between batches */
  closeInFlight?: boolean;
  /** asks with a filter type the server does not know (it refuses the scan) */
  badFilter?: boolean;
}

export interface ScanWrite {
  atMs: number;
  op: 'set' | 'del';
  /** hash key index (0 .. hashKeys + 2: the last ones are new keys) */
  hashKey: number;
  sortKey: number;
  value: number;
}

export interface ScanFault {
  atMs: number;
  node: number;
  /** the fault hits meta `node` instead of a replica */
  meta?: boolean;
  kind: FaultKind;
  ms: number;
}

export interface ScanScenarioSpec {
  seed: number;
  metas: number;
  replicas: number;
  partitions: number;
  detectMs: number;
  hashKeys: number;
  sortKeys: number;
  jobs: ScanJob[];
  writes: ScanWrite[];
  faults: ScanFault[];
  /** the table splits at this time (-1: never) */
  splitAtMs: number;
  /** the table is dropped at this time (absent: never) */
  dropAtMs?: number;
  /** count contexts on cut links too (a check whose cuts heal before the client gives up) */
  strictContexts?: boolean;
  runMs: number;
}

export interface ScanViolation {
  property: string;
  detail: string;
}

export interface ScanOutcome {
  job: number;
  end: string;
  records: number;
  /** when the consumer learned the end (its last request settled, or it closed) */
  endAtMs: number;
  /** when the core's scanner ended (-1: never) */
  retiredAtMs: number;
}

export interface ScanScenarioResult {
  violations: ScanViolation[];
  outcomes: ScanOutcome[];
  /** the table's partition count at the end (a split doubles it) */
  finalPartitionCount: number;
  eventCount: number;
}

const hashKeyOf = (i: number) => Buffer.from(`h${i}`);
const sortKeyOf = (i: number) => Buffer.from(`s${String(i).padStart(3, '0')}`);
const EMPTY = Buffer.alloc(0);

interface ScannerWatch {
  id: number;
  job: number;
  spec: ScannerSpec;
  batches: number;
  pending: boolean;
  /** its first request went to the core */
  started: boolean;
  /** the consumer closed it while a batch was being read: that request must fail ERR_ABORTED */
  closing: boolean;
  end: string | null;
  endAtMs: number;
  retiredAtMs: number;
  keys: string[];
  values: string[];
}

export function runScanScenario(
  spec: ScanScenarioSpec,
  client_: Partial<CoreOptionsInput> = {},
): ScanScenarioResult {
  const violations: ScanViolation[] = [];
  const violate = (property: string, detail: string) => {
    if (violations.length < 20) violations.push({ property, detail });
  };
  const box = createSimOnebox({
    seed: spec.seed,
    metas: spec.metas,
    replicas: spec.replicas,
    tables: [{ name: SCAN_TABLE, partitionCount: spec.partitions }],
    detectMs: spec.detectMs,
    splitMs: 300,
    splitSwitchMs: 40,
  });
  const appId = box.tables[SCAN_TABLE]!.appId;

  // every value each key ever had (preload, then writes), and which keys a write touches
  const everWritten = new Map<string, Set<string>>();
  const written = (key: Buffer, value: Buffer) => {
    const k = key.toString('hex');
    const set = everWritten.get(k) ?? new Set<string>();
    everWritten.set(k, set);
    set.add(value.toString('hex'));
  };
  const touched = new Set<string>();
  for (const w of spec.writes)
    touched.add(encodeKey(hashKeyOf(w.hashKey), sortKeyOf(w.sortKey)).toString('hex'));

  // the load, written straight into every member of each partition (the same order everywhere)
  const stable: string[] = [];
  const byHash = new Map<number, string[]>();
  for (let h = 0; h < spec.hashKeys; h++) {
    const hashKey = hashKeyOf(h);
    const kvs = Array.from({ length: spec.sortKeys }, (_, s) => ({
      key: sortKeyOf(s),
      value: Buffer.from(`v${h}.${s}`),
    }));
    const partition = Number(partitionHash(hashKey, EMPTY) % BigInt(spec.partitions));
    const config = box.cluster.model.partition(appId, partition)!;
    for (const address of [config.primary, ...config.secondaries]) {
      box.cluster
        .replica(address)
        ?.store(appId, partition)
        ?.multiPut({ hash_key: hashKey, kvs, expire_ts_seconds: 0 }, 0);
    }
    const keys: string[] = [];
    for (const kv of kvs) {
      const full = encodeKey(hashKey, kv.key);
      written(full, kv.value);
      const hex = full.toString('hex');
      if (!touched.has(hex)) stable.push(hex);
      keys.push(hex);
    }
    byHash.set(h, keys);
  }
  for (const w of spec.writes) {
    if (w.op === 'set')
      written(encodeKey(hashKeyOf(w.hashKey), sortKeyOf(w.sortKey)), Buffer.from(`w${w.value}`));
  }

  const watches = new Map<number, ScannerWatch>();
  const byCall = new Map<number, ScannerWatch>();
  let nextCallId = 1_000_000;
  let client: SimClient | null = null;

  const ask = (w: ScannerWatch, first: boolean) => {
    if (w.end !== null || w.pending) return;
    const callId = nextCallId++;
    w.pending = true;
    w.started = true;
    byCall.set(callId, w);
    client!.feed({ type: 'scanNext', callId, scannerId: w.id, ...(first ? { spec: w.spec } : {}) });
  };

  const onCommands = (_event: CoreEvent, commands: CoreCommand[]) => {
    for (const w of watches.values()) {
      if (w.retiredAtMs < 0 && client?.core.scannerState(w.id) === null && w.started)
        w.retiredAtMs = box.sim.nowMs();
    }
    for (const c of commands) {
      if (c.type !== 'settle') continue;
      const w = byCall.get(c.callId);
      if (w === undefined) continue;
      byCall.delete(c.callId);
      w.pending = false;
      if (w.end !== null) continue;
      w.endAtMs = box.sim.nowMs();
      if (w.closing) {
        if (c.ok || c.failure.code !== 'ERR_ABORTED')
          violate(
            'close-settles',
            `scanner ${w.id}: closed while reading, its request settled ${c.ok ? 'ok' : c.failure.code}`,
          );
        w.end = 'stopped';
        continue;
      }
      if (!c.ok) {
        w.end = `failed:${c.failure.code}`;
        continue;
      }
      const batch = c.result as ScanBatch;
      if (batch.done) {
        w.end = 'complete';
        continue;
      }
      for (const r of batch.records) {
        w.keys.push(r.key.toString('hex'));
        w.values.push(r.value.toString('hex'));
      }
      w.batches++;
      const job = spec.jobs[w.job]!;
      if (job.stopAfter > 0 && w.batches >= job.stopAfter && job.closeInFlight === true) {
        box.sim.setTimer(job.consumeMs, () => {
          ask(w, false);
          w.closing = true;
          client!.feed({ type: 'scanClose', scannerId: w.id, error: 'ERR_ABORTED' });
        });
        continue;
      }
      if (job.stopAfter > 0 && w.batches >= job.stopAfter) {
        w.end = 'stopped';
        w.endAtMs = box.sim.nowMs();
        box.sim.setTimer(job.consumeMs, () =>
          client!.feed({ type: 'scanClose', scannerId: w.id, error: 'ERR_ABORTED' }),
        );
        continue;
      }
      box.sim.setTimer(job.consumeMs, () => ask(w, false));
    }
  };

  client = new SimClient(
    box.sim,
    { metaServers: [...box.metas], seed: spec.seed, timeoutMs: 2000, ...client_ },
    { afterHandle: (event, commands) => onCommands(event, commands) },
  );
  client.feed({ type: 'openTable', requestId: 1, table: SCAN_TABLE, timeoutMs: 5000 });

  let nextScannerId = 1;
  spec.jobs.forEach((job, index) => {
    box.sim.setTimer(job.atMs, () => {
      const count = client!.core.routeTable(SCAN_TABLE)?.partitionCount || spec.partitions;
      const groups =
        job.kind === 'hash'
          ? [[]]
          : job.kind === 'all'
            ? [range(count)]
            : deal(count, Math.min(job.groups, count));
      for (const partitions of groups) {
        const w: ScannerWatch = {
          id: nextScannerId++,
          job: index,
          spec: scannerSpec(job, partitions, count),
          batches: 0,
          pending: false,
          started: false,
          closing: false,
          end: null,
          endAtMs: -1,
          retiredAtMs: -1,
          keys: [],
          values: [],
        };
        watches.set(w.id, w);
        ask(w, true);
      }
    });
  });
  let writeId = 1;
  for (const w of spec.writes) {
    box.sim.setTimer(w.atMs, () => {
      const hashKey = hashKeyOf(w.hashKey);
      const sortKey = sortKeyOf(w.sortKey);
      const key = encodeKey(hashKey, sortKey);
      const base = {
        callId: writeId++,
        table: SCAN_TABLE,
        partitionHash: partitionHash(hashKey, sortKey),
        idempotent: true,
        timeoutMs: 2000,
      };
      client!.feed(
        w.op === 'set'
          ? {
              type: 'call',
              ...base,
              rpc: 'RPC_RRDB_RRDB_PUT',
              args: { key, value: Buffer.from(`w${w.value}`), expire_ts_seconds: 0 },
            }
          : { type: 'call', ...base, rpc: 'RPC_RRDB_RRDB_REMOVE', args: key },
      );
    });
  }
  const cut = new Set<string>();
  for (const f of spec.faults) {
    const node =
      f.kind === 'leader' || f.meta === true
        ? box.metas[f.node % box.metas.length]!
        : box.replicas[f.node % box.replicas.length]!;
    if (f.kind === 'partition') cut.add(node);
    box.sim.setTimer(f.atMs, () => box.fault({ node, kind: f.kind, ms: f.ms }));
  }
  if (spec.splitAtMs >= 0) box.sim.setTimer(spec.splitAtMs, () => box.split({ table: SCAN_TABLE }));
  const dropAtMs = spec.dropAtMs;
  if (dropAtMs !== undefined)
    box.sim.setTimer(dropAtMs, () => box.table({ name: SCAN_TABLE, action: 'drop' }));

  try {
    box.sim.runFor(spec.runMs, 3_000_000);
    // slow consumers of long scans may still be reading: let them finish (bounded)
    for (
      let extraMs = 0;
      extraMs < 120_000 && [...watches.values()].some((w) => w.end === null);
      extraMs += 1000
    )
      box.sim.runFor(1000, 3_000_000);
  } catch (e) {
    violate('scan-ends', `livelock: ${e instanceof Error ? e.message : String(e)}`);
  }
  // every fault heals; late replies and hangs run out
  for (const address of box.replicas) box.fault({ node: address, kind: 'heal', ms: 1 });
  box.sim.runFor(3000, 3_000_000);

  const outcomes: ScanOutcome[] = [];
  for (const w of watches.values()) {
    if (w.end === null)
      violate('scan-ends', `scanner ${w.id} (job ${w.job}) never ended (${client.core.scannerState(w.id)})`);
    outcomes.push({
      job: w.job,
      end: w.end ?? 'open',
      records: w.keys.length,
      endAtMs: w.endAtMs,
      retiredAtMs: w.retiredAtMs,
    });
  }
  if (client.core.openScannerIds().length > 0)
    violate('scan-ends', `core still runs scanners ${client.core.openScannerIds()}`);

  spec.jobs.forEach((job, index) => {
    const group = [...watches.values()].filter((w) => w.job === index);
    if (group.length === 0) return;
    const seen = new Set<string>();
    for (const w of group) {
      w.keys.forEach((k, i) => {
        if (seen.has(k)) violate('once', `job ${index}: ${k} yielded twice`);
        seen.add(k);
        if (!everWritten.get(k)?.has(w.values[i]!))
          violate('nothing-invented', `job ${index}: ${k} = ${w.values[i]} was never written`);
        if (
          job.kind === 'hash' &&
          i > 0 &&
          Buffer.compare(Buffer.from(w.keys[i - 1]!, 'hex'), Buffer.from(k, 'hex')) >= 0
        )
          violate('ordered', `job ${index}: ${k} after ${w.keys[i - 1]}`);
      });
    }
    if (!group.every((w) => w.end === 'complete') || dropAtMs !== undefined) return;
    const expected =
      job.kind === 'hash' ? (byHash.get(job.hashKey) ?? []).filter((k) => !touched.has(k)) : stable;
    const missing = expected.filter((k) => !seen.has(k));
    if (missing.length > 0)
      violate(
        'complete',
        `job ${index} (${job.kind}) done without ${missing.length} of ${expected.length} records, e.g. ${missing[0]}`,
      );
  });

  let contexts = 0;
  const table = box.cluster.model.liveTable(SCAN_TABLE);
  const finalPartitionCount = table?.partitionCount ?? spec.partitions;
  for (const address of box.replicas) {
    if (cut.has(address) && spec.strictContexts !== true) continue;
    for (let p = 0; p < finalPartitionCount; p++)
      contexts += box.cluster.replica(address)?.store(appId, p)?.openScanners ?? 0;
  }
  if (contexts > 0 && dropAtMs === undefined)
    violate('no-context-left', `${contexts} scanner contexts left on the replicas`);
  client.feed({ type: 'close' });
  const eventCount = box.sim.eventCount;
  box.close();
  return { violations, outcomes, finalPartitionCount, eventCount };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function deal(count: number, groups: number): number[][] {
  const out: number[][] = Array.from({ length: groups }, () => []);
  for (let p = 0; p < count; p++) out[p % groups]!.push(p);
  return out;
}

function scannerSpec(job: ScanJob, partitions: number[], count: number): ScannerSpec {
  const bad = job.badFilter === true ? 99 : FilterType.FT_NO_FILTER;
  const common = {
    table: SCAN_TABLE,
    stopInclusive: false,
    startInclusive: true,
    batchSize: job.batchSize,
    noValue: false,
    returnExpireTs: false,
    hashKeyFilterType: FilterType.FT_NO_FILTER,
    hashKeyFilterPattern: EMPTY,
    sortKeyFilterType: bad,
    sortKeyFilterPattern: EMPTY,
    batchTimeoutMs: 5000,
  };
  if (job.kind === 'hash') {
    const h = hashKeyOf(job.hashKey);
    return {
      ...common,
      hashScanHash: partitionHash(h, EMPTY),
      partitions: [],
      partitionCount: 0,
      startKey: encodeKey(h, EMPTY),
      stopKey: nextKeyOf(h),
    };
  }
  return {
    ...common,
    hashScanHash: null,
    partitions,
    partitionCount: count,
    startKey: Buffer.from([0, 0]),
    stopKey: Buffer.from([0xff, 0xff]),
  };
}
