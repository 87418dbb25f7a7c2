// Runs compiled cells on the execution thread in the kernel's own global scope (so
// objects from packages and from cells share one realm and `instanceof` behaves). Knows which cell
// is running, so output, late output and uncaught errors reach the right cell, and stops a cell on
// interrupt: its loops throw, its pending `await`s never resume, its timers are cleared.
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { runInThisContext } from 'node:vm';
import type { ExecutionStatus, OutputEvent } from '../../contracts/protocol';
import { toMimeBundle } from '../../sdk/display/bundle';
import { errorOutput } from './errorFormat';
import type { CellScripts, ErrorReporter } from './errorReport';
import { GradedCell } from './gradedCells';
import { FLAG, type ExecuteMessage, type FromExecutionThread } from './threadMessages';

/** Thrown into a cell's code to stop it. A regular exception, so the kernel's state survives. */
export class KernelInterrupt extends Error {
  override name = 'Interrupted';
  constructor() {
    super('The cell was interrupted.');
  }
}

export class CellRun {
  interrupted = false;
  /** An error escaped the cell's async work while it ran: the cell fails even if its code returns. */
  failed = false;
  readonly interruption: Promise<never>;
  private readonly stopTimers: Array<() => void> = [];
  private rejectInterruption!: (err: KernelInterrupt) => void;

  constructor(
    readonly seq: number,
    readonly executionId: number,
    readonly cellId: string,
  ) {
    this.interruption = new Promise<never>((_, reject) => (this.rejectInterruption = reject));
    this.interruption.catch(() => undefined);
  }

  onInterrupt(stop: () => void): void {
    this.stopTimers.push(stop);
  }

  interrupt(): void {
    if (this.interrupted) return;
    this.interrupted = true;
    this.stopTimers.splice(0).forEach((stop) => stop());
    this.rejectInterruption(new KernelInterrupt());
  }

  finish(): void {
    this.stopTimers.length = 0;
  }
}

export class Executor {
  private readonly context = new AsyncLocalStorage<CellRun>();
  private current: CellRun | undefined;
  private last: CellRun | undefined;
  /** Interrupts that arrived before their execution started. */
  private readonly early = new Set<number>();

  constructor(
    private readonly flags: Int32Array,
    private readonly send: (message: FromExecutionThread) => void,
    private readonly scripts: CellScripts,
    private readonly reporter: ErrorReporter,
  ) {}

  /**
   * The running cell when the caller is that cell's code or async work it started; not when it is
   * a server or an interval an earlier cell left running, whose timers are not this cell's to stop.
   */
  get runningHere(): CellRun | undefined {
    const here = this.context.getStore();
    return here !== undefined && here === this.current ? here : undefined;
  }

  /** The protocol thread sends one execution at a time. */
  execute(message: ExecuteMessage): void {
    void this.run(message);
  }

  interrupt(seq: number): void {
    if (this.current?.seq === seq) this.current.interrupt();
    else if (!this.current || seq > this.current.seq) this.early.add(seq);
  }

  /** Called by cell loops when an interrupt is flagged; throws only into the execution it targets. */
  throwIfInterrupted(): void {
    const target = Atomics.load(this.flags, FLAG.interrupt);
    if (target !== 0 && target === this.current?.seq) throw new KernelInterrupt();
  }

  /** Called after every `await` in cell code, with the awaited value. */
  resumed<T>(value: T): T {
    if (this.context.getStore()?.interrupted) throw new KernelInterrupt();
    return value;
  }

  /**
   * Whose output this is: the running cell's, else the cell whose async work (a timer, a promise)
   * is producing it, else the last cell run.
   */
  owner(): CellRun | undefined {
    return this.current ?? this.context.getStore() ?? this.last;
  }

  emit(output: OutputEvent, run: CellRun | undefined = this.owner()): void {
    if (run) this.send({ type: 'output', executionId: run.executionId, cellId: run.cellId, output });
  }

  /** An error nothing caught: shown in its cell, and it fails that cell if the cell is still running. */
  uncaught(err: unknown): void {
    if (isKernelInterrupt(err)) return;
    const run = this.owner();
    if (run && run === this.current) run.failed = true;
    const report = this.reporter.report(err);
    this.emit({ ...report, stack: `Uncaught ${report.stack}` }, run);
  }

  private async run(message: ExecuteMessage): Promise<void> {
    const run = new CellRun(message.seq, message.executionId, message.cellId);
    const filename = `aielab-cell-${message.seq}.js`;
    this.scripts.add(filename, {
      label: message.label,
      source: message.source,
      maps: [message.compiled.rewriteMap, message.compiled.typescriptMap],
    });
    this.current = this.last = run;
    const stale = Atomics.load(this.flags, FLAG.interrupt);
    if (stale !== 0 && stale < run.seq) Atomics.compareExchange(this.flags, FLAG.interrupt, stale, 0);
    if (this.early.delete(run.seq)) run.interrupt();

    const started = performance.now();
    const graded = message.trusted ? new GradedCell() : undefined;
    let status: ExecutionStatus = 'ok';
    let thrown: unknown;
    try {
      if (run.interrupted) throw new KernelInterrupt();
      const completion = this.context.run(run, () => this.runScript(message.compiled.code, filename, graded));
      const result = await Promise.race([completion, run.interruption]);
      if (result && result.value !== undefined && !isTimerHandle(result.value)) {
        this.emit({ kind: 'result', data: toMimeBundle(result.value) }, run);
      }
      if (run.failed) status = 'error';
    } catch (err) {
      thrown = err;
      if (isInterrupt(err)) {
        status = 'interrupted';
        const { frames, codeFrame } = this.reporter.mapStack(isKernelInterrupt(err) ? ((err as Error).stack ?? '') : '');
        this.emit(errorOutput('Interrupted', 'The cell was interrupted.', frames, codeFrame), run);
      } else {
        status = 'error';
        this.emit(this.reporter.report(err), run);
      }
    } finally {
      run.finish();
      this.current = undefined;
      Atomics.compareExchange(this.flags, FLAG.interrupt, run.seq, 0);
    }
    if (graded) this.send({ type: 'verdict', executionId: run.executionId, cellId: run.cellId, verdict: graded.verdict(status, thrown) });
    this.send({ type: 'done', seq: run.seq, result: { status, durationMs: performance.now() - started } });
  }

  private runScript(code: string, filename: string, graded: GradedCell | undefined): Promise<{ value: unknown } | undefined> {
    Atomics.store(this.flags, FLAG.inScript, 1);
    try {
      // breakOnSigint stops synchronous code the loop checks cannot reach (a package's busy loop).
      const script = runInThisContext(code, { filename, breakOnSigint: true }) as unknown;
      // A trusted cell's script is a function of the grader's own checks and expect.
      if (graded) return (script as (functions: unknown) => Promise<{ value: unknown } | undefined>)(graded.functions);
      return script as Promise<{ value: unknown } | undefined>;
    } finally {
      Atomics.store(this.flags, FLAG.inScript, 0);
    }
  }
}

/** `setTimeout(...)` as a cell's last line is about the timer, not its handle: nothing to show. */
function isTimerHandle(value: unknown): boolean {
  const name = (value as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name === 'Timeout' || name === 'Immediate';
}

/** Both are safe on any thrown value: a Proxy whose traps throw is simply not an interrupt. */
function isKernelInterrupt(err: unknown): boolean {
  try {
    return err instanceof KernelInterrupt;
  } catch {
    return false;
  }
}

function isInterrupt(err: unknown): boolean {
  try {
    return isKernelInterrupt(err) || (err as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
  } catch {
    return false;
  }
}
