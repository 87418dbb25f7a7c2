// A graded run, on the execution thread: a trusted cell (the grader's own check cell) gets the
// kernel's `checks` and `expect` as its own bindings, and what its `checks()` calls found goes to
// the client as one verdict, over a channel no cell can reach. A notebook can still call the SDK's
// `checks()` itself, or print a check result, or throw a CheckFailed of its own: all of that only
// shows in the notebook, because only the verdict is scored.
import type { CheckPayload } from '../../contracts/mime';
import type { ExecutionStatus } from '../../contracts/protocol';
import { CheckFailed, runChecks, type ChecksOptions } from '../../sdk/check/checks';
import { expect } from '../../sdk/check/expect';

export interface Verdict {
  status: ExecutionStatus;
  results: CheckPayload[];
  /** Why the cell stopped, when it was not one of its own checks failing. */
  error?: string;
}

/** What a trusted cell's compiled function is called with. */
export interface GraderFunctions {
  checks(items: Readonly<Record<string, () => unknown>>, options?: ChecksOptions): Promise<void>;
  expect: typeof expect;
}

const ERROR_CHARS = 500;

export class GradedCell {
  private readonly results: CheckPayload[] = [];
  private readonly ownFailures = new WeakSet<object>();
  readonly functions: GraderFunctions;

  constructor() {
    this.functions = Object.freeze({
      checks: async (items: Readonly<Record<string, () => unknown>>, options: ChecksOptions = {}) => {
        const payload = await runChecks(items, options);
        this.results.push(payload);
        if (payload.passed < payload.total) {
          const failed = new CheckFailed(payload);
          this.ownFailures.add(failed);
          throw failed;
        }
      },
      expect,
    });
  }

  verdict(status: ExecutionStatus, thrown: unknown): Verdict {
    const verdict: Verdict = { status, results: this.results.map(capMessages) };
    if (status !== 'ok' && !(isObject(thrown) && this.ownFailures.has(thrown))) verdict.error = describe(thrown, status);
    return verdict;
  }
}

function capMessages(payload: CheckPayload): CheckPayload {
  return { ...payload, items: payload.items.map((item) => (item.message ? { ...item, message: cap(item.message) } : item)) };
}

function describe(thrown: unknown, status: ExecutionStatus): string {
  if (status === 'interrupted') return 'Interrupted: the cell was stopped';
  try {
    return cap(thrown instanceof Error ? `${String(thrown.name)}: ${String(thrown.message)}` : `threw ${String(thrown)}`);
  } catch {
    return 'threw a value that cannot be described';
  }
}

function cap(text: string): string {
  const line = String(text).split('\n')[0] ?? '';
  return line.length > ERROR_CHARS ? `${line.slice(0, ERROR_CHARS)}…` : line;
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
