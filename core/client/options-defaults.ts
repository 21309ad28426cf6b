// Defaults chosen for a production client talking to a healthy cluster; see README "Defaults".
import { MACHINES } from '../../machines/index.ts';
import type { CoreOptions, CoreOptionsInput } from './options.ts';

export const DEFAULT_OPTIONS: Omit<CoreOptions, 'metaServers'> = {
  seed: 1,
  timeoutMs: 1000,
  attemptTimeoutMs: 400,
  retryBackoffMs: 10,
  retryBackoffCapMs: 200,
  connectTimeoutMs: 1000,
  reconnectBackoffMs: 50,
  reconnectBackoffCapMs: 1000,
  pollStartMs: 80,
  pollCapMs: 200,
  quietMs: 1000,
  metaBackoffMs: 100,
  metaBackoffCapMs: 1000,
  metaQueryTimeoutMs: 1000,
  maxForwardHops: 3,
  headerVersion: 1,
  maxFrameBytes: 64 * 1024 * 1024,
  machines: MACHINES,
};

const POSITIVE_MS: Array<keyof CoreOptions> = [
  'timeoutMs',
  'attemptTimeoutMs',
  'retryBackoffMs',
  'retryBackoffCapMs',
  'connectTimeoutMs',
  'reconnectBackoffMs',
  'reconnectBackoffCapMs',
  'pollStartMs',
  'pollCapMs',
  'quietMs',
  'metaBackoffMs',
  'metaBackoffCapMs',
  'metaQueryTimeoutMs',
];

/** Fills defaults and rejects nonsense before anything runs. */
export function resolveOptions(input: CoreOptionsInput): CoreOptions {
  const o: CoreOptions = { ...DEFAULT_OPTIONS, ...stripUndefined(input) } as CoreOptions;
  if (!Array.isArray(o.metaServers) || o.metaServers.length === 0) {
    throw new TypeError('metaServers must be a non-empty list of "host:port" addresses');
  }
  for (const a of o.metaServers) {
    if (typeof a !== 'string' || !/^[^:\s]+:\d{1,5}$/.test(a))
      throw new TypeError(`metaServers: "${String(a)}" is not "host:port"`);
  }
  for (const k of POSITIVE_MS) {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      throw new TypeError(`${k} must be a positive number of ms, got ${String(v)}`);
  }
  if (o.pollStartMs > o.pollCapMs) throw new TypeError('pollStartMs must not exceed pollCapMs');
  if (o.headerVersion !== 0 && o.headerVersion !== 1) throw new TypeError('headerVersion must be 0 or 1');
  if (!Number.isInteger(o.maxForwardHops) || o.maxForwardHops < 0)
    throw new TypeError('maxForwardHops must be a non-negative integer');
  if (!Number.isInteger(o.maxFrameBytes) || o.maxFrameBytes < 1024)
    throw new TypeError('maxFrameBytes must be an integer >= 1024');
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
