// What the kernel lends the SDK while a cell runs. Outside the kernel (a script, a test) the hooks
// are absent and the SDK works without them.
import type { ComputeInfo } from '../contracts/protocol';

let interruptHook: ((stop: () => void) => void) | undefined;
let computeSink: ((info: ComputeInfo) => void) | undefined;
let selfStopping: <T>(work: () => T) => T = (work) => work();
let notebook: string | undefined;

/** Set by the kernel: the notebook whose cells run in this process. */
export function useNotebook(path: string): void {
  notebook = path;
}

/** The notebook the SDK runs in, or undefined in a script or a test. */
export function currentNotebook(): string | undefined {
  return notebook;
}

/** Set by the kernel: registers `stop` to run if the running cell is interrupted. */
export function useInterruptHook(hook: (stop: () => void) => void): void {
  interruptHook = hook;
}

/** Runs `stop` when the user interrupts the cell that is running now (not a later one). */
export function onInterrupt(stop: () => void): void {
  interruptHook?.(stop);
}

/** Set by the kernel: where to tell the editor which backend `nn` trains on. */
export function useComputeSink(sink: (info: ComputeInfo) => void): void {
  computeSink = sink;
}

export function reportCompute(info: ComputeInfo): void {
  computeSink?.(info);
}

/** Set by the kernel: runs work whose timers an interrupt must not clear. */
export function useSelfStopping(runner: <T>(work: () => T) => T): void {
  selfStopping = runner;
}

/**
 * Runs `work` that stops itself when the cell is interrupted (through onInterrupt), so the kernel
 * leaves its timers alone and it can finish cleanly.
 */
export function selfStoppingWork<T>(work: () => T): T {
  return selfStopping(work);
}
