// The progress line: rewritten in place on a terminal, a plain line every 10 s otherwise (a log file
// or CI output must not fill with carriage returns).

export interface ProgressFigures {
  elapsedSec: number;
  totalSec: number;
  callsPerSec: number;
  errorsByCode: Record<string, number>;
  faults: number;
  rssMb: number;
  keysChecked: number;
  failedKeys: number;
}

export function formatProgress(f: ProgressFigures): string {
  const errors = Object.entries(f.errorsByCode)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([c, n]) => `${c.replace(/^ERR_/, '')}=${n}`)
    .join(' ');
  const mmss = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
  return (
    `soak ${mmss(f.elapsedSec)}/${mmss(f.totalSec)} ${f.callsPerSec} calls/s, ` +
    `errors ${errors || 'none'}, faults ${f.faults}, rss ${f.rssMb} MB, ` +
    `keys checked ${f.keysChecked} (${f.failedKeys} failed)`
  );
}

export class Progress {
  private lastPlainSec = -Infinity;
  private wroteInPlace = false;

  constructor(
    private readonly enabled: boolean,
    private readonly inPlace: boolean,
  ) {}

  update(f: ProgressFigures): void {
    if (!this.enabled) return;
    const line = formatProgress(f);
    if (this.inPlace) {
      const width = process.stderr.columns ?? 120;
      process.stderr.write(`\r${line.slice(0, width - 1)}\x1b[K`);
      this.wroteInPlace = true;
    } else if (f.elapsedSec - this.lastPlainSec >= 10) {
      this.lastPlainSec = f.elapsedSec;
      process.stderr.write(`${line}\n`);
    }
  }

  done(): void {
    if (this.wroteInPlace) process.stderr.write('\n');
  }
}
