// Who listens where, for the in-memory networks (the simulated one and the explorer's): one
// listener per address, EADDRINUSE like a real bind, and close() that only removes its own entry.
import type { AcceptCallback, Listener } from './network.ts';

export class Listeners {
  private readonly byAddress = new Map<string, { accept: AcceptCallback; listener: Listener }>();

  listen(address: string, accept: AcceptCallback, onError?: (error: Error) => void): Listener {
    if (this.byAddress.has(address)) {
      const error = new Error(`listen EADDRINUSE: address already in use ${address}`);
      if (onError === undefined) throw error;
      onError(error);
      return { address, close: () => {} };
    }
    const listener: Listener = {
      address,
      close: () => {
        if (this.byAddress.get(address)?.listener === listener) this.byAddress.delete(address);
      },
    };
    this.byAddress.set(address, { accept, listener });
    return listener;
  }

  /** the accept callback of whoever listens on `address`, if anyone */
  acceptorOf(address: string): AcceptCallback | undefined {
    return this.byAddress.get(address)?.accept;
  }
}
