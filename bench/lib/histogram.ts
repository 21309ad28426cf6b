// Latency recording for the open-loop phases, HdrHistogram style (hdr-histogram-js): values in
// integer microseconds from 1 µs to 60 s with 3 significant digits, so every percentile is within
// 0.1 % of the recorded value whatever the spread, in fixed memory, and no sample is dropped.
import * as hdr from 'hdr-histogram-js';

const HIGHEST_US = 60_000_000;

export interface HdrSummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** the whole histogram, HdrHistogram's compressed base64 form (decode with any HdrHistogram port) */
  hdr: string;
}

export class LatencyHistogram {
  private readonly h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    useWebAssembly: false,
  });

  /** one latency in milliseconds (clamped to [1 µs, 60 s]) */
  recordMs(ms: number): void {
    this.h.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
  }

  get count(): number {
    return this.h.totalCount;
  }

  summary(): HdrSummary {
    const at = (p: number) => (this.h.totalCount === 0 ? Number.NaN : this.h.getValueAtPercentile(p) / 1000);
    return {
      count: this.h.totalCount,
      p50Ms: at(50),
      p99Ms: at(99),
      p999Ms: at(99.9),
      maxMs: this.h.totalCount === 0 ? Number.NaN : this.h.maxValue / 1000,
      hdr: hdr.encodeIntoCompressedBase64(this.h),
    };
  }
}
