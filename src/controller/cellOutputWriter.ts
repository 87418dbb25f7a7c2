// Writes kernel outputs into one cell execution in order: consecutive text of one stream joins
// the same output (as in Jupyter), displays are remembered so their updates replace them in place.
import type * as vscode from 'vscode';
import type { DisplayUpdate, OutputEvent } from '../../contracts/protocol';
import { bundleItems, streamItem, toCellOutput } from '../notebook/outputItems';

/** Where a display lives, so an update can find it from any execution. */
export interface DisplayTarget {
  cell: vscode.NotebookCell;
  output: vscode.NotebookCellOutput;
}

export class CellOutputWriter {
  private chain: Promise<void> = Promise.resolve();
  private lastStream: { name: 'stdout' | 'stderr'; output: vscode.NotebookCellOutput } | undefined;

  constructor(
    private readonly execution: vscode.NotebookCellExecution,
    private readonly log: vscode.LogOutputChannel,
    private readonly displays: Map<string, DisplayTarget>,
    /** An update of a display in another cell. */
    private readonly elsewhere: (update: DisplayUpdate) => void,
  ) {}

  write(event: OutputEvent): void {
    if (event.kind === 'update') {
      const target = this.displays.get(event.displayId);
      if (!target) return;
      if (target.cell !== this.execution.cell) this.elsewhere(event);
      else this.enqueue(() => this.execution.replaceOutputItems(bundleItems(event.data), target.output));
      return;
    }
    this.enqueue(async () => {
      if (event.kind === 'stream' && this.lastStream?.name === event.name) {
        await this.execution.appendOutputItems(streamItem(event.name, event.text), this.lastStream.output);
        return;
      }
      const output = toCellOutput(event);
      await this.execution.appendOutput(output);
      this.lastStream = event.kind === 'stream' ? { name: event.name, output } : undefined;
      if (event.kind === 'display' && event.displayId) this.displays.set(event.displayId, { cell: this.execution.cell, output });
    });
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
