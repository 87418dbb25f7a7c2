// Writes kernel outputs into one cell execution in order, joining consecutive text of the same
// stream into one output the way Jupyter does.
import type * as vscode from 'vscode';
import type { Output } from '../../kernels/protocol';
import { streamItem, toCellOutput } from '../notebook/outputItems';

export class CellOutputWriter {
  private chain: Promise<void> = Promise.resolve();
  private lastStream: { name: 'stdout' | 'stderr'; output: vscode.NotebookCellOutput } | undefined;

  constructor(private readonly execution: vscode.NotebookCellExecution, private readonly log: vscode.LogOutputChannel) {}

  write(output: Output): void {
    this.chain = this.chain.then(async () => {
      if (output.kind === 'stream' && this.lastStream?.name === output.name) {
        await this.execution.appendOutputItems(streamItem(output.name, output.text), this.lastStream.output);
        return;
      }
      const cellOutput = toCellOutput(output);
      await this.execution.appendOutput(cellOutput);
      this.lastStream = output.kind === 'stream' ? { name: output.name, output: cellOutput } : undefined;
    }).catch((err: unknown) => this.log.warn(`Could not show an output in cell ${this.execution.cell.index + 1}: ${String(err)}`));
  }

  /** Resolves once every output written so far is in the cell. */
  flushed(): Promise<void> {
    return this.chain;
  }
}
