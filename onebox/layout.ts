// How many nodes and which tables a onebox starts with, shared by the simulated and TCP variants.

import type { TableSpec } from './cluster/options.ts';

export interface OneboxLayout {
  /** Meta servers, 1 to 3 (default 1); the first one starts as leader. */
  metas?: number;
  /** Replica servers (default 3). */
  replicas?: number;
  /** Tables created at start (default one table "temp" with 8 partitions, like Pegasus's onebox). */
  tables?: readonly TableSpec[];
}

export const DEFAULT_TABLE: TableSpec = { name: 'temp', partitionCount: 8 };
export const REAL_META_PORT = 34601;
export const REAL_REPLICA_PORT = 34801;

export function resolveLayout(layout: OneboxLayout): {
  metas: number;
  replicas: number;
  tables: readonly TableSpec[];
} {
  const metas = layout.metas ?? 1;
  const replicas = layout.replicas ?? 3;
  if (!Number.isInteger(metas) || metas < 1 || metas > 3)
    throw new RangeError(`metas must be 1..3, got ${metas}`);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 64) {
    throw new RangeError(`replicas must be 1..64, got ${replicas}`);
  }
  const tables = layout.tables ?? [DEFAULT_TABLE];
  for (const t of tables) {
    if (t.name === '' || !Number.isInteger(t.partitionCount) || t.partitionCount < 1) {
      throw new RangeError(`bad table spec ${JSON.stringify(t)}`);
    }
  }
  return { metas, replicas, tables };
}

/** Table name -> app id and partition count, as printed by the CLI. */
export type TableDirectory = Record<string, { appId: number; partitionCount: number }>;
