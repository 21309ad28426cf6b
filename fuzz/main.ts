// npm run fuzz -- [--frames N] [--tcp-frames M] [--seed S] [--out DIR]
// Hostile byte streams (random, truncated, oversized lengths, bit flips of valid frames of every
// RPC, hostile frames among valid ones) into the client's decoder (N frames, in process) and into
// the onebox's meta and replica ports over TCP (M frames; default N / 10). Writes DIR/report.json;
// exits 1 on any crash or hang, 2 on bad usage.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { requestCorpus, responseCorpus } from './corpus.ts';
import { fuzzDecoder } from './decoder-fuzz.ts';
import { CLASSES } from './mutate.ts';
import { fuzzTcp } from './tcp-fuzz.ts';

const USAGE =
  'usage: npm run fuzz -- [--frames N (default 100000)] [--tcp-frames M (default N/10)] [--seed S] [--out DIR]';

function count(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${v}`);
  return n;
}

async function main(): Promise<number> {
  let frames: number;
  let tcpFrames: number;
  let seed: number;
  let out: string;
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        frames: { type: 'string' },
        'tcp-frames': { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
    if (values.help === true) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    frames = count(values.frames, 'frames', 100_000);
    tcpFrames = count(values['tcp-frames'], 'tcp-frames', Math.floor(frames / 10));
    seed = count(values.seed, 'seed', 1);
    out = values.out ?? '/tmp/pegasus-fuzz';
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  mkdirSync(out, { recursive: true });
  const startedAt = new Date().toISOString();
  const decoder = fuzzDecoder(seed, frames, responseCorpus(seed, 40));
  process.stderr.write(
    `decoder: ${decoder.framesTried} frames in ${decoder.elapsedMs} ms, ${decoder.crashes.length} crashes, ${decoder.hangs.length} hangs\n`,
  );
  const tcp = await fuzzTcp(seed, tcpFrames, requestCorpus(seed, 20), join(out, 'onebox.log'));
  process.stderr.write(
    `onebox over TCP: ${tcp.framesTried} frames in ${tcp.elapsedMs} ms, ${tcp.crashes.length} crashes, ${tcp.hangs.length} hangs\n`,
  );
  const ok = decoder.crashes.length + decoder.hangs.length + tcp.crashes.length + tcp.hangs.length === 0;
  const report = {
    ok,
    command: `npm run fuzz -- --frames ${frames} --tcp-frames ${tcpFrames} --seed ${seed}`,
    startedAt,
    machine: {
      cpus: os.cpus().length,
      loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
      node: process.version,
    },
    classes: CLASSES,
    clientDecoder: {
      what: 'core/wire ResponseDecoder (client default 64 MiB frame limit) + decodeResult of every ERR_OK frame, in process',
      ...decoder,
    },
    oneboxTcp: {
      what: 'onebox child process (3 metas, 5 replicas) over TCP; one connection per stream, then a valid remote command',
      ...tcp,
    },
    fuzzerPeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  writeFileSync(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    `${ok ? 'PASS' : 'FAIL'}: client decoder ${decoder.framesTried} frames, onebox ${tcp.framesTried} frames; ` +
      `crashes ${decoder.crashes.length + tcp.crashes.length}, hangs ${decoder.hangs.length + tcp.hangs.length}; ` +
      `peak RSS fuzzer ${report.fuzzerPeakRssMb} MB, onebox ${tcp.serverPeakRssMb} MB\nreport: ${join(out, 'report.json')}\n`,
  );
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`fuzz failed to run: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
