// Fakes to drive a kernel session's VS Code-free half (src/controller/kernelExecution.ts) without
// VS Code or a kernel process. The fake executions refuse what VS Code's NotebookCellExecution
// refuses (a second execution of a cell before the first ended, start or end twice, output
// outside start..end), so a test notices the mistakes VS Code would throw at.
import type { CellRequest, LateOutput } from '../../kernels/client/kernelProcess';
import { KernelDiedError, type KernelExit } from '../../kernels/client/kernelExit';
import type { ComputeInfo, DisplayUpdate, ExecuteResult, ExecutionStatus, KernelInfo, OutputEvent } from '../../contracts/protocol';
import type { CellRun, Disposable, OutputSink } from '../../src/controller/cellRun';
import { KernelExecution, type KernelExecutionHost, type SessionKernel } from '../../src/controller/kernelExecution';

export interface FakeOutput {
  text: string;
  displayId?: string;
}

export class FakeCell {
  outputs: FakeOutput[] = [];
  constructor(readonly id: string) {}

  get texts(): string[] {
    return this.outputs.map((o) => o.text);
  }
}

export interface FakeTarget {
  cell: FakeCell;
}

/** An event whose listeners' errors reach the test instead of a log. */
class FakeEvent<T> {
  private readonly listeners = new Set<(e: T) => unknown>();
  readonly event = (listener: (e: T) => unknown): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  get size(): number {
    return this.listeners.size;
  }

  fire(e: T): void {
    for (const listener of [...this.listeners]) listener(e);
  }
}

class FakeToken {
  private readonly cancelled = new FakeEvent<void>();
  isCancellationRequested = false;

  onCancellationRequested(listener: () => void): Disposable {
    return this.cancelled.event(listener);
  }

  cancel(): void {
    this.isCancellationRequested = true;
    this.cancelled.fire();
  }
}

export class FakeRun implements CellRun<FakeCell> {
  executionOrder: number | undefined;
  state: 'pending' | 'started' | 'ended' = 'pending';
  startTime: number | undefined;
  endTime: number | undefined;
  success: boolean | undefined;
  readonly token = new FakeToken();

  constructor(
    readonly cell: FakeCell,
    private readonly journal: string[],
  ) {}

  start(startTime?: number): void {
    if (this.state !== 'pending') throw new Error('Cannot call start again');
    this.state = 'started';
    this.startTime = startTime;
    this.journal.push(`start ${this.cell.id}`);
  }

  end(success: boolean | undefined, endTime?: number): void {
    if (this.state === 'ended') throw new Error('Cannot call resolve twice');
    this.state = 'ended';
    this.success = success;
    this.endTime = endTime;
    this.journal.push(`end ${this.cell.id} ${String(success)}`);
  }

  clearOutput(): Promise<void> {
    this.modifying();
    this.cell.outputs = [];
    return Promise.resolve();
  }

  append(output: FakeOutput): void {
    this.modifying();
    this.cell.outputs.push(output);
  }

  replace(displayId: string, text: string): void {
    this.modifying();
    const output = this.cell.outputs.find((o) => o.displayId === displayId);
    if (!output) throw new Error(`cell ${this.cell.id} shows no display ${displayId}`);
    output.text = text;
  }

  private modifying(): void {
    if (this.state === 'pending') throw new Error(`Must call start before modifying cell output (cell ${this.cell.id})`);
    if (this.state === 'ended') throw new Error(`Cannot modify cell output after calling resolve (cell ${this.cell.id})`);
  }
}

export function textOf(event: OutputEvent): string {
  switch (event.kind) {
    case 'stream':
      return event.text;
    case 'error':
      return `${event.name}: ${event.message}`;
    default:
      return event.data['text/plain'];
  }
}

/** Writes as CellOutputWriter does: in order, each write waiting on `gate` (VS Code's async API). */
class FakeWriter implements OutputSink {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly run: FakeRun,
    private readonly displays: Map<string, FakeTarget>,
    private readonly elsewhere: (update: DisplayUpdate) => void,
    private readonly gate: () => Promise<void>,
    private readonly errors: unknown[],
  ) {}

  write(event: OutputEvent): void {
    if (event.kind === 'update') {
      const target = this.displays.get(event.displayId);
      if (!target) return;
      if (target.cell !== this.run.cell) this.elsewhere(event);
      else this.enqueue(() => this.run.replace(event.displayId, textOf(event)));
      return;
    }
    if (event.kind === 'display' && event.displayId) this.displays.set(event.displayId, { cell: this.run.cell });
    const output: FakeOutput = {
      text: textOf(event),
      ...(event.kind === 'display' && event.displayId ? { displayId: event.displayId } : {}),
    };
    this.enqueue(() => this.run.append(output));
  }

  flushed(): Promise<void> {
    return this.chain;
  }

  private enqueue(step: () => void): void {
    this.chain = this.chain
      .then(() => this.gate())
      .then(step)
      .then(undefined, (err: unknown) => {
        this.errors.push(err);
      });
  }
}

interface Pending {
  request: CellRequest;
  onOutput: (output: OutputEvent) => void;
  resolve: (result: ExecuteResult) => void;
  reject: (err: unknown) => void;
}

export class FakeKernel implements SessionKernel {
  readonly info: KernelInfo;
  readonly requests: CellRequest[] = [];
  interrupts = 0;
  private pending: Pending | undefined;
  private exited: KernelExit | undefined;
  private readonly lateEvent = new FakeEvent<LateOutput>();
  private readonly exitEvent = new FakeEvent<KernelExit>();
  private readonly computeEvent = new FakeEvent<ComputeInfo>();
  private readonly rawEvent = new FakeEvent<string>();
  readonly onLateOutput = this.lateEvent.event;
  readonly onDidExit = this.exitEvent.event;
  readonly onCompute = this.computeEvent.event;
  readonly onRawOutput = this.rawEvent.event;

  constructor(pid: number) {
    this.info = { protocolVersion: 1, kernelVersion: 'fake', runtime: 'node fake', pid, notebookPath: '/fake/notebook.aielab' };
  }

  /** How many listeners the session has on this kernel. */
  get listeners(): number {
    return this.lateEvent.size + this.exitEvent.size + this.computeEvent.size + this.rawEvent.size;
  }

  /** The cell the kernel is running, if any. */
  get running(): string | undefined {
    return this.pending?.request.cellId;
  }

  execute(request: CellRequest, onOutput: (output: OutputEvent) => void): Promise<ExecuteResult> {
    if (this.exited) return Promise.reject(new KernelDiedError(this.exited, 'before the cell started'));
    if (this.pending) throw new Error(`the fake kernel runs ${this.pending.request.cellId} and was asked to run ${request.cellId} too`);
    this.requests.push(request);
    return new Promise((resolve, reject) => {
      this.pending = { request, onOutput, resolve, reject };
    });
  }

  /** The running cell writes an output. */
  output(event: OutputEvent): void {
    this.current().onOutput(event);
  }

  /** The running cell finishes. */
  finish(status: ExecutionStatus = 'ok'): void {
    const pending = this.current();
    this.pending = undefined;
    pending.resolve({ status, durationMs: 1 });
  }

  /** Output of a cell that has finished (a timer of it fired). */
  late(cellId: string, output: OutputEvent): void {
    this.lateEvent.fire({ cellId, output });
  }

  compute(info: ComputeInfo): void {
    this.computeEvent.fire(info);
  }

  interrupt(): Promise<boolean> {
    this.interrupts++;
    return Promise.resolve(this.pending !== undefined);
  }

  shutdown(): Promise<void> {
    this.exit({ code: 0, signal: null, stderr: '', expected: true });
    return Promise.resolve();
  }

  kill(): void {
    this.exit({ code: null, signal: 'SIGKILL', stderr: '', expected: true });
  }

  /** The process ends as KernelProcess reports it: the exit event, then the running cell's rejection. */
  exit(exit: KernelExit): void {
    if (this.exited) return;
    this.exited = exit;
    this.exitEvent.fire(exit);
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(new KernelDiedError(exit, `while running ${pending.request.label}`));
  }

  private current(): Pending {
    if (!this.pending) throw new Error('the fake kernel runs no cell');
    return this.pending;
  }
}

/** One notebook's session on fakes: its cells, the executions and kernels it made, what it said. */
export class FakeSession {
  readonly journal: string[] = [];
  readonly runs: FakeRun[] = [];
  readonly kernels: FakeKernel[] = [];
  readonly logs: string[] = [];
  /** Errors the fake executions raised: what VS Code would have thrown. */
  readonly errors: unknown[] = [];
  readonly stuck: FakeRun[] = [];
  readonly diedIdle: KernelDiedError[] = [];
  readonly states: string[] = [];
  readonly cells = new Map<string, FakeCell>();
  readonly execution: KernelExecution<FakeCell, FakeRun, FakeTarget>;
  private gate: Promise<void> = Promise.resolve();

  constructor(interruptGraceMs = 5000) {
    const host: KernelExecutionHost<FakeCell, FakeRun, FakeTarget> = {
      startKernel: () => {
        const kernel = new FakeKernel(this.kernels.length + 1);
        this.kernels.push(kernel);
        return Promise.resolve(kernel);
      },
      createRun: (cell) => {
        if (this.runs.some((r) => r.cell === cell && r.state !== 'ended')) throw new Error(`duplicate execution for ${cell.id}`);
        const run = new FakeRun(cell, this.journal);
        this.runs.push(run);
        return run;
      },
      writer: (run, displays, elsewhere) => new FakeWriter(run, displays, elsewhere, () => this.gate, this.errors),
      request: (cell) => ({ cellId: cell.id, label: `Cell ${cell.id}`, code: `code of ${cell.id}` }),
      cell: (cellId) => this.cells.get(cellId),
      shows: (cell, displayId) => cell.outputs.some((o) => o.displayId === displayId),
      log: (message) => this.logs.push(message),
      changed: () => this.states.push(this.execution.state),
      diedIdle: (error) => this.diedIdle.push(error),
      stuck: (run) => this.stuck.push(run),
    };
    this.execution = new KernelExecution(host, { interruptGraceMs });
  }

  cell(id: string): FakeCell {
    let cell = this.cells.get(id);
    if (!cell) {
      cell = new FakeCell(id);
      this.cells.set(id, cell);
    }
    return cell;
  }

  run(...ids: string[]): FakeRun[] {
    const before = this.runs.length;
    this.execution.run(ids.map((id) => this.cell(id)));
    return this.runs.slice(before);
  }

  /** The kernel the session started last. */
  get kernel(): FakeKernel {
    const kernel = this.kernels.at(-1);
    if (!kernel) throw new Error('the session has started no kernel');
    return kernel;
  }

  /** The executions made of one cell, first to last. */
  runsOf(id: string): FakeRun[] {
    return this.runs.filter((r) => r.cell.id === id);
  }

  /** Holds every output write until the returned function is called. */
  holdWrites(): () => void {
    let open!: () => void;
    this.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    return () => {
      open();
      this.gate = Promise.resolve();
    };
  }

  /** Waits until the kernel runs `id`. */
  async running(id: string): Promise<FakeKernel> {
    await until(() => this.kernels.at(-1)?.running === id, `the kernel to run cell ${id}`);
    return this.kernel;
  }
}

/** Lets every promise chain that can move, move (no timers). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

export async function until(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
