// A stand-in for NodeDriver under a Table or a PegasusScanner: it records every call event and
// settles it with what the test's `answer` returns (synchronously, or later through `pending`), and
// serves scan batches from a queue. No core, no sockets: only the table's own logic runs.

import type { NodeDriver, Settlement } from '../../client/node-driver.ts';
import type { AttemptRecord } from '../../core/client/commands.ts';
import type { CoreEvent, ScanBatch, ScannerSpec } from '../../core/client/index.ts';

type CallEvent = Extract<CoreEvent, { type: 'call' }>;

export interface RecordedCall {
  event: CallEvent;
  signal: AbortSignal | undefined;
  settle: (s: Settlement) => void;
}

export class FakeDriver {
  readonly core = {
    options: { headerVersion: 1 as 0 | 1, timeoutMs: 1234 },
    routeTable: (_table: string): { partitionCount: number } | null => this.routes,
  };
  routes: { partitionCount: number } | null = null;
  readonly calls: RecordedCall[] = [];
  /** what a call settles with at once; undefined leaves it pending */
  answer: (event: CallEvent) => Settlement | undefined = () => undefined;
  /** scanner id -> what each scanNext gets, in order (a promise: settled when the test says) */
  readonly scanReplies = new Map<number, Array<Settlement | Promise<Settlement>>>();
  readonly scanNexts: Array<{ scannerId: number; spec: ScannerSpec | undefined }> = [];
  readonly scanCloses: Array<[number, string]> = [];
  private nextScannerId = 1;

  start(event: CallEvent, signal: AbortSignal | undefined, settle: (s: Settlement) => void): void {
    // the table builds a fresh event per call: keep it as sent
    this.calls.push({ event, signal, settle });
    const s = this.answer(event);
    if (s !== undefined) settle(s);
  }

  newScannerId(): number {
    return this.nextScannerId++;
  }

  scanNext(scannerId: number, spec: ScannerSpec | undefined): Promise<Settlement> {
    this.scanNexts.push({ scannerId, spec });
    const next = this.scanReplies.get(scannerId)?.shift();
    return next === undefined ? new Promise(() => {}) : Promise.resolve(next);
  }

  scanClose(scannerId: number, error: string): void {
    this.scanCloses.push([scannerId, error]);
  }

  /** the driver type the table's constructor wants */
  get asDriver(): NodeDriver {
    return this as unknown as NodeDriver;
  }
}

export const ok = (result: unknown, attempts: AttemptRecord[] = []): Settlement => ({
  ok: true,
  result,
  attempts,
});

export const failed = (
  code: string,
  more: { cause?: string | null; outcomeUnknown?: boolean } = {},
): Settlement => ({
  ok: false,
  failure: { code, cause: more.cause ?? null, outcomeUnknown: more.outcomeUnknown ?? false, attempts: [] },
});

export function batch(
  records: Array<{ key: Buffer; value: Buffer; expireTs?: number }>,
  done: boolean,
): Settlement {
  const b: ScanBatch = { records, done };
  return { ok: true, result: b, attempts: [] };
}
