// One soak run: a onebox in a child process, the public client under an open-loop mixed workload,
// faults every 1-3 s, and every figure of the report gathered as it goes.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PegasusClient, PegasusError, type Table } from '../client/index.ts';
import { SeededRandom } from '../onebox/index.ts';
import { CheckerThread } from './checker-pool.ts';
import { type FaultLogEntry, type PlannedFault, planFaults } from './faults.ts';
import { type KeyVerdict, MAY_APPLY_ON_SUCCESS, type OpRecord } from './history.ts';
import { type MemorySample, sampleMemory } from './memory.ts';
import { OneboxProcess } from './onebox-process.ts';
import { type ApiOp, type RegisterKind, runOp, S_OPS } from './ops.ts';
import { Progress } from './progress.ts';
import { SecondBuckets, type SecondStats } from './seconds.ts';
import { type StallSummary, StallTracker } from './stalls.ts';

export interface SoakOptions {
  minutes: number;
  seed: number;
  /** calls started per second (open loop) */
  rate: number;
  out: string;
  /** calls one key takes before it retires and is checked */
  callsPerKey: number;
  /** live keys per table and register kind */
  keysPerPool: number;
  /** allowed lateness of a settle after the deadline, net of measured stalls */
  lateToleranceMs: number;
  /** no fault before this (the cluster and client warm up) */
  quietStartMs: number;
  progress: boolean;
}

export const DEFAULT_SOAK: SoakOptions = {
  minutes: 1,
  seed: 1,
  rate: 150,
  out: '/tmp/pegasus-soak',
  callsPerKey: 24,
  keysPerPool: 6,
  lateToleranceMs: 10,
  quietStartMs: 2000,
  progress: true,
};

/** tables: name, partitions; the last one is dropped and recreated, the first two are split */
export const SOAK_TABLES = [
  { name: 'soak_a', partitionCount: 8 },
  { name: 'soak_b', partitionCount: 4 },
  { name: 'soak_r', partitionCount: 4 },
] as const;
const RECREATE_TABLE = 'soak_r';
const MAX_SPLIT_PARTITIONS = 32;
/** call deadlines drawn from these (ms) */
const TIMEOUTS_MS = [250, 500, 1000, 2000];
const REGISTER_WEIGHTS: ReadonlyArray<readonly [RegisterKind, number]> = [
  ['s', 6],
  ['n', 2],
  ['c', 1],
];

export interface LateCall {
  id: number;
  op: ApiOp;
  table: string;
  code: string | null;
  timeoutMs: number;
  /** settle - deadline, as measured */
  rawLateMs: number;
  /** of which the client process was measured not running (loop stall or GC pause) */
  stalledMs: number;
  netLateMs: number;
}

export interface RunResult {
  options: SoakOptions;
  startedAt: string;
  durationMs: number;
  issued: number;
  settled: number;
  unsettled: number;
  okCalls: number;
  errorsByCode: Record<string, number>;
  opsIssued: Record<string, number>;
  seconds: SecondStats[];
  memory: MemorySample[];
  handlesBefore: string[];
  handlesAfterClose: string[];
  stalls: StallSummary;
  late: {
    rawOverTolerance: number;
    netOverTolerance: number;
    worst: LateCall[];
    maxRawMs: number;
    maxNetMs: number;
  };
  arrivalLagMaxMs: number;
  faults: FaultLogEntry[];
  plannedFaults: PlannedFault[];
  verdicts: {
    keys: number;
    failed: KeyVerdict[];
    undecided: number;
    maxCheckMs: number;
    totalCheckMs: number;
    byMinute: Array<{ minute: number; keys: number; failed: number }>;
  };
  counts: { lostIncrements: number; overshoot: number; doubleCasWins: number; staleReads: number };
  oneboxAlive: boolean;
  historyFile: string;
}

interface KeySlot {
  key: string;
  reg: RegisterKind;
  table: string;
  issued: number;
  settled: number;
  retired: boolean;
  records: OpRecord[];
}

function weighted<T>(rnd: SeededRandom, xs: ReadonlyArray<readonly [T, number]>): T {
  const total = xs.reduce((s, [, w]) => s + w, 0);
  let u = rnd.nextFloat() * total;
  for (const [x, w] of xs) {
    u -= w;
    if (u < 0) return x;
  }
  return xs[xs.length - 1]![0];
}

export async function runSoak(opts: SoakOptions): Promise<RunResult> {
  mkdirSync(opts.out, { recursive: true });
  const durationMs = Math.round(opts.minutes * 60_000);
  const rnd = new SeededRandom(opts.seed);
  const origin = performance.now();
  const now = () => performance.now() - origin;
  const startedAt = new Date().toISOString();
  const handlesBefore = process.getActiveResourcesInfo();

  const box = await OneboxProcess.start({
    tables: SOAK_TABLES.map((t) => ({ ...t })),
    detectMs: 1000,
    splitMs: 500,
    logFile: join(opts.out, 'onebox.log'),
  });
  const history: WriteStream = createWriteStream(join(opts.out, 'history.ndjson'));
  const stalls = new StallTracker(origin);
  // kept with the history: a late call can be compared with what the process was doing
  const stallLog = createWriteStream(join(opts.out, 'stalls.ndjson'));
  stalls.onRecord = (kind, startMs, endMs) => stallLog.write(`${JSON.stringify({ kind, startMs, endMs })}\n`);
  stalls.start();
  const client = await PegasusClient.connect({ metaServers: [...box.info.metas] });
  // when a node stopped being usable (reset, suspect after an attempt timeout, down): only a call
  // that spans one of these (or outlives an attempt timeout) can have sent a write twice
  const healthChangesMs: number[] = [];
  client.on('health', () => {
    healthChangesMs.push(now());
  });
  const spansHealthChange = (fromMs: number, toMs: number) => {
    for (let i = healthChangesMs.length - 1; i >= 0; i--) {
      const t = healthChangesMs[i]!;
      if (t < fromMs) return false;
      if (t <= toMs) return true;
    }
    return false;
  };
  const tables = new Map<string, Table>();
  for (const t of SOAK_TABLES) tables.set(t.name, await client.openTable(t.name, { timeoutMs: 10_000 }));

  const plannedFaults = planFaults(opts.seed, durationMs, {
    metas: box.info.metas,
    replicas: box.info.replicas,
    splitTables: SOAK_TABLES.map((t) => t.name),
    recreateTable: RECREATE_TABLE,
  }).filter((f) => f.atMs >= opts.quietStartMs);

  // --- keys -------------------------------------------------------------------------------------
  const incarnation = new Map<string, number>(SOAK_TABLES.map((t) => [t.name, 0]));
  const dropTimes = new Map<string, number[]>(SOAK_TABLES.map((t) => [t.name, []]));
  let keySeq = 0;
  const pools = new Map<string, KeySlot[]>();
  const newSlot = (table: string, reg: RegisterKind): KeySlot => ({
    key: `${table}.${incarnation.get(table)}.${reg}${keySeq++}`,
    reg,
    table,
    issued: 0,
    settled: 0,
    retired: false,
    records: [],
  });
  const poolOf = (table: string, reg: RegisterKind) => {
    const id = `${table}/${reg}`;
    let p = pools.get(id);
    if (p === undefined) {
      p = Array.from({ length: opts.keysPerPool }, () => newSlot(table, reg));
      pools.set(id, p);
    }
    return p;
  };
  const failed: KeyVerdict[] = [];
  let undecided = 0;
  let maxCheckMs = 0;
  let totalCheckMs = 0;
  const byMinute = new Map<number, { keys: number; failed: number }>();
  const counts = { lostIncrements: 0, overshoot: 0, doubleCasWins: 0, staleReads: 0 };
  let keysChecked = 0;
  const failedHistories: OpRecord[][] = [];
  const checker = new CheckerThread();
  // keys still being checked (a counter, not a list of promises: hours of keys must not pile up)
  let checking = 0;
  let allChecked: (() => void) | undefined;
  const onVerdict = (v: KeyVerdict, records: OpRecord[]) => {
    keysChecked++;
    maxCheckMs = Math.max(maxCheckMs, v.checkMs);
    totalCheckMs += v.checkMs;
    counts.lostIncrements += v.lostIncrements;
    counts.overshoot += v.overshoot;
    counts.doubleCasWins += v.doubleCasWins;
    counts.staleReads += v.staleReads;
    if (v.undecided) undecided++;
    const minute = Math.floor(now() / 60_000);
    const m = byMinute.get(minute) ?? { keys: 0, failed: 0 };
    m.keys++;
    if (!v.ok) {
      m.failed++;
      failed.push(v);
      failedHistories.push(records);
    }
    byMinute.set(minute, m);
  };
  const finishSlot = (slot: KeySlot) => {
    if (!slot.retired || slot.settled < slot.issued) return;
    const records = slot.records;
    slot.records = [];
    if (records.length === 0) return;
    checking++;
    void checker.check(records).then((v) => {
      onVerdict(v, records);
      if (--checking === 0) allChecked?.();
    });
  };
  const retire = (slot: KeySlot) => {
    slot.retired = true;
    finishSlot(slot);
  };

  // --- calls ------------------------------------------------------------------------------------
  const buckets = new SecondBuckets();
  const errorsByCode: Record<string, number> = {};
  const opsIssued: Record<string, number> = {};
  let issued = 0;
  let settled = 0;
  let okCalls = 0;
  let valueSeq = 1;
  let arrivalLagMaxMs = 0;
  const late: LateCall[] = [];
  let maxRawMs = Number.NEGATIVE_INFINITY;
  let maxNetMs = Number.NEGATIVE_INFINITY;
  let pendingMinAt = new Map<number, number>();
  let lateCandidates: Array<{ rec: OpRecord; deadline: number; rawLateMs: number }> = [];
  const judgeLate = (settledBeforeMs: number) => {
    const keep: typeof lateCandidates = [];
    for (const c of lateCandidates) {
      if (c.rec.settleMs! >= settledBeforeMs) {
        keep.push(c);
        continue;
      }
      const stalledMs = stalls.stalledWithin(c.deadline, c.rec.settleMs!);
      const netLateMs = c.rawLateMs - stalledMs;
      maxRawMs = Math.max(maxRawMs, c.rawLateMs);
      maxNetMs = Math.max(maxNetMs, netLateMs);
      if (c.rawLateMs > opts.lateToleranceMs) {
        late.push({
          id: c.rec.id,
          op: c.rec.op,
          table: c.rec.table,
          code: c.rec.code,
          timeoutMs: c.rec.timeoutMs,
          rawLateMs: round1(c.rawLateMs),
          stalledMs: round1(stalledMs),
          netLateMs: round1(netLateMs),
        });
      }
    }
    lateCandidates = keep;
  };

  const issue = () => {
    const table = SOAK_TABLES[Math.floor(rnd.nextFloat() * SOAK_TABLES.length)]!.name;
    const reg = weighted(rnd, REGISTER_WEIGHTS);
    const op: ApiOp = reg === 'n' ? 'incr' : reg === 'c' ? 'checkAndSet' : weighted(rnd, S_OPS);
    const timeoutMs = TIMEOUTS_MS[Math.floor(rnd.nextFloat() * TIMEOUTS_MS.length)]!;
    const pool = poolOf(table, reg);
    const idx = Math.floor(rnd.nextFloat() * pool.length);
    const slot = pool[idx]!;
    const rec: OpRecord = {
      id: issued++,
      table,
      inc: incarnation.get(table)!,
      reg,
      key: slot.key,
      op,
      value: valueSeq++,
      atMs: now(),
      timeoutMs,
      settleMs: null,
      ok: null,
      code: null,
      result: null,
      mayApply: 1,
      straddlesDrop: false,
    };
    slot.issued++;
    slot.records.push(rec);
    if (slot.issued >= opts.callsPerKey) {
      pool[idx] = newSlot(table, reg);
      slot.retired = true;
    }
    opsIssued[op] = (opsIssued[op] ?? 0) + 1;
    buckets.issued(rec.atMs);
    pendingMinAt.set(rec.id, rec.atMs);
    const t = tables.get(table)!;
    const settle = (ok: boolean, result: Record<string, unknown> | null, error: unknown) => {
      rec.settleMs = now();
      rec.ok = ok;
      rec.result = result;
      settled++;
      pendingMinAt.delete(rec.id);
      const latencyMs = rec.settleMs - rec.atMs;
      if (ok) {
        okCalls++;
        if (
          MODEL_WRITES.has(op) &&
          (latencyMs >= ATTEMPT_TIMEOUT_MS || spansHealthChange(rec.atMs, rec.settleMs))
        )
          rec.mayApply = MAY_APPLY_ON_SUCCESS;
      } else {
        const code =
          error instanceof PegasusError || error instanceof TypeError
            ? ((error as { code?: string }).code ?? 'TypeError')
            : 'THROWN';
        rec.code = code ?? 'UNKNOWN';
        errorsByCode[rec.code] = (errorsByCode[rec.code] ?? 0) + 1;
        rec.mayApply = error instanceof PegasusError ? Math.max(1, error.attempts.length) : 1;
        if (error instanceof PegasusError)
          rec.detail = `${error.message}; attempts: ${error.attempts.map((a) => `${a.node} ${a.outcome}`).join(', ')}`;
      }
      const drops = dropTimes.get(table)!;
      if (drops.some((d) => d > rec.atMs && d <= rec.settleMs!)) rec.straddlesDrop = true;
      buckets.settled(rec.settleMs, latencyMs, ok);
      const deadline = rec.atMs + rec.timeoutMs;
      const rawLateMs = rec.settleMs - deadline;
      // judged later (judgeLate): a stall that delayed this settle is recorded only when the stall
      // tracker's own timer runs, which may be after this callback
      if (rawLateMs > 0) lateCandidates.push({ rec, deadline, rawLateMs });
      history.write(`${JSON.stringify(rec, jsonBigint)}\n`);
      slot.settled++;
      finishSlot(slot);
    };
    runOp(t, op, slot.key, rec.value, timeoutMs).then(
      (r) => settle(true, r, undefined),
      (e: unknown) => settle(false, null, e),
    );
  };

  // --- faults -----------------------------------------------------------------------------------
  const faultLog: FaultLogEntry[] = [];
  const partitionCounts = new Map<string, number>(SOAK_TABLES.map((t) => [t.name, t.partitionCount]));
  const runFault = async (f: PlannedFault): Promise<void> => {
    const atMs = Math.round(now());
    const log = (status: number, message: string, extra: Partial<PlannedFault> = {}) => {
      faultLog.push({ ...f, ...extra, atMs, status, message });
      buckets.fault(atMs, f.kind);
    };
    try {
      if (f.kind === 'split') {
        if ((partitionCounts.get(f.target) ?? 0) >= MAX_SPLIT_PARTITIONS) {
          log(0, `skipped: ${f.target} has ${MAX_SPLIT_PARTITIONS} partitions`);
          return;
        }
        const a = await box.request('POST', '/split', { table: f.target });
        if (a.status === 200) partitionCounts.set(f.target, (partitionCounts.get(f.target) ?? 0) * 2);
        log(a.status, String(a.body.message ?? a.body.error ?? ''));
        return;
      }
      if (f.kind === 'recreate') {
        const d = await box.request('POST', '/table', { name: f.target, action: 'drop' });
        if (d.status !== 200) {
          log(d.status, `drop: ${String(d.body.error ?? '')}`);
          return;
        }
        // calls started from now on use the next incarnation's keys; calls in flight straddle the drop
        const dropAt = now();
        dropTimes.get(f.target)!.push(dropAt);
        incarnation.set(f.target, incarnation.get(f.target)! + 1);
        for (const reg of ['s', 'n', 'c'] as const) {
          const pool = poolOf(f.target, reg);
          for (let i = 0; i < pool.length; i++) {
            retire(pool[i]!);
            pool[i] = newSlot(f.target, reg);
          }
        }
        await new Promise((r) => setTimeout(r, f.ms ?? 300));
        const c = await box.request('POST', '/table', {
          name: f.target,
          action: 'create',
          partitions: 4,
          replicas: 3,
        });
        partitionCounts.set(f.target, 4);
        log(c.status, `dropped, recreated after ${f.ms} ms: ${String(c.body.message ?? c.body.error ?? '')}`);
        return;
      }
      const body: Record<string, unknown> = { node: f.target, kind: f.kind };
      if (f.ms !== undefined) body.ms = f.ms;
      const a = await box.request('POST', '/fault', body);
      log(a.status, String(a.body.message ?? a.body.error ?? ''));
    } catch (e) {
      log(-1, `control request failed: ${(e as Error).message}`);
    }
  };

  // --- the run ----------------------------------------------------------------------------------
  const progress = new Progress(opts.progress, process.stderr.isTTY === true);
  const memory: MemorySample[] = [sampleMemory(origin)];
  const startMs = now();
  let nextArrivalMs = startMs;
  let faultIdx = 0;
  const interArrival = () => (-Math.log(1 - rnd.nextFloat()) / opts.rate) * 1000;
  await new Promise<void>((resolve) => {
    const arrivals = setInterval(() => {
      const t = now();
      if (t - startMs >= durationMs) {
        clearInterval(arrivals);
        resolve();
        return;
      }
      arrivalLagMaxMs = Math.max(arrivalLagMaxMs, t - nextArrivalMs);
      while (nextArrivalMs <= t) {
        issue();
        nextArrivalMs += interArrival();
      }
      while (faultIdx < plannedFaults.length && plannedFaults[faultIdx]!.atMs <= t - startMs) {
        void runFault(plannedFaults[faultIdx++]!);
      }
    }, 5);
    const sampler = setInterval(() => {
      const t = now();
      if (t - startMs >= durationMs) {
        clearInterval(sampler);
        return;
      }
      memory.push(sampleMemory(origin));
      judgeLate(t - 200);
      let oldest = t;
      for (const at of pendingMinAt.values()) oldest = Math.min(oldest, at);
      for (const c of lateCandidates) oldest = Math.min(oldest, c.deadline);
      stalls.trimBefore(oldest - 1000);
      while (healthChangesMs.length > 0 && healthChangesMs[0]! < oldest - 1000) healthChangesMs.shift();
      progress.update({
        elapsedSec: (t - startMs) / 1000,
        totalSec: durationMs / 1000,
        callsPerSec: buckets.recentRate(t),
        errorsByCode,
        faults: faultLog.length,
        rssMb: memory[memory.length - 1]!.rssMb,
        keysChecked,
        failedKeys: failed.length,
      });
    }, 1000);
  });
  progress.done();

  // let every call reach its deadline, then a little more: every call must have settled by now
  const maxTimeout = Math.max(...TIMEOUTS_MS);
  const drainUntil = now() + maxTimeout + 1000;
  while (now() < drainUntil && settled < issued) await new Promise((r) => setTimeout(r, 50));
  const unsettled = issued - settled;
  await new Promise((r) => setTimeout(r, 50));
  judgeLate(Number.POSITIVE_INFINITY);
  for (const pool of pools.values()) for (const slot of pool) retire(slot);
  memory.push(sampleMemory(origin));
  stalls.stop();
  if (checking > 0) await new Promise<void>((r) => (allChecked = r));
  await checker.close();
  await client.close();
  const oneboxAlive = box.alive;
  await box.stop();
  // a closed client leaves nothing behind (the sockets' close callbacks run on later turns, and
  // late on a loaded machine): wait up to 3 s for the handles to come back to what they were
  const moreThanBefore = (after: string[]) =>
    [...new Set(after)].some(
      (k) => after.filter((x) => x === k).length > handlesBefore.filter((x) => x === k).length,
    );
  let handlesAfterClose = process.getActiveResourcesInfo();
  for (let i = 0; i < 30 && moreThanBefore(handlesAfterClose); i++) {
    await new Promise((r) => setTimeout(r, 100));
    handlesAfterClose = process.getActiveResourcesInfo();
  }
  await new Promise<void>((r) => history.end(() => r()));
  await new Promise<void>((r) => stallLog.end(() => r()));
  pendingMinAt = new Map();

  if (failedHistories.length > 0) {
    const f = createWriteStream(join(opts.out, 'failed-keys.ndjson'));
    for (const h of failedHistories) f.write(`${JSON.stringify(h, jsonBigint)}\n`);
    await new Promise<void>((r) => f.end(() => r()));
  }
  late.sort((a, b) => b.netLateMs - a.netLateMs);
  return {
    options: opts,
    startedAt,
    durationMs,
    issued,
    settled,
    unsettled,
    okCalls,
    errorsByCode,
    opsIssued,
    seconds: buckets.all(),
    memory,
    handlesBefore,
    handlesAfterClose,
    stalls: stalls.summary(),
    late: {
      rawOverTolerance: late.length,
      netOverTolerance: late.filter((l) => l.netLateMs > opts.lateToleranceMs).length,
      worst: late.slice(0, 20),
      maxRawMs: round1(Math.max(maxRawMs, 0)),
      maxNetMs: round1(Math.max(maxNetMs, 0)),
    },
    arrivalLagMaxMs: round1(arrivalLagMaxMs),
    faults: faultLog,
    plannedFaults,
    verdicts: {
      keys: keysChecked,
      failed: failed.slice(0, 50),
      undecided,
      maxCheckMs: round1(maxCheckMs),
      totalCheckMs: Math.round(totalCheckMs),
      byMinute: [...byMinute.entries()].map(([minute, m]) => ({ minute, ...m })),
    },
    counts,
    oneboxAlive,
    historyFile: join(opts.out, 'history.ndjson'),
  };
}

/** the client's default attempt timeout (client/options.ts): a call this long may have been resent */
const ATTEMPT_TIMEOUT_MS = 400;
const MODEL_WRITES: ReadonlySet<ApiOp> = new Set(['set', 'multiSet', 'del', 'multiDel']);

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

export function jsonBigint(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString();
  if (v !== null && typeof v === 'object' && (v as { type?: string }).type === 'Buffer')
    return Buffer.from((v as { data: number[] }).data).toString();
  return v;
}
