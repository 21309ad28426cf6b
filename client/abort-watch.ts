// One 'abort' listener per AbortSignal, however many calls share it. An application often passes
// one signal (a request's, a shutdown's) to many concurrent calls; a listener per call trips Node's
// MaxListenersExceededWarning ("possible EventTarget memory leak") past 10 calls, although every
// listener is removed when its call settles.
interface Watch {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const watches = new WeakMap<AbortSignal, Watch>();

/** Runs `onAbort` once when `signal` aborts; the returned function stops watching (idempotent). */
export function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      watches.delete(signal);
      for (const f of [...callbacks]) f();
      callbacks.clear();
    };
    watch = { callbacks, listener };
    watches.set(signal, watch);
    signal.addEventListener('abort', listener, { once: true });
  }
  const own = watch;
  own.callbacks.add(onAbort);
  return () => {
    if (!own.callbacks.delete(onAbort) || own.callbacks.size > 0 || watches.get(signal) !== own) return;
    watches.delete(signal);
    signal.removeEventListener('abort', own.listener);
  };
}
