// One notebook's kernel as VS Code sees it: the sidecar process (started on the first run),
// the queue of cells waiting to run, interrupt and restart, and what to tell the user when the
// kernel dies. Cells run one at a time; a failing cell stops the ones queued behind it, as in
// Jupyter.
import * as vscode from 'vscode';
import { KernelDiedError } from '../../kernels/client/kernelExit';
import type { KernelProcess, LateOutput } from '../../kernels/client/kernelProcess';
import type { ComputeInfo } from '../../contracts/protocol';
import type { DisplayUpdate, ErrorOutput, OutputEvent } from '../../contracts/protocol';
import { CellOutputWriter, type DisplayTarget } from './cellOutputWriter';

export type SessionState = 'not started' | 'starting' | 'idle' | 'busy' | 'dead';

export interface SessionHost {
  readonly controller: vscode.NotebookController;
  readonly log: vscode.LogOutputChannel;
  startKernel(notebook: vscode.NotebookDocument): Promise<KernelProcess>;
  restart(notebook: vscode.NotebookDocument): Promise<void>;
}

/** How long an interrupted cell gets to stop before the user is offered a restart. */
const INTERRUPT_GRACE_MS = 5000;

interface Running {
  execution: vscode.NotebookCellExecution;
  writer: CellOutputWriter;
}

/** How a cell's last run ended, so output arriving later can keep the cell's status as it was. */
interface Finished {
  order: number | undefined;
  success: boolean;
  startTime: number;
  endTime: number;
}

export class KernelSession implements vscode.Disposable {
  private kernel: Promise<KernelProcess> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private order = 0;
  private readonly waiting = new Set<vscode.NotebookCellExecution>();
  private readonly finished = new WeakMap<vscode.NotebookCell, Finished>();
  private readonly displays = new Map<string, DisplayTarget>();
  /** Cells whose execution is writing its last outputs: later output waits for it to end. */
  private readonly ending = new Map<vscode.NotebookCell, Promise<void>>();
  private running: Running | undefined;
  private currentState: SessionState = 'not started';
  private computeInfo: ComputeInfo | undefined;
  private readonly stateEmitter = new vscode.EventEmitter<SessionState>();
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(readonly notebook: vscode.NotebookDocument, private readonly host: SessionHost) {}

  get state(): SessionState {
    return this.currentState;
  }

  /** Where this notebook's `nn` trains, once it has trained. */
  get compute(): ComputeInfo | undefined {
    return this.computeInfo;
  }

  async info(): Promise<KernelProcess['info'] | undefined> {
    return this.kernel?.then((k) => k.info, () => undefined);
  }

  run(cells: readonly vscode.NotebookCell[]): void {
    for (const cell of cells) {
      const execution = this.host.controller.createNotebookCellExecution(cell);
      this.waiting.add(execution);
      execution.token.onCancellationRequested(() => this.cancel(execution));
      this.queue = this.queue.then(() => this.runCell(execution));
    }
  }

  /** Stops the running cell and drops the cells waiting behind it. */
  async interrupt(): Promise<void> {
    this.cancelWaiting();
    const running = this.running;
    const kernel = await this.kernel?.catch(() => undefined);
    if (!running || !kernel) return;
    await kernel.interrupt().catch(() => false);
    setTimeout(() => void this.offerRestart(running), INTERRUPT_GRACE_MS);
  }

  /** Ends the kernel; the next run starts a fresh one with empty state. */
  async restart(): Promise<void> {
    this.cancelWaiting();
    const kernel = this.kernel;
    this.kernel = undefined;
    this.order = 0;
    await (await kernel?.catch(() => undefined))?.shutdown();
    this.setState('not started');
  }

  dispose(): void {
    this.cancelWaiting();
    void this.kernel?.then((k) => k.kill(), () => undefined);
    this.kernel = undefined;
    this.stateEmitter.dispose();
  }

  private async runCell(execution: vscode.NotebookCellExecution): Promise<void> {
    if (!this.waiting.delete(execution)) return;
    const cell = execution.cell;
    const writer = this.writer(execution);
    this.running = { execution, writer };
    execution.executionOrder = ++this.order;
    const startTime = Date.now();
    execution.start(startTime);
    await execution.clearOutput();
    for (const [id, target] of this.displays) if (target.cell === cell) this.displays.delete(id);
    let ok = false;
    try {
      const kernel = await this.ensureKernel();
      this.setState('busy');
      const result = await kernel.execute({ cellId: cellKey(cell), label: `Cell ${cell.index + 1}`, code: cell.document.getText() }, (o) => writer.write(o));
      ok = result.status === 'ok';
    } catch (err) {
      writer.write(errorOutput(err));
      if (err instanceof KernelDiedError && !err.exit.expected) this.kernelDied();
    } finally {
      this.running = undefined;
    }
    let endTime = 0;
    const ended = writer.flushed().then(() => {
      endTime = Date.now();
      execution.end(ok, endTime);
      this.ending.delete(cell);
    });
    this.ending.set(cell, ended);
    await ended;
    this.finished.set(cell, { order: execution.executionOrder, success: ok, startTime, endTime });
    if (this.currentState === 'busy') this.setState('idle');
    if (!ok) this.cancelWaiting();
  }

  private ensureKernel(): Promise<KernelProcess> {
    if (!this.kernel) {
      this.setState('starting');
      const starting = this.host.startKernel(this.notebook);
      this.kernel = starting;
      starting.then((kernel) => {
        if (this.kernel !== starting) return;
        this.setState('idle');
        kernel.onLateOutput((late) => this.lateOutput(late));
        kernel.onCompute((info) => {
          this.computeInfo = info;
          this.host.log.info(`nn trains on ${info.backend} (${info.device})${info.skipped.map((s) => `; not ${s.name}: ${s.reason}`).join('')}`);
          this.stateEmitter.fire(this.currentState);
        });
        kernel.onRawOutput((text) => this.host.log.info(`kernel: ${text.trimEnd()}`));
        kernel.onDidExit((exit) => {
          if (this.kernel !== starting || exit.expected) return;
          this.kernelDied();
          if (!this.running) {
            const died = new KernelDiedError(exit, 'while no cell was running');
            void vscode.window.showWarningMessage(`The AI Lab kernel of ${this.name()} stopped. ${died.message} ${died.consequence}`);
          }
        });
      }, () => {
        if (this.kernel === starting) {
          this.kernel = undefined;
          this.setState('dead');
        }
      });
    }
    return this.kernel;
  }

  private kernelDied(): void {
    this.kernel = undefined;
    this.order = 0;
    this.cancelWaiting();
    this.setState('dead');
  }

  private writer(execution: vscode.NotebookCellExecution): CellOutputWriter {
    return new CellOutputWriter(execution, this.host.log, this.displays, (update) => this.updateElsewhere(update));
  }

  /** Output from a cell that has finished (its timers or promises kept going). */
  private lateOutput({ cellId, output }: LateOutput): void {
    const cell = output.kind === 'update' ? this.displays.get(output.displayId)?.cell : this.notebook.getCells().find((c) => cellKey(c) === cellId);
    if (cell) this.writeLater(cell, output);
  }

  /** A display in a cell other than the running one was updated (a handle kept from earlier). */
  private updateElsewhere(update: DisplayUpdate): void {
    const target = this.displays.get(update.displayId);
    if (target) this.writeLater(target.cell, update);
  }

  /** Writes into a cell that is not running, keeping its execution order and status. */
  private writeLater(cell: vscode.NotebookCell, output: OutputEvent): void {
    // An interrupted training reports "stopped" just after its cell ends: after the end, not lost in it.
    const ending = this.ending.get(cell);
    if (ending) {
      void ending.then(() => this.writeLater(cell, output));
      return;
    }
    if (this.running?.execution.cell === cell) {
      this.running.writer.write(output);
      return;
    }
    if ([...this.waiting].some((e) => e.cell === cell)) {
      this.host.log.info(`Output of cell ${cell.index + 1} arrived while it waits to run again; not shown.`);
      return;
    }
    if (output.kind === 'update') {
      const target = this.displays.get(output.displayId);
      if (!target || !cell.outputs.some((o) => (o.metadata as { displayId?: string } | undefined)?.displayId === output.displayId)) return;
    }
    const before = this.finished.get(cell);
    const execution = this.host.controller.createNotebookCellExecution(cell);
    execution.executionOrder = before?.order;
    execution.start(before?.startTime);
    const writer = this.writer(execution);
    writer.write(output);
    void writer.flushed().then(() => execution.end(before?.success, before?.endTime));
  }

  private cancel(execution: vscode.NotebookCellExecution): void {
    if (this.running?.execution === execution) void this.interrupt();
    else if (this.waiting.delete(execution)) execution.end(undefined);
  }

  private cancelWaiting(): void {
    for (const execution of this.waiting) execution.end(undefined);
    this.waiting.clear();
  }

  private async offerRestart(running: Running): Promise<void> {
    if (this.running !== running) return;
    const choice = await vscode.window.showWarningMessage(
      `Cell ${running.execution.cell.index + 1} of ${this.name()} did not stop. It is busy in code the kernel cannot interrupt, such as a package's long synchronous loop. Restarting the kernel stops it but loses the notebook's variables.`,
      'Restart Kernel',
    );
    if (choice === 'Restart Kernel') await this.host.restart(this.notebook);
  }

  private name(): string {
    return this.notebook.uri.path.split('/').pop() ?? 'this notebook';
  }

  private setState(state: SessionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateEmitter.fire(state);
  }
}

/** The id the kernel tags a cell's outputs with; stable while the notebook is open. */
function cellKey(cell: vscode.NotebookCell): string {
  return cell.document.uri.toString();
}

function errorOutput(err: unknown): ErrorOutput {
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  const consequence = err instanceof KernelDiedError ? `\n${err.consequence}` : '';
  return { kind: 'error', name, message, stack: `${name}: ${message}${consequence}` };
}
