// What the VS Code-free half of a kernel session (the cell queue, the late-output router, the
// kernel's execution) needs of a cell's execution and of the writer of its outputs. VS Code's
// NotebookCellExecution and our CellOutputWriter have all of it; tests pass fakes.
import type { OutputEvent } from '../../contracts/protocol';

export interface Disposable {
  dispose(): void;
}

export interface CancellationSignal {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): Disposable;
}

/** One execution of one cell: shown pending when made, running once started, done once ended. */
export interface CellRun<Cell> {
  readonly cell: Cell;
  /** Cancelled when the user stops this execution (its cell's stop button, or before it started). */
  readonly token: CancellationSignal;
  executionOrder: number | undefined;
  start(startTime?: number): void;
  /** `success` undefined: it neither succeeded nor failed (it never ran). */
  end(success: boolean | undefined, endTime?: number): void;
  clearOutput(): PromiseLike<void>;
}

/** Writes kernel output into one execution's cell, in the order written. */
export interface OutputSink {
  write(event: OutputEvent): void;
  /** Resolves once every output written so far is in the cell. */
  flushed(): Promise<void>;
}
