// Benchmarks (not tests): throughput, latency and CPU cost of get and set through the client next
// to a raw-wire floor measured in the same run, and failover timings of the demo scenario.
// Run: npm run bench [-- --quick]   (or: npx tsx bench/run.ts --help)
import { openContext } from './lib/context.ts';
import { measureFailover } from './lib/failover.ts';
import { machineInfo } from './lib/machine.ts';
import { parseOptions, USAGE } from './lib/options.ts';
import { type BenchResults, formatResults, TARGET_CPU_US, TARGET_RATIO, writeJson } from './lib/report.ts';
import { measureThroughput, type ThroughputResult, warmUp } from './lib/throughput.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const o = parsed;
  const args = process.argv.slice(2).join(' ');
  const results: BenchResults = {
    command: `npm run bench${args === '' ? '' : ` -- ${args}`}`,
    machine: machineInfo(),
    options: o,
    throughput: [],
    failover: null,
    targets: { ratio: TARGET_RATIO, clientCpuUsPerOp: TARGET_CPU_US },
  };
  const t0 = Date.now();

  if (o.ops.length > 0) {
    const ctx = await openContext(o);
    try {
      // get needs every key present; set overwrites the same keys, so the store stays bounded
      await warmUp(ctx, 'set', o.depth, o.warmupMs);
      for (const op of o.ops) {
        await warmUp(ctx, op, o.depth, o.warmupMs);
        const rows: ThroughputResult[] = [await measureThroughput(ctx, op, o.depth, o.durationMs, o.rounds)];
        for (const depth of o.sweep) {
          if (depth !== o.depth)
            rows.push(await measureThroughput(ctx, op, depth, Math.ceil(o.durationMs / 2), 1));
        }
        rows.sort((a, b) => a.depth - b.depth);
        for (const r of rows)
          log(
            `${op} depth ${r.depth}: ratio ${r.summary.ratio.toFixed(2)}, ${r.summary.clientCpuUsPerOp.toFixed(1)} µs/op`,
          );
        results.throughput.push(...rows);
      }
    } finally {
      await ctx.close();
    }
  }
  if (o.failover.runs > 0) results.failover = await measureFailover(o.failover, log);

  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s; results in ${o.out}`);
  process.stdout.write(`${formatResults(results)}\n`);
  writeJson(o.out, results);
}

main().catch((e: unknown) => {
  process.stderr.write(
    `bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n${USAGE}\n`,
  );
  process.exitCode = 1;
});
