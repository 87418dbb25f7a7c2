// What the kernel lends the SDK while a cell runs. Outside the kernel (a script, a test) the hooks
// are absent and the SDK works without them.
let interruptHook: ((stop: () => void) => void) | undefined;

/** Set by the kernel: registers `stop` to run if the running cell is interrupted. */
export function useInterruptHook(hook: (stop: () => void) => void): void {
  interruptHook = hook;
}

/** Runs `stop` when the user interrupts the cell that is running now (not a later one). */
export function onInterrupt(stop: () => void): void {
  interruptHook?.(stop);
}
