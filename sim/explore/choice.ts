// One explorer step, and its compact text form (what a counterexample prints and replay reads):
//   d<conn>>   deliver the head client->server packet of connection <conn>
//   d<conn><   deliver the head server->client packet
//   d<conn>!   deliver the pending RST (it may overtake queued server->client data)
//   t          advance the clock to the next timer instant and fire what is due
//   T          the same, holding every direction still in flight (one delay per newly held one)
//   f<i>       inject fault <i> of the scope's fault menu

export type Choice =
  | { type: 'deliver'; conn: number; dir: 'c2s' | 's2c' | 'rst' }
  | { type: 'time'; late: boolean }
  | { type: 'fault'; index: number };

const DIR_MARK = { c2s: '>', s2c: '<', rst: '!' } as const;

export function formatChoice(c: Choice): string {
  switch (c.type) {
    case 'deliver':
      return `d${c.conn}${DIR_MARK[c.dir]}`;
    case 'time':
      return c.late ? 'T' : 't';
    case 'fault':
      return `f${c.index}`;
  }
}

export function parseChoice(s: string): Choice {
  if (s === 't' || s === 'T') return { type: 'time', late: s === 'T' };
  const f = /^f(\d+)$/.exec(s);
  if (f !== null) return { type: 'fault', index: Number(f[1]) };
  const d = /^d(\d+)([<>!])$/.exec(s);
  if (d !== null) {
    const dir = d[2] === '>' ? 'c2s' : d[2] === '<' ? 's2c' : 'rst';
    return { type: 'deliver', conn: Number(d[1]), dir };
  }
  throw new Error(`not a choice: ${s}`);
}

export const formatPath = (path: readonly Choice[]): string => path.map(formatChoice).join(' ');
export const parsePath = (text: string): Choice[] =>
  text.trim().split(/\s+/).filter(Boolean).map(parseChoice);
