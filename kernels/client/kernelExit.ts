// Why a kernel process ended, said so that a learner knows what happened and what to do next.

export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last few kilobytes the process wrote to stderr. */
  stderr: string;
  /** The client asked for it (shutdown, restart, kill). */
  expected: boolean;
}

const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|Allocation failed/i;

export function describeExit(exit: KernelExit): string {
  if (exit.expected) return 'The kernel was shut down (restarted or stopped).';
  if (OUT_OF_MEMORY.test(exit.stderr)) {
    return 'The kernel ran out of memory (the JavaScript heap limit was reached). Work on smaller pieces of data, free large values you no longer need, or raise the limit (setting aielab.kernel.memoryLimitMB).';
  }
  if (exit.signal === 'SIGKILL' && !exit.expected) {
    return 'The kernel was killed (SIGKILL), most likely by the operating system because memory ran out.';
  }
  if (exit.signal) return `The kernel was stopped by ${exit.signal}.`;
  return `The kernel exited with code ${exit.code ?? 'unknown'}.`;
}

export class KernelDiedError extends Error {
  override name = 'KernelDied';
  /** What it means for the user, on a line of its own under the message. */
  readonly consequence = 'Its variables are gone; the next run starts a new kernel.';

  constructor(
    readonly exit: KernelExit,
    when: string,
  ) {
    super(`${describeExit(exit)} It happened ${when}.`);
  }
}
