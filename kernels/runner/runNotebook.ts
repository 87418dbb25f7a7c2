// Runs a notebook's code cells top to bottom on one kernel, the way `aielab run` (and later the
// grader) needs it: outputs land in the cells, a timeout interrupts the cell, a dead kernel is
// reported in its cell and, when errors are allowed, replaced by a new one.
import { KernelDiedError } from '../client/kernelExit';
import { KernelProcess, type KernelStartOptions } from '../client/kernelProcess';
import type { Notebook } from '../../contracts/notebook/format';
import type { DisplayOutput, ErrorOutput, ExecutionStatus, Output, OutputEvent } from '../../contracts/protocol';

export const RUNNABLE_LANGUAGES = new Set(['typescript', 'javascript']);
/** After an interrupt, how long a cell gets to stop before its kernel is killed. */
const INTERRUPT_GRACE_MS = 5000;

export interface RunOptions {
  notebookPath: string;
  allowErrors: boolean;
  /** Seconds; 0 or undefined for no limit. */
  cellTimeout?: number;
  kernel?: Partial<KernelStartOptions>;
}

export interface CellEvents {
  onCellStart?(index: number, label: string): void;
  onOutput?(index: number, output: OutputEvent): void;
  onCellEnd?(index: number, status: ExecutionStatus | 'timeout', durationMs: number): void;
  onInterrupt?(): void;
}

export interface NotebookRun {
  ok: boolean;
  /** The first cell that failed, as a 0-based index into `notebook.cells`. */
  failedCell?: number;
  executed: number;
}

/** Runs the code cells, rewriting their outputs and execution counts in `notebook` in place. */
export async function runNotebook(notebook: Notebook, options: RunOptions, events: CellEvents = {}): Promise<NotebookRun> {
  let kernel: KernelProcess | undefined;
  /** Displays that may still be updated in place, from any cell. */
  const displays = new Map<string, DisplayOutput>();
  const appendOutput = (outputs: Output[], event: OutputEvent) => {
    if (event.kind === 'update') {
      const target = displays.get(event.displayId);
      if (target) target.data = event.data;
      return;
    }
    // Consecutive text of one stream is one output, however the kernel happened to chunk it.
    const last = outputs[outputs.length - 1];
    if (event.kind === 'stream' && last?.kind === 'stream' && last.name === event.name) {
      last.text += event.text;
      return;
    }
    const copy = { ...event };
    outputs.push(copy);
    if (copy.kind === 'display' && copy.displayId) displays.set(copy.displayId, copy);
  };
  let count = 0;
  let executed = 0;
  let failedCell: number | undefined;
  const startKernel = async () => {
    const started = await KernelProcess.start({ clientName: 'aielab run', ...options.kernel, notebookPath: options.notebookPath });
    // Output of a finished cell's timers belongs to that cell in the saved notebook.
    started.onLateOutput(({ cellId, output }) => {
      const cell = notebook.cells.find((c) => c.id === cellId);
      if (cell?.kind === 'code') appendOutput(cell.outputs, output);
    });
    return started;
  };
  // A run replaces every code cell's outputs: cells after a failure are left empty, not stale.
  for (const cell of notebook.cells) {
    if (cell.kind === 'code') {
      cell.outputs = [];
      delete cell.executionCount;
    }
  }
  // Ctrl+C interrupts the running cell; a second Ctrl+C stops the run.
  let presses = 0;
  const interrupt = () => {
    if (++presses === 1) {
      events.onInterrupt?.();
      void kernel?.interrupt();
    } else {
      kernel?.kill();
      process.exit(130);
    }
  };
  process.on('SIGINT', interrupt);
  try {
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.kind !== 'code') continue;
      if (failedCell !== undefined && !options.allowErrors) break;
      const label = `Cell ${index + 1}`;
      const push = (output: OutputEvent) => {
        appendOutput(cell.outputs, output);
        events.onOutput?.(index, output);
      };
      events.onCellStart?.(index, label);
      const started = Date.now();
      let status: ExecutionStatus | 'timeout';
      if (!RUNNABLE_LANGUAGES.has(cell.language)) {
        push(failure('UnsupportedLanguage', `${label} is ${cell.language}; the AI Lab kernel runs TypeScript and JavaScript cells.`));
        status = 'error';
      } else {
        kernel ??= await startKernel();
        cell.executionCount = ++count;
        executed++;
        const current = kernel;
        let timedOut = false;
        const stopSlowCell = async () => {
          timedOut = true;
          await current.interrupt().catch(() => false);
          setTimeout(() => current.kill(), INTERRUPT_GRACE_MS).unref();
        };
        const timer = options.cellTimeout ? setTimeout(() => void stopSlowCell(), options.cellTimeout * 1000) : undefined;
        try {
          status = (await current.execute({ cellId: cell.id, label, code: cell.source }, push)).status;
        } catch (err) {
          status = 'error';
          if (err instanceof KernelDiedError) {
            // A kernel killed for running past the timeout is reported as the timeout, below.
            if (!timedOut) push(failure(err.name, err.message, err.consequence));
            kernel = undefined;
            count = 0;
          } else {
            // The kernel answered with an error of its own: a bug on our side, not in the cell.
            push(failure('KernelError', `The kernel could not run ${label}: ${err instanceof Error ? err.message : String(err)}. Please report this with the cell's code.`));
          }
        } finally {
          clearTimeout(timer);
        }
        if (timedOut) {
          status = 'timeout';
          const message = `${label} ran longer than the ${options.cellTimeout} s cell timeout and was stopped.`;
          const stopped = cell.outputs.findLast((o): o is ErrorOutput => o.kind === 'error');
          if (stopped?.name === 'Interrupted') Object.assign(stopped, retitle(stopped, 'Timeout', message));
          else push(failure('Timeout', message, `It did not stop when interrupted, so its kernel was stopped; the next cell runs on a new kernel.`));
        }
      }
      events.onCellEnd?.(index, status, Date.now() - started);
      if (status !== 'ok' && failedCell === undefined) failedCell = index;
    }
  } finally {
    process.off('SIGINT', interrupt);
    await kernel?.shutdown();
  }
  return { ok: failedCell === undefined, executed, ...(failedCell === undefined ? {} : { failedCell }) };
}

function failure(name: string, message: string, ...more: string[]): ErrorOutput {
  return { kind: 'error', name, message, stack: [`${name}: ${message}`, ...more].join('\n') };
}

function retitle(error: ErrorOutput, name: string, message: string): ErrorOutput {
  const [, ...rest] = error.stack.split('\n');
  return { kind: 'error', name, message, stack: [`${name}: ${message}`, ...rest].join('\n') };
}
