// Benchmark (not a test): ns per event for the compiled executor vs xstate on the request machine's
// retry cycle (research Appendix A/D). Run: npx tsx bench/executor.ts   (ROUNDS=7 ROUND_MS=300 by default)
import { createActor, SimulatedClock, transition } from 'xstate';
import { type AfterEvent, type Command, compileMachine } from '../core/executor/index.ts';
import { makeStepper } from '../tests/fixtures/machines/oracle.ts';
import { type ReqEvent, requestMachine } from '../tests/fixtures/machines/request.ts';
import { nsPerOp } from './lib/ns-per-op.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const ROUND_MS = Number(process.env.ROUND_MS ?? 300);

const bench = (opsPerCall: number, fn: () => void): number =>
  nsPerOp(fn, { rounds: ROUNDS, roundMs: ROUND_MS, calibrateMs: 50, opsPerCall });

const input = { id: 1, maxAttempts: Number.POSITIVE_INFINITY, timeoutMs: 1000 };
const cycle: (ReqEvent | AfterEvent)[] = [
  { type: 'RESPONSE', ok: false, retriable: true },
  { type: 'xstate.after.backoff.req.backoff' },
  { type: 'ROUTE_OK', node: 'n1' },
  { type: 'SENT' },
];
const toAwaiting: ReqEvent[] = [{ type: 'SUBMIT' }, { type: 'ROUTE_OK', node: 'n1' }, { type: 'SENT' }];
const lifecycle: ReqEvent[] = [...toAwaiting, { type: 'RESPONSE', ok: true, retriable: false }];
const rejected: ReqEvent = { type: 'NODE_DOWN', node: 'elsewhere' }; // guard sameNode fails

const compiled = compileMachine(requestMachine);
const stepper = makeStepper(requestMachine, input);
let sink = 0;

function executorAt() {
  let s = compiled.initial(input)[0];
  for (const e of toAwaiting) s = compiled.transition(s, e)[0];
  return s;
}
function stepperAt() {
  let s = stepper.init(input)[0];
  for (const e of toAwaiting) s = stepper.step(s, e)[0];
  return s;
}

const rows: [string, string, number][] = [];
const row = (group: string, name: string, ns: number) => {
  rows.push([group, name, ns]);
  process.stderr.write('.');
};

{
  let s = executorAt();
  row(
    'retry-cycle event',
    'executor transition() [tuple + array]',
    bench(4, () => {
      for (const e of cycle) {
        const r = compiled.transition(s, e);
        s = r[0];
        sink += r[1].length;
      }
    }),
  );
  s = executorAt();
  const out: Command<ReqEvent>[] = [];
  row(
    'retry-cycle event',
    'executor step() [reused out array]',
    bench(4, () => {
      for (const e of cycle) {
        out.length = 0;
        s = compiled.step(s, e, out);
      }
      sink += out.length;
    }),
  );
  let x = stepperAt();
  row(
    'retry-cycle event',
    'xstate reused-scope stepper',
    bench(4, () => {
      for (const e of cycle) x = stepper.step(x, e)[0];
    }),
  );
  const actor = createActor(requestMachine, { input, clock: new SimulatedClock() }).start();
  for (const e of toAwaiting) actor.send(e);
  row(
    'retry-cycle event',
    'xstate actor.send (SimulatedClock)',
    bench(4, () => {
      for (const e of cycle) actor.send(e as ReqEvent); // P4: after-events are outside the event union
    }),
  );
  actor.stop();
  let y = stepperAt();
  row(
    'retry-cycle event',
    'xstate transition() (pure, exported)',
    bench(4, () => {
      for (const e of cycle) y = transition(requestMachine, y, e as ReqEvent)[0];
    }),
  );
}
{
  const s = executorAt();
  row(
    'guard-rejected event',
    'executor transition()',
    bench(1, () => {
      sink += compiled.transition(s, rejected)[1].length;
    }),
  );
  const x = stepperAt();
  row(
    'guard-rejected event',
    'xstate reused-scope stepper',
    bench(1, () => {
      sink += stepper.step(x, rejected)[1].length;
    }),
  );
}
row(
  'lifecycle (init + 4 events)',
  'executor',
  bench(1, () => {
    let s = compiled.initial(input)[0];
    for (const e of lifecycle) s = compiled.transition(s, e)[0];
    sink += s.status === 'done' ? 1 : 0;
  }),
);
row(
  'lifecycle (init + 4 events)',
  'xstate reused-scope stepper',
  bench(1, () => {
    let s = stepper.init(input)[0];
    for (const e of lifecycle) s = stepper.step(s, e)[0];
    sink += s.status === 'done' ? 1 : 0;
  }),
);

process.stderr.write('\n');
const fmt = (n: number) => n.toFixed(0).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
console.log(`node ${process.version}, median of ${ROUNDS} rounds x ~${ROUND_MS} ms\n`);
console.log(`| case | implementation | ns/op | vs executor |`);
console.log(`|---|---|---:|---:|`);
const baseOf = new Map<string, number>();
for (const [g, name, ns] of rows) {
  if (!baseOf.has(g)) baseOf.set(g, ns);
  console.log(`| ${g} | ${name} | ${fmt(ns)} | ${(ns / (baseOf.get(g) as number)).toFixed(1)}x |`);
}
if (sink === -1) console.log(sink);
