// Argument parsing shared by the repo's scripts (replay, properties, viz, the wire benchmark and the
// profiling helpers): `--help` prints the usage on stdout and exits 0; a bad argument prints the
// problem and the usage on stderr and exits 2.
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed<O extends Options> {
  values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };
  positionals: string[];
}

export function parseCli<O extends Options>(
  usage: string,
  options: O,
  opts: { positionals?: number; argv?: string[] } = {},
): Parsed<O> {
  const argv = opts.argv ?? process.argv.slice(2);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: (opts.positionals ?? 0) > 0,
    });
  } catch (e) {
    return usageError(usage, (e as Error).message);
  }
  if (parsed.values.help === true) {
    process.stdout.write(`${usage.trimEnd()}\n`);
    process.exit(0);
  }
  if (parsed.positionals.length > (opts.positionals ?? 0))
    usageError(usage, `unexpected argument "${parsed.positionals[opts.positionals ?? 0]}"`);
  return parsed as unknown as Parsed<O>;
}

export function usageError(usage: string, message: string): never {
  process.stderr.write(`${message}\n${usage.trimEnd()}\n`);
  process.exit(2);
}

/** a number option: undefined when absent; a usage error when it is not a number within [min, max] */
export function numberArg(
  usage: string,
  /** as the user typed it: '--minutes', or a positional's name */
  name: string,
  raw: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    usageError(
      usage,
      `${name} must be a number ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}, got "${raw}"`,
    );
  return n;
}
