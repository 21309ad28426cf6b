// Process warnings a test provokes on purpose: collected instead of printed, so `npm test` shows no
// warning that is expected. Node prints warnings from a 'warning' listener of its own; it is set
// aside while the test runs and put back afterwards.
export async function captureWarnings<T>(run: () => Promise<T>): Promise<{ result: T; warnings: Error[] }> {
  const others = process.listeners('warning');
  process.removeAllListeners('warning');
  const warnings: Error[] = [];
  const collect = (w: Error) => warnings.push(w);
  process.on('warning', collect);
  try {
    const result = await run();
    // emitWarning delivers on the next tick
    await new Promise((r) => setImmediate(r));
    return { result, warnings };
  } finally {
    process.off('warning', collect);
    for (const l of others) process.on('warning', l);
  }
}
