/**
 * Requests in flight, for the global progress bar. The bar shows only once something has
 * been running for a moment, so quick requests do not flicker.
 */
import { untrack } from 'svelte';

class Progress {
  active = $state(0);
  /** Untracked, so that starting a request inside an effect does not make the effect depend on the counter. */
  start(): () => void {
    untrack(() => this.active++);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      untrack(() => this.active--);
    };
  }
  /** Runs a task while counting it (work that is not one request, e.g. a paste). */
  async track<T>(task: () => Promise<T>): Promise<T> {
    const done = this.start();
    try {
      return await task();
    } finally {
      done();
    }
  }
}

export const progress = new Progress();
