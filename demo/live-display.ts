// Shows a LiveView while a run is in progress: on a terminal, a compact panel redrawn in place a
// few times a second; otherwise (or with --no-live) one plain line per second plus the log lines,
// so CI logs stay readable.
import { type LiveSnapshot, type LiveView, shortAddress } from './live-view.ts';

const REDRAW_MS = 250;
const LINE_MS = 1000;

const ESC = '\x1b[';
const color = (code: number) => (s: string) => `${ESC}${code}m${s}${ESC}0m`;
const red = color(31);
const green = color(32);
const yellow = color(33);
const bold = color(1);
const dim = color(2);

function paint(state: string): string {
  const s = state.padEnd(10);
  if (state === 'ready' || state === 'running') return green(s);
  if (state === 'suspect' || state === 'connecting' || state === 'hung') return yellow(s);
  if (state === 'down' || state === 'crashed') return red(s);
  return s;
}

function bar(fraction: number, width: number): string {
  const n = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}]`;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function panelLines(s: LiveSnapshot): string[] {
  const errors =
    s.errors.length === 0 ? green('none') : red(s.errors.map(([c, n]) => `${c} ${n}`).join(', '));
  const lines = [
    `${bold('pegasus-ts failover demo')}  policy: ${bold(s.policy)}`,
    `t +${sec(s.elapsedMs)} / ${sec(s.durationMs)} ${bar(s.elapsedMs / s.durationMs, 30)}  fault: ${s.fault}`,
    '',
    dim('node      onebox     client     primaries'),
    ...s.nodes.map(
      (n) => `${shortAddress(n.address).padEnd(10)}${paint(n.process)} ${paint(n.health)} ${n.primaries}`,
    ),
    '',
    dim('part  client ballot/primary   meta ballot/primary'),
    ...s.partitions.map((p) => {
      const client = `${p.clientBallot.padStart(3)} ${shortAddress(p.clientPrimary).padEnd(8)}`;
      const meta = `${String(p.metaBallot).padStart(3)} ${shortAddress(p.metaPrimary)}`;
      const stale = p.clientBallot !== String(p.metaBallot);
      return `p${String(p.index).padEnd(4)} ${stale ? yellow(client) : client}             ${meta}`;
    }),
    '',
    `ops/s ${bold(String(s.opsPerSecond).padStart(5))}   ok ${s.ok}   in flight ${s.inFlight}   errors: ${errors}`,
    '',
    dim('recent'),
    ...s.log.map((l) => `  ${l}`),
  ];
  return lines;
}

export function plainLine(s: LiveSnapshot): string {
  const errors = s.errors.length === 0 ? '0' : s.errors.map(([c, n]) => `${c}=${n}`).join(',');
  const nodes = s.nodes.map((n) => `${shortAddress(n.address)} ${n.process}/${n.health}`).join(' ');
  const routes = s.partitions
    .map((p) => `p${p.index} b${p.clientBallot}${shortAddress(p.clientPrimary)}`)
    .join(' ');
  return `[${s.policy}] +${sec(s.elapsedMs)} ops/s ${s.opsPerSecond} ok ${s.ok} in-flight ${s.inFlight} errors ${errors} | ${nodes} | ${routes}`;
}

export class LiveDisplay {
  private view: LiveView | null = null;
  private timer: NodeJS.Timeout | null = null;
  private drawn = 0;
  private logged = new Set<string>();

  constructor(
    private readonly out: NodeJS.WriteStream,
    /** redraw a panel in place (a terminal) or print plain lines */
    readonly redraw: boolean,
  ) {}

  show(view: LiveView): void {
    this.hide();
    this.view = view;
    this.drawn = 0;
    this.logged = new Set();
    if (this.redraw) this.out.write(`${ESC}?25l`); // hide the cursor while redrawing
    this.timer = setInterval(() => this.draw(), this.redraw ? REDRAW_MS : LINE_MS);
  }

  /** draws the final state once more and stops */
  hide(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.view !== null) this.draw();
    this.view = null;
    if (this.redraw) this.out.write(`${ESC}?25h`);
  }

  /** a line printed above the panel (printing it directly would break the in-place redraw) */
  message(line: string): void {
    if (this.redraw && this.drawn > 0) {
      this.out.write(`${ESC}${this.drawn}F${ESC}J${line}\n`);
      this.drawn = 0;
      this.draw();
      return;
    }
    this.out.write(`${line}\n`);
  }

  private draw(): void {
    const view = this.view;
    if (view === null) return;
    const s = view.snapshot();
    if (this.redraw) {
      const lines = panelLines(s);
      // Back to the panel's first line, then overwrite it (erasing what the old panel left below).
      const up = this.drawn > 0 ? `${ESC}${this.drawn}F` : '';
      this.out.write(`${up}${ESC}J${lines.join('\n')}\n`);
      this.drawn = lines.length;
      return;
    }
    for (const l of s.log) {
      if (this.logged.has(l)) continue;
      this.logged.add(l);
      this.out.write(`  ${l}\n`);
    }
    this.out.write(`${plainLine(s)}\n`);
  }
}
