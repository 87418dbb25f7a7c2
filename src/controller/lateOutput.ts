// Output for a cell whose run has ended: its timers and promises kept working, or a display it
// showed was updated from another cell. It is written into that cell after the last outputs of
// its run, and the cell keeps the execution order, status and times that run gave it.
import type { DisplayUpdate, OutputEvent } from '../../contracts/protocol';
import type { LateOutput } from '../../kernels/client/kernelProcess';
import type { CellRun, OutputSink } from './cellRun';

/** How a cell's last run ended. */
export interface Finished {
  order: number | undefined;
  success: boolean;
  startTime: number;
  endTime: number;
}

export interface LateOutputHost<Cell, Run extends CellRun<Cell>> {
  /** The cell the kernel means by a cell id, if the notebook still has it. */
  cell(cellId: string): Cell | undefined;
  /** The writer of the cell's run, while that cell is running. */
  running(cell: Cell): OutputSink | undefined;
  isWaiting(cell: Cell): boolean;
  /** Whether the cell still shows the display (the user may have cleared its outputs). */
  shows(cell: Cell, displayId: string): boolean;
  /** A new execution of the cell, only to write into it. */
  createRun(cell: Cell): Run;
  writer(run: Run): OutputSink;
  /** How the log names the cell, e.g. `cell 3`. */
  label(cell: Cell): string;
  log(message: string): void;
}

/** A run made to write late output, open until what was written into it is in the cell. */
interface Reopened<Run> {
  run: Run;
  writer: OutputSink;
  writes: number;
}

export class LateOutputRouter<Cell extends object, Run extends CellRun<Cell>, Target extends { cell: Cell }> {
  /** Displays that may still be updated, by display id; the writers of runs record theirs here. */
  readonly displays = new Map<string, Target>();
  private readonly finished = new WeakMap<Cell, Finished>();
  /** Cells whose run is writing its last outputs: later output waits for the run to end. */
  private readonly ending = new Map<Cell, Promise<void>>();
  private readonly reopened = new Map<Cell, Reopened<Run>>();

  constructor(private readonly host: LateOutputHost<Cell, Run>) {}

  /** A run of the cell starts: the displays it showed go with its cleared outputs. */
  started(cell: Cell): void {
    for (const [id, target] of this.displays) if (target.cell === cell) this.displays.delete(id);
  }

  /** The cell's run is writing its last outputs; `ended` resolves with how it ended, once it has. */
  ended(cell: Cell, ended: Promise<Finished>): void {
    // Never rejects: output waiting on it is written whatever became of the run.
    const done: Promise<void> = ended
      .then(
        (finished) => {
          this.finished.set(cell, finished);
        },
        () => undefined,
      )
      .then(() => {
        if (this.ending.get(cell) === done) this.ending.delete(cell);
      });
    this.ending.set(cell, done);
  }

  /** Output the kernel sent for a run that had already finished. */
  late({ cellId, output }: LateOutput): void {
    const cell = output.kind === 'update' ? this.displays.get(output.displayId)?.cell : this.host.cell(cellId);
    if (cell) this.write(cell, output);
  }

  /** A running cell updated a display that another cell shows (a handle kept from earlier). */
  elsewhere(update: DisplayUpdate): void {
    const target = this.displays.get(update.displayId);
    if (target) this.write(target.cell, update);
  }

  private write(cell: Cell, output: OutputEvent): void {
    // An interrupted training reports "stopped" just after its cell ends: after the end, not lost in it.
    const ending = this.ending.get(cell);
    if (ending) {
      void ending.then(() => this.write(cell, output));
      return;
    }
    const running = this.host.running(cell);
    if (running) {
      running.write(output);
      return;
    }
    if (this.host.isWaiting(cell)) {
      this.host.log(`Output of ${this.host.label(cell)} arrived while it waits to run again; not shown.`);
      return;
    }
    if (output.kind === 'update' && (!this.displays.has(output.displayId) || !this.host.shows(cell, output.displayId))) return;
    this.writeReopened(cell, output);
  }

  /** Writes into a new execution of the cell, ended as the cell's last run ended once written. */
  private writeReopened(cell: Cell, output: OutputEvent): void {
    let open = this.reopened.get(cell);
    if (!open) {
      const before = this.finished.get(cell);
      const run = this.host.createRun(cell);
      run.executionOrder = before?.order;
      run.start(before?.startTime);
      open = { run, writer: this.host.writer(run), writes: 0 };
      this.reopened.set(cell, open);
    }
    // VS Code allows one execution of a cell at a time: output arriving before the last is in
    // joins the same execution, and the flush of the last write ends it.
    const reopened = open;
    const mine = ++reopened.writes;
    reopened.writer.write(output);
    void reopened.writer.flushed().then(() => {
      if (reopened.writes !== mine) return;
      this.reopened.delete(cell);
      const before = this.finished.get(cell);
      reopened.run.end(before?.success, before?.endTime);
    });
  }
}
