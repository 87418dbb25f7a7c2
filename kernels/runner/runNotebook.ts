// The headless runner `aielab run`, grading and the tests share: runs a notebook's code cells top
// to bottom on one kernel, outputs land in the cells, a timeout interrupts the cell, a dead kernel
// is reported in its cell and, when errors are allowed, replaced by a new one. It owns no process
// state: callers stop it with signals (the CLI wires them to Ctrl+C), never through process.exit.
import { CellOutputs, type DisplayTargets } from '../client/cellOutputs';
import { KernelDiedError } from '../client/kernelExit';
import { KernelProcess, type KernelStartOptions } from '../client/kernelProcess';
import type { CodeCell, Notebook } from '../../contracts/notebook/format';
import type { CheckParams, ErrorOutput, ExecutionStatus, Output, OutputEvent } from '../../contracts/protocol';

export type Verdict = Omit<CheckParams, 'token' | 'executionId' | 'cellId'>;

export const RUNNABLE_LANGUAGES = new Set(['typescript', 'javascript']);
/** After an interrupt, how long a cell gets to stop before its kernel is killed. */
const INTERRUPT_GRACE_MS = 5000;

export interface RunOptions {
  notebookPath: string;
  allowErrors: boolean;
  /** Seconds; 0 or undefined for no limit. */
  cellTimeout?: number;
  kernel?: Partial<KernelStartOptions>;
  /** Aborted: the running cell is interrupted, as the editor's Interrupt does. */
  interrupt?: AbortSignal;
  /** Aborted: the kernel is killed and the run ends at once, without running further cells. */
  signal?: AbortSignal;
  /** A grader's check cells (by id): run as trusted on an isolated kernel, their verdicts returned. */
  trustedCells?: ReadonlySet<string>;
}

export type CellStatus = ExecutionStatus | 'timeout';

export interface CellEvents {
  onCellStart?(index: number, label: string): void;
  onOutput?(index: number, output: OutputEvent): void;
  onCellEnd?(index: number, status: CellStatus, durationMs: number): void;
}

export interface NotebookRun {
  ok: boolean;
  /** The first cell that failed, as a 0-based index into `notebook.cells`. */
  failedCell?: number;
  executed: number;
  /** The run was ended by `signal` before every cell ran. */
  stopped: boolean;
  /** Each trusted cell's verdict, by cell id, as its kernel reported it. */
  verdicts: Map<string, Verdict>;
}

/** Runs the code cells, rewriting their outputs and execution counts in `notebook` in place. */
export async function runNotebook(notebook: Notebook, options: RunOptions, events: CellEvents = {}): Promise<NotebookRun> {
  const runner = new Runner(notebook, options, events);
  try {
    return await runner.run();
  } finally {
    await runner.close();
  }
}

class Runner {
  private kernel: KernelProcess | undefined;
  /** Displays that may still be updated in place, from any cell. */
  private readonly displays: DisplayTargets<Output> = new Map();
  private readonly outputs = new Map<string, CellOutputs<Output>>();
  private readonly verdicts = new Map<string, Verdict>();
  private count = 0;
  private executed = 0;
  private failedCell: number | undefined;
  /** The kernel running a cell now, which an interrupt goes to. */
  private executing: KernelProcess | undefined;
  /** Ctrl+C while the kernel was starting: interrupt the cell as soon as it runs. */
  private interruptPending = false;
  private readonly onInterrupt = () => {
    if (this.executing) void this.executing.interrupt().catch(() => false);
    else this.interruptPending = true;
  };
  private readonly onStop = () => this.kernel?.kill();

  constructor(
    private readonly notebook: Notebook,
    private readonly options: RunOptions,
    private readonly events: CellEvents,
  ) {
    options.interrupt?.addEventListener('abort', this.onInterrupt);
    options.signal?.addEventListener('abort', this.onStop);
  }

  async run(): Promise<NotebookRun> {
    // A run replaces every code cell's outputs: cells after a failure are left empty, not stale.
    for (const cell of this.notebook.cells) {
      if (cell.kind !== 'code') continue;
      cell.outputs = [];
      delete cell.executionCount;
    }
    for (const [index, cell] of this.notebook.cells.entries()) {
      if (cell.kind !== 'code') continue;
      if (this.stopped || (this.failedCell !== undefined && !this.options.allowErrors)) break;
      const label = `Cell ${index + 1}`;
      this.events.onCellStart?.(index, label);
      const started = Date.now();
      const status = await this.runCell(cell, index, label);
      this.events.onCellEnd?.(index, status, Date.now() - started);
      if (status !== 'ok' && this.failedCell === undefined) this.failedCell = index;
    }
    const { failedCell } = this;
    return {
      ok: failedCell === undefined,
      executed: this.executed,
      stopped: this.stopped,
      verdicts: this.verdicts,
      ...(failedCell === undefined ? {} : { failedCell }),
    };
  }

  async close(): Promise<void> {
    this.options.interrupt?.removeEventListener('abort', this.onInterrupt);
    this.options.signal?.removeEventListener('abort', this.onStop);
    await this.kernel?.shutdown();
  }

  private get stopped(): boolean {
    return this.options.signal?.aborted === true;
  }

  private append(cell: CodeCell, event: OutputEvent): void {
    let outputs = this.outputs.get(cell.id);
    if (!outputs) this.outputs.set(cell.id, (outputs = new CellOutputs(this.displays)));
    const step = outputs.step(event);
    if (step.kind === 'replace') {
      if (step.target.kind === 'display') step.target.data = step.data;
    } else if (step.kind === 'extend') {
      if (step.target.kind === 'stream') step.target.text += step.stream.text;
    } else if (step.kind === 'append') {
      const copy = { ...step.event };
      cell.outputs.push(copy);
      outputs.appended(step.event, copy);
    }
  }

  /** The kernel answers an interrupt only once the cell has reached its execution thread. */
  private async interruptOnceRunning(kernel: KernelProcess): Promise<void> {
    while (this.executing === kernel && !(await kernel.interrupt().catch(() => false))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async startKernel(): Promise<KernelProcess> {
    const started = await KernelProcess.start({
      clientName: 'aielab run',
      ...this.options.kernel,
      notebookPath: this.options.notebookPath,
    });
    // Output of a finished cell's timers belongs to that cell in the saved notebook.
    started.onLateOutput(({ cellId, output }) => {
      const cell = this.notebook.cells.find((c) => c.id === cellId);
      if (cell?.kind === 'code') this.append(cell, output);
    });
    started.onVerdict(({ cellId, executionId: _, ...verdict }) => {
      if (this.options.trustedCells?.has(cellId)) this.verdicts.set(cellId, verdict);
    });
    return started;
  }

  private async runCell(cell: CodeCell, index: number, label: string): Promise<CellStatus> {
    const push = (output: OutputEvent) => {
      this.append(cell, output);
      this.events.onOutput?.(index, output);
    };
    if (!RUNNABLE_LANGUAGES.has(cell.language)) {
      push(failure('UnsupportedLanguage', `${label} is ${cell.language}; the AI Lab kernel runs TypeScript and JavaScript cells.`));
      return 'error';
    }
    const kernel = (this.kernel ??= await this.startKernel());
    if (this.stopped) {
      kernel.kill();
      push(failure('Stopped', `The run was stopped before ${label} ran.`));
      return 'error';
    }
    cell.executionCount = ++this.count;
    this.executed++;
    const timeout = this.options.cellTimeout ? watchTimeout(kernel, this.options.cellTimeout) : undefined;
    let status: CellStatus;
    try {
      const trusted = this.options.trustedCells?.has(cell.id) === true;
      const execution = kernel.execute({ cellId: cell.id, label, code: cell.source, ...(trusted ? { trusted } : {}) }, push);
      this.executing = kernel;
      if (this.interruptPending) void this.interruptOnceRunning(kernel);
      this.interruptPending = false;
      status = (await execution).status;
    } catch (err) {
      status = 'error';
      if (!(err instanceof KernelDiedError)) {
        // The kernel answered with an error of its own: a bug on our side, not in the cell.
        push(
          failure(
            'KernelError',
            `The kernel could not run ${label}: ${err instanceof Error ? err.message : String(err)}. Please report this with the cell's code.`,
          ),
        );
      } else {
        // A kernel killed for running past the timeout, or by the caller, is reported as such below.
        if (!timeout?.fired && !this.stopped) push(failure(err.name, err.message, err.consequence));
        this.kernel = undefined;
        this.count = 0;
      }
    } finally {
      this.executing = undefined;
      timeout?.clear();
    }
    if (timeout?.fired) {
      reportTimeout(cell, label, this.options.cellTimeout ?? 0, push);
      return 'timeout';
    }
    if (this.stopped) push(failure('Stopped', `The run was stopped while ${label} ran.`));
    return status;
  }
}

/** Interrupts the cell after `seconds`, then kills its kernel if it does not stop. */
function watchTimeout(kernel: KernelProcess, seconds: number): { readonly fired: boolean; clear(): void } {
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    void kernel.interrupt().catch(() => false);
    setTimeout(() => kernel.kill(), INTERRUPT_GRACE_MS).unref();
  }, seconds * 1000);
  return {
    get fired() {
      return fired;
    },
    clear: () => clearTimeout(timer),
  };
}

function reportTimeout(cell: CodeCell, label: string, seconds: number, push: (output: OutputEvent) => void): void {
  const message = `${label} ran longer than the ${seconds} s cell timeout and was stopped.`;
  const stopped = cell.outputs.findLast((o): o is ErrorOutput => o.kind === 'error');
  if (stopped?.name === 'Interrupted') Object.assign(stopped, retitle(stopped, 'Timeout', message));
  else
    push(failure('Timeout', message, `It did not stop when interrupted, so its kernel was stopped; the next cell runs on a new kernel.`));
}

function failure(name: string, message: string, ...more: string[]): ErrorOutput {
  return { kind: 'error', name, message, stack: [`${name}: ${message}`, ...more].join('\n') };
}

function retitle(error: ErrorOutput, name: string, message: string): ErrorOutput {
  const [, ...rest] = error.stack.split('\n');
  return { kind: 'error', name, message, stack: [`${name}: ${message}`, ...rest].join('\n') };
}
