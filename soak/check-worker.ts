// The per-key checker on its own thread: an exact search can take a few hundred ms on a key with
// many ambiguous writes, and it must not stall the event loop whose deadlines the soak judges.

import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { checkKey, type OpRecord } from './history.ts';

parentPort!.on('message', (msg: { id: number; records: OpRecord[] }) => {
  const verdict = checkKey(msg.records, () => performance.now());
  parentPort!.postMessage({ id: msg.id, verdict });
});
