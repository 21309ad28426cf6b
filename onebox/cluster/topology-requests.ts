// Topology requests (the control API's POST /split and POST /table bodies, and the programmatic
// Onebox.split() / Onebox.table()) and their validation. Cluster carries them out.

export interface SplitRequest {
  table: string;
  /** halve the count again; only before any child registered */
  cancel?: boolean;
}

export interface TableRequest {
  name: string;
  action: 'create' | 'drop';
  /** create: partition count (default 8) */
  partitions?: number;
  /** create: replica count (default 3, capped by the replica server count) */
  replicas?: number;
}

/** `status` is the HTTP status the control endpoint answers with: 400 bad input, 404, 409 conflict. */
export type TopologyResult =
  | { ok: true; message: string; appId?: number; partitionCount?: number }
  | { ok: false; status: 400 | 404 | 409; error: string };

const MAX_PARTITIONS = 1 << 16;

function objectBody(body: unknown, fields: readonly string[]): Record<string, unknown> | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'body must be a JSON object' };
  for (const k of Object.keys(body)) {
    if (!fields.includes(k)) return { error: `unknown field "${k}"; valid: ${fields.join(', ')}` };
  }
  return body as Record<string, unknown>;
}

function count(
  o: Record<string, unknown>,
  field: string,
  max: number,
): number | undefined | { error: string } {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    return { error: `"${field}" must be an integer between 1 and ${max}` };
  }
  return v;
}

export function parseSplitRequest(body: unknown): SplitRequest | { error: string } {
  const o = objectBody(body, ['table', 'cancel']);
  if ('error' in o) return { error: o.error as string };
  if (typeof o.table !== 'string' || o.table === '') return { error: '"table" must be a non-empty string' };
  if (o.cancel !== undefined && typeof o.cancel !== 'boolean')
    return { error: '"cancel" must be true or false' };
  return o.cancel === undefined ? { table: o.table } : { table: o.table, cancel: o.cancel };
}

export function parseTableRequest(body: unknown): TableRequest | { error: string } {
  const o = objectBody(body, ['name', 'action', 'partitions', 'replicas']);
  if ('error' in o) return { error: o.error as string };
  if (typeof o.name !== 'string' || o.name === '') return { error: '"name" must be a non-empty string' };
  if (o.action !== 'create' && o.action !== 'drop') return { error: '"action" must be "create" or "drop"' };
  const request: TableRequest = { name: o.name, action: o.action };
  const partitions = count(o, 'partitions', MAX_PARTITIONS);
  const replicas = count(o, 'replicas', 64);
  for (const v of [partitions, replicas]) if (typeof v === 'object') return v;
  if (o.action === 'drop' && (partitions !== undefined || replicas !== undefined)) {
    return { error: '"partitions" and "replicas" apply to create only' };
  }
  if (typeof partitions === 'number') request.partitions = partitions;
  if (typeof replicas === 'number') request.replicas = replicas;
  return request;
}
