// Runs one notebook's cells on its kernel process, without VS Code: the process is started on the
// first run; everything subscribed on it lives in one scope that ends when the process is
// restarted or dies, so a new process never hears the old one; cells go through the queue and
// their late output through the router. The VS Code adapter (KernelSession) supplies executions,
// writers and messages.
import { KernelDiedError } from '../../kernels/client/kernelExit';
import type { CellRequest, KernelProcess } from '../../kernels/client/kernelProcess';
import type { ComputeInfo, DisplayUpdate, ErrorOutput } from '../../contracts/protocol';
import { CellQueue } from './cellQueue';
import type { CellRun, Disposable, OutputSink } from './cellRun';
import { LateOutputRouter, type Finished } from './lateOutput';

export type SessionState = 'not started' | 'starting' | 'idle' | 'busy' | 'dead';

/** What a session uses of a kernel process. */
export type SessionKernel = Pick<
  KernelProcess,
  'info' | 'execute' | 'interrupt' | 'shutdown' | 'kill' | 'onLateOutput' | 'onDidExit' | 'onCompute' | 'onRawOutput'
>;

export interface KernelExecutionHost<Cell, Run, Target> {
  startKernel(): Promise<SessionKernel>;
  /** A new execution of the cell; shown pending until it starts. */
  createRun(cell: Cell): Run;
  /** The writer of a run's outputs: it records the displays it shows in `displays`, and hands updates of displays other cells show to `elsewhere`. */
  writer(run: Run, displays: Map<string, Target>, elsewhere: (update: DisplayUpdate) => void): OutputSink;
  /** What the kernel is sent to run the cell. */
  request(cell: Cell): CellRequest;
  /** The cell the kernel means by a cell id (`request(cell).cellId`), if the notebook still has it. */
  cell(cellId: string): Cell | undefined;
  /** Whether the cell still shows the display (the user may have cleared its outputs). */
  shows(cell: Cell, displayId: string): boolean;
  log(message: string): void;
  /** The state or the compute info changed. */
  changed(): void;
  /** The kernel died while no cell was running, so no cell says so. */
  diedIdle(error: KernelDiedError): void;
  /** An interrupted cell is still running after the grace period: offer a restart. */
  stuck(run: Run): void;
}

export interface KernelExecutionOptions {
  /** How long an interrupted cell gets to stop before `stuck`. */
  interruptGraceMs: number;
}

/** One kernel process and the listeners subscribed on it, which end with it. */
interface KernelScope {
  readonly kernel: Promise<SessionKernel>;
  readonly listeners: Disposable[];
}

interface Running<Run> {
  run: Run;
  writer: OutputSink;
}

export class KernelExecution<Cell extends object, Run extends CellRun<Cell>, Target extends { cell: Cell }> {
  private scope: KernelScope | undefined;
  private order = 0;
  private running: Running<Run> | undefined;
  private currentState: SessionState = 'not started';
  private computeInfo: ComputeInfo | undefined;
  private readonly queue: CellQueue<Cell, Run>;
  private readonly router: LateOutputRouter<Cell, Run, Target>;

  constructor(
    private readonly host: KernelExecutionHost<Cell, Run, Target>,
    private readonly options: KernelExecutionOptions,
  ) {
    this.queue = new CellQueue<Cell, Run>({
      run: (run) => this.runCell(run),
      interrupt: () => void this.interrupt(),
      failed: (run, err) => host.log(`Running ${host.request(run.cell).label} failed: ${String(err)}`),
    });
    this.router = new LateOutputRouter<Cell, Run, Target>({
      cell: (cellId) => host.cell(cellId),
      running: (cell) => (this.running?.run.cell === cell ? this.running.writer : undefined),
      isWaiting: (cell) => this.queue.isWaiting(cell),
      shows: (cell, displayId) => host.shows(cell, displayId),
      createRun: (cell) => host.createRun(cell),
      writer: (run) => this.writer(run),
      label: (cell) => host.request(cell).label,
      log: (message) => host.log(message),
    });
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** Where this notebook's `nn` trains, once it has trained. */
  get compute(): ComputeInfo | undefined {
    return this.computeInfo;
  }

  async info(): Promise<SessionKernel['info'] | undefined> {
    return this.scope?.kernel.then(
      (k) => k.info,
      () => undefined,
    );
  }

  run(cells: readonly Cell[]): void {
    this.queue.add(cells.map((cell) => this.host.createRun(cell)));
  }

  /** Resolves once every cell queued so far has ended. */
  settled(): Promise<void> {
    return this.queue.settled();
  }

  /** Stops the running cell and drops the cells waiting behind it. */
  async interrupt(): Promise<void> {
    this.queue.cancelWaiting();
    const running = this.running;
    const kernel = await this.scope?.kernel.catch(() => undefined);
    if (!running || !kernel) return;
    await kernel.interrupt().catch(() => false);
    setTimeout(() => {
      if (this.running === running) this.host.stuck(running.run);
    }, this.options.interruptGraceMs);
  }

  /** Ends the kernel; the next run starts a fresh one with empty state. */
  async restart(): Promise<void> {
    this.queue.cancelWaiting();
    const scope = this.scope;
    this.endScope();
    this.order = 0;
    await (await scope?.kernel.catch(() => undefined))?.shutdown();
    // A cell run while the old kernel shut down has started a new one already.
    if (!this.scope) this.setState('not started');
  }

  dispose(): void {
    this.queue.cancelWaiting();
    const scope = this.scope;
    this.endScope();
    void scope?.kernel.then(
      (k) => k.kill(),
      () => undefined,
    );
  }

  private async runCell(run: Run): Promise<boolean> {
    const cell = run.cell;
    const writer = this.writer(run);
    this.running = { run, writer };
    run.executionOrder = ++this.order;
    const startTime = Date.now();
    run.start(startTime);
    let ok = false;
    try {
      await run.clearOutput();
      this.router.started(cell);
      const scope = this.ensureKernel();
      const kernel = await scope.kernel;
      this.setState('busy');
      try {
        const result = await kernel.execute(this.host.request(cell), (o) => writer.write(o));
        ok = result.status === 'ok';
      } catch (err) {
        if (err instanceof KernelDiedError && !err.exit.expected) this.died(scope);
        throw err;
      }
    } catch (err) {
      writer.write(errorOutput(err));
    } finally {
      this.running = undefined;
    }
    const ended = writer.flushed().then((): Finished => {
      const endTime = Date.now();
      run.end(ok, endTime);
      return { order: run.executionOrder, success: ok, startTime, endTime };
    });
    this.router.ended(cell, ended);
    await ended;
    if (this.currentState === 'busy') this.setState('idle');
    return ok;
  }

  private ensureKernel(): KernelScope {
    if (this.scope) return this.scope;
    this.setState('starting');
    const scope: KernelScope = { kernel: this.host.startKernel(), listeners: [] };
    this.scope = scope;
    scope.kernel.then(
      (kernel) => {
        // Restarted or disposed while it started: nothing of it is heard.
        if (this.scope !== scope) return;
        this.setState('idle');
        this.listen(kernel, scope);
      },
      () => {
        if (this.scope !== scope) return;
        this.scope = undefined;
        this.setState('dead');
      },
    );
    return scope;
  }

  private listen(kernel: SessionKernel, scope: KernelScope): void {
    scope.listeners.push(
      kernel.onLateOutput((late) => this.router.late(late)),
      kernel.onCompute((info) => {
        this.computeInfo = info;
        this.host.log(`nn trains on ${info.backend} (${info.device})${info.skipped.map((s) => `; not ${s.name}: ${s.reason}`).join('')}`);
        this.host.changed();
      }),
      kernel.onRawOutput((text) => this.host.log(`kernel: ${text.trimEnd()}`)),
      kernel.onDidExit((exit) => {
        if (exit.expected) return;
        this.died(scope);
        if (!this.running) this.host.diedIdle(new KernelDiedError(exit, 'while no cell was running'));
      }),
    );
  }

  /** The scope's kernel died unasked: the next run starts a new one. */
  private died(scope: KernelScope): void {
    if (this.scope !== scope) return;
    this.endScope();
    this.order = 0;
    this.queue.cancelWaiting();
    this.setState('dead');
  }

  private endScope(): void {
    const scope = this.scope;
    this.scope = undefined;
    for (const listener of scope?.listeners.splice(0) ?? []) listener.dispose();
  }

  private writer(run: Run): OutputSink {
    return this.host.writer(run, this.router.displays, (update) => this.router.elsewhere(update));
  }

  private setState(state: SessionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.host.changed();
  }
}

function errorOutput(err: unknown): ErrorOutput {
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  const consequence = err instanceof KernelDiedError ? `\n${err.consequence}` : '';
  return { kind: 'error', name, message, stack: `${name}: ${message}${consequence}` };
}
