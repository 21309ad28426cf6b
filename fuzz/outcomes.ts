// How a decoder or a server answered each stream, counted by class.

/** class -> outcome -> streams */
export type Outcomes = Record<string, Record<string, number>>;

export interface Finding {
  cls: string;
  rpc: string;
  detail: string;
  /** the stream's bytes (first 1000), to replay it */
  hex: string;
}

/** a stream the in-process decoder spends this long on counts as a hang */
export const HANG_MS = 1000;

export function record(o: Outcomes, cls: string, outcome: string): void {
  const row = o[cls] ?? {};
  row[outcome] = (row[outcome] ?? 0) + 1;
  o[cls] = row;
}
