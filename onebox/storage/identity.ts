// Fields every rrdb response echoes. `server` stays '' here: the replica wrapper knows its address.

export interface StoreIdentity {
  readonly app_id: number;
  readonly partition_index: number;
}

export const echo = (id: StoreIdentity): { app_id: number; partition_index: number; server: string } => ({
  app_id: id.app_id,
  partition_index: id.partition_index,
  server: '',
});

export const EMPTY: Buffer = Buffer.alloc(0);

/** Values leave the store as copies so a consumer cannot corrupt this or a cloned replica. */
export const copyOut = (bytes: Buffer): Buffer => Buffer.from(bytes);
