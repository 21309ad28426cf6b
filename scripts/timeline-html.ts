// Writes a trace as one self-contained HTML page: a timeline of the client and every node, and
// the state of every machine over time (the viewer lives in scripts/timeline/).
import { writeFileSync } from 'node:fs';
import type { TraceRecord } from '../core/trace/index.ts';
import { extractTimeline } from './timeline/extract.ts';
import { pageHtml } from './timeline/page.ts';

export function timelineHtml(records: TraceRecord[], title: string): string {
  return pageHtml(extractTimeline(records, title));
}

export function writeTimelineHtml(path: string, records: TraceRecord[], title: string): void {
  writeFileSync(path, timelineHtml(records, title));
}
