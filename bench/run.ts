// Benchmarks (not tests), for get, set and multiGet through the client next to a raw-wire floor
// measured in the same run on the same onebox (a child process): saturation throughput and CPU per
// call, open-loop latency at fixed fractions of saturation, for header v1 and v0; memory per 10k
// calls in flight; failover timings of the demo scenario.
// Run: npm run bench [-- --quick]   (or: npx tsx bench/run.ts --help)
import { readFileSync, writeFileSync } from 'node:fs';
import { checkData, fillData } from './lib/call.ts';
import { openClientContext, startServer } from './lib/context.ts';
import { measureFailover } from './lib/failover.ts';
import type { BenchOp } from './lib/keys.ts';
import { machineInfo } from './lib/machine.ts';
import { MEMORY_CLIENT, measureInFlightMemory } from './lib/memory.ts';
import { measureOpenLoop } from './lib/open-loop-latency.ts';
import { parseOptions, USAGE } from './lib/options.ts';
import { renderSvg } from './lib/plot.ts';
import { type BenchResults, doneWhen, formatResults, writeJson } from './lib/report.ts';
import { measureThroughput, type ThroughputResult, warmUp } from './lib/throughput.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const o = parsed;
  if (o.render !== null) {
    const saved = JSON.parse(readFileSync(o.render, 'utf8')) as BenchResults;
    process.stdout.write(`${formatResults(saved)}\n`);
    if (saved.openLoop.length > 0) writeFileSync(o.plot, renderSvg(saved));
    return;
  }
  const args = process.argv.slice(2).join(' ');
  const results: BenchResults = {
    command: `npm run bench${args === '' ? '' : ` -- ${args}`}`,
    machine: machineInfo(),
    options: o,
    saturation: [],
    openLoop: [],
    memory: [],
    failover: null,
    doneWhen: [],
  };
  const t0 = Date.now();

  if (o.ops.length > 0 && o.headers.length > 0) {
    const server = await startServer(o);
    try {
      /** open-loop rates come from the first header version's client saturation, shared by the others */
      const saturation = new Map<BenchOp, number>();
      for (const hv of o.headers) {
        const ctx = await openClientContext(server, o, hv);
        try {
          // get and multiGet need every key present; set overwrites the same keys (bounded store)
          if (hv === o.headers[0]) {
            await fillData(ctx.table, ctx.keys, ctx.value, o.ops.includes('multiGet'));
            await checkData(ctx.table, ctx.keys, o.ops);
          }
          for (const op of o.ops) {
            await warmUp(ctx, op, o.depth, o.warmupMs);
            const rows: ThroughputResult[] = [
              await measureThroughput(ctx, op, o.depth, o.durationMs, o.rounds),
            ];
            for (const depth of o.sweep)
              if (depth !== o.depth)
                rows.push(await measureThroughput(ctx, op, depth, Math.ceil(o.durationMs / 2), 1));
            rows.sort((a, b) => a.depth - b.depth);
            for (const r of rows)
              log(
                `v${hv} ${op} depth ${r.depth}: ${Math.round(r.summary.clientOpsPerSec)} ops/s, ratio ${r.summary.ratio.toFixed(2)}, ` +
                  `${r.summary.clientCpuUsPerOp.toFixed(1)} µs/op vs floor ${r.summary.floorCpuUsPerOp.toFixed(1)}`,
              );
            results.saturation.push(...rows);
            if (!saturation.has(op))
              saturation.set(op, rows.find((r) => r.depth === o.depth)!.summary.clientOpsPerSec);
            const open = await measureOpenLoop(ctx, op, saturation.get(op)!, o.loadsPercent, o.openMs);
            for (const r of open)
              log(
                `v${hv} ${op} open loop ${r.loadPercent}% (${r.ratePerSec}/s): p99 client ${r.client.p99Ms.toFixed(2)} ms, ` +
                  `floor ${r.floor.p99Ms.toFixed(2)} ms`,
              );
            results.openLoop.push(...open);
          }
          if (hv === o.headers[0] && o.memoryCalls > 0) {
            const mem = await openClientContext(server, o, hv, MEMORY_CLIENT);
            try {
              for (const op of o.ops) {
                const m = await measureInFlightMemory(mem, op, o.memoryCalls);
                log(`memory ${op}: ${m.heapBytesPerCall.toFixed(0)} B heap per pending call`);
                results.memory.push({ headerVersion: hv, ...m });
              }
            } finally {
              await mem.close();
            }
          }
        } finally {
          await ctx.close();
        }
      }
    } finally {
      await server.stop();
    }
  }
  if (o.failover.runs > 0) results.failover = await measureFailover(o.failover, log);
  results.doneWhen = doneWhen(results);

  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s; results in ${o.out}, plot in ${o.plot}`);
  process.stdout.write(`${formatResults(results)}\n`);
  writeJson(o.out, results);
  if (results.openLoop.length > 0) writeFileSync(o.plot, renderSvg(results));
}

main().catch((e: unknown) => {
  process.stderr.write(
    `bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n${USAGE}\n`,
  );
  process.exitCode = 1;
});
