// Timers a cell starts are remembered while it runs, so interrupting it also stops its pending
// `setTimeout`s and its `setInterval`s instead of leaving them printing into the notebook.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CellRun } from './executor';

type TimerApi = 'setTimeout' | 'setInterval' | 'setImmediate';
const CLEAR: Record<TimerApi, (handle: never) => void> = {
  setTimeout: clearTimeout,
  setInterval: clearInterval,
  setImmediate: clearImmediate,
};

/**
 * Work the SDK stops by itself on interrupt (a model training stops at its next batch): its timers
 * are left running, or clearing them would leave that work waiting forever, half done.
 */
const selfStopping = new AsyncLocalStorage<true>();

export function runSelfStopping<T>(work: () => T): T {
  return selfStopping.run(true, work);
}

export function trackCellTimers(running: () => CellRun | undefined): void {
  for (const api of Object.keys(CLEAR) as TimerApi[]) {
    const original = globalThis[api] as (...args: unknown[]) => unknown;
    const clear = CLEAR[api];
    const tracked = function (this: unknown, ...args: unknown[]) {
      const handle = original.apply(this, args);
      if (!selfStopping.getStore()) running()?.onInterrupt(() => clear(handle as never));
      return handle;
    };
    // Keep `util.promisify(setTimeout)` and friends working.
    Object.defineProperties(tracked, Object.getOwnPropertyDescriptors(original));
    (globalThis as Record<string, unknown>)[api] = tracked;
  }
}
