// The simulated network's event log: one entry per delivered (or dropped) packet and per fired
// timer. Two runs with the same seed and the same inputs produce the same log, byte for byte.

export type SimEventType =
  | 'syn' // a connection attempt reached a listening server (accepted)
  | 'refused' // the client learnt that nobody listens at the address
  | 'open' // the client learnt that its connection is established
  | 'data'
  | 'fin'
  | 'rst'
  | 'drop' // a packet lost on a cut link (partition)
  | 'timer';

export interface SimEvent {
  /** Position in this network's log, from 0. */
  readonly index: number;
  readonly atMs: number;
  readonly type: SimEventType;
  readonly connId?: number;
  /** c2s = client to server, s2c = server to client. */
  readonly direction?: 'c2s' | 's2c';
  /** For 'drop': what was dropped. */
  readonly dropped?: 'syn' | 'open' | 'refused' | 'data' | 'fin' | 'rst';
  readonly bytes?: Uint8Array;
  readonly timerId?: number;
}

export type SimEventHook = (event: SimEvent) => void;

/** One line per event; bytes in hex so logs compare byte for byte. */
export function formatSimEvent(e: SimEvent): string {
  const parts = [String(e.index), e.atMs.toFixed(6), e.type];
  if (e.connId !== undefined) parts.push(`#${e.connId}`);
  if (e.direction !== undefined) parts.push(e.direction);
  if (e.dropped !== undefined) parts.push(e.dropped);
  if (e.timerId !== undefined) parts.push(`t${e.timerId}`);
  if (e.bytes !== undefined) parts.push(Buffer.from(e.bytes).toString('hex'));
  return parts.join(' ');
}
