// Aggregation and label placement in pixel space: marks closer than a few pixels are drawn as one
// (with every member in its hover text), which bounds the element count by the page width however
// long the trace is; labels are drawn only where they do not overlap.

export interface Bin<T> {
  x: number;
  items: T[];
}

/** marks in time order grouped into columns `px` wide */
export function binByPixel<T extends { t: number }>(
  items: readonly T[],
  x: (t: number) => number,
  px: number,
) {
  const bins: Bin<T>[] = [];
  for (const item of [...items].sort((a, b) => a.t - b.t)) {
    const at = x(item.t);
    const last = bins[bins.length - 1];
    if (last !== undefined && at - last.x < px) last.items.push(item);
    else bins.push({ x: at, items: [item] });
  }
  return bins;
}

/** first-fit label rows: returns the row for a label spanning [x0, x1], or null when all are taken */
export class LabelRows {
  private readonly ends: number[];
  constructor(rows: number) {
    this.ends = new Array(rows).fill(Number.NEGATIVE_INFINITY);
  }

  place(x0: number, x1: number): number | null {
    const row = this.ends.findIndex((e) => e + 3 <= x0);
    if (row < 0) return null;
    this.ends[row] = x1;
    return row;
  }
}

/** hover text of a bin: every member, capped so a huge bin does not bloat the page */
export function binTitle(details: string[], max = 12): string {
  const head = details.length > 1 ? [`${details.length} events:`] : [];
  const shown = details.slice(0, max);
  const more = details.length > max ? [`… and ${details.length - max} more`] : [];
  return [...head, ...shown, ...more].join('\n');
}
