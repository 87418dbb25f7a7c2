// One notebook's kernel as VS Code sees it: KernelExecution (the queue, late output, the
// kernel's lifetime; no VS Code in it) wired to VS Code's cell executions, output writer,
// messages and events.
import * as vscode from 'vscode';
import type { KernelDiedError } from '../../kernels/client/kernelExit';
import type { KernelProcess } from '../../kernels/client/kernelProcess';
import type { ComputeInfo } from '../../contracts/protocol';
import { CellOutputWriter, type DisplayTarget } from './cellOutputWriter';
import { KernelExecution, type SessionKernel, type SessionState } from './kernelExecution';

export type { SessionState } from './kernelExecution';

export interface SessionHost {
  readonly controller: vscode.NotebookController;
  readonly log: vscode.LogOutputChannel;
  startKernel(notebook: vscode.NotebookDocument): Promise<KernelProcess>;
  restart(notebook: vscode.NotebookDocument): Promise<void>;
}

/** How long an interrupted cell gets to stop before the user is offered a restart. */
const INTERRUPT_GRACE_MS = 5000;

export class KernelSession implements vscode.Disposable {
  private readonly execution: KernelExecution<vscode.NotebookCell, vscode.NotebookCellExecution, DisplayTarget>;
  private readonly stateEmitter = new vscode.EventEmitter<SessionState>();
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(
    readonly notebook: vscode.NotebookDocument,
    private readonly host: SessionHost,
  ) {
    this.execution = new KernelExecution(
      {
        startKernel: (): Promise<SessionKernel> => host.startKernel(notebook),
        createRun: (cell) => host.controller.createNotebookCellExecution(cell),
        writer: (run, displays, elsewhere) => new CellOutputWriter(run, host.log, displays, elsewhere),
        request: (cell) => ({ cellId: cellKey(cell), label: `Cell ${cell.index + 1}`, code: cell.document.getText() }),
        cell: (cellId) => notebook.getCells().find((c) => cellKey(c) === cellId),
        shows: (cell, displayId) => cell.outputs.some((o) => (o.metadata as { displayId?: string } | undefined)?.displayId === displayId),
        log: (message) => host.log.info(message),
        changed: () => this.stateEmitter.fire(this.execution.state),
        diedIdle: (error) => this.reportDied(error),
        stuck: (run) => void this.offerRestart(run),
      },
      { interruptGraceMs: INTERRUPT_GRACE_MS },
    );
  }

  get state(): SessionState {
    return this.execution.state;
  }

  /** Where this notebook's `nn` trains, once it has trained. */
  get compute(): ComputeInfo | undefined {
    return this.execution.compute;
  }

  info(): Promise<KernelProcess['info'] | undefined> {
    return this.execution.info();
  }

  run(cells: readonly vscode.NotebookCell[]): void {
    this.execution.run(cells);
  }

  /** Stops the running cell and drops the cells waiting behind it. */
  interrupt(): Promise<void> {
    return this.execution.interrupt();
  }

  /** Ends the kernel; the next run starts a fresh one with empty state. */
  restart(): Promise<void> {
    return this.execution.restart();
  }

  dispose(): void {
    this.execution.dispose();
    this.stateEmitter.dispose();
  }

  private reportDied(error: KernelDiedError): void {
    void vscode.window.showWarningMessage(`The AI Lab kernel of ${this.name()} stopped. ${error.message} ${error.consequence}`);
  }

  private async offerRestart(run: vscode.NotebookCellExecution): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      `Cell ${run.cell.index + 1} of ${this.name()} did not stop. It is busy in code the kernel cannot interrupt, such as a package's long synchronous loop. Restarting the kernel stops it but loses the notebook's variables.`,
      'Restart Kernel',
    );
    if (choice === 'Restart Kernel') await this.host.restart(this.notebook);
  }

  private name(): string {
    return this.notebook.uri.path.split('/').pop() ?? 'this notebook';
  }
}

/** The id the kernel tags a cell's outputs with; stable while the notebook is open. */
function cellKey(cell: vscode.NotebookCell): string {
  return cell.document.uri.toString();
}
