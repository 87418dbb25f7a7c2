// Writes kernel outputs into one cell execution in order. Which output an event joins or
// replaces is decided by the client's CellOutputs, as for the headless runner; this adds VS
// Code's asynchronous output API and updates of displays shown in other cells.
import type * as vscode from 'vscode';
import { CellOutputs, type DisplayTargets } from '../../kernels/client/cellOutputs';
import type { DisplayUpdate, OutputEvent } from '../../contracts/protocol';
import { bundleItems, streamItem, toCellOutput } from '../notebook/outputItems';

/** Where a display lives, so an update can find it from any execution. */
export interface DisplayTarget {
  cell: vscode.NotebookCell;
  output: vscode.NotebookCellOutput;
}

export class CellOutputWriter {
  private chain: Promise<void> = Promise.resolve();
  private readonly outputs: CellOutputs<DisplayTarget>;

  constructor(
    private readonly execution: vscode.NotebookCellExecution,
    private readonly log: vscode.LogOutputChannel,
    displays: DisplayTargets<DisplayTarget>,
    /** An update of a display in another cell. */
    private readonly elsewhere: (update: DisplayUpdate) => void,
  ) {
    this.outputs = new CellOutputs(displays);
  }

  write(event: OutputEvent): void {
    // Decided when the event arrives, not when VS Code gets to it, so order is the kernel's.
    const step = this.outputs.step(event);
    if (step.kind === 'ignore') return;
    if (step.kind === 'replace') {
      if (step.target.cell !== this.execution.cell) this.elsewhere(event as DisplayUpdate);
      else this.enqueue(() => this.execution.replaceOutputItems(bundleItems(step.data), step.target.output));
    } else if (step.kind === 'extend') {
      this.enqueue(() => this.execution.appendOutputItems(streamItem(step.stream.name, step.stream.text), step.target.output));
    } else {
      const output = toCellOutput(step.event);
      this.outputs.appended(step.event, { cell: this.execution.cell, output });
      this.enqueue(() => this.execution.appendOutput(output));
    }
  }

  /** Resolves once every output written so far is in the cell. */
  flushed(): Promise<void> {
    return this.chain;
  }

  private enqueue(step: () => Thenable<void> | Promise<void>): void {
    this.chain = this.chain.then(step).then(undefined, (err: unknown) => {
      this.log.warn(`Could not show an output in cell ${this.execution.cell.index + 1}: ${String(err)}`);
    });
  }
}
