// The cells of one notebook waiting to run, run one at a time in the order they were queued. As
// in Jupyter, a cell that fails ends the cells queued behind it without running them, and so does
// an interrupt; a waiting cell's own stop button drops that cell alone.
import type { CellRun } from './cellRun';

export interface CellQueueHost<Run> {
  /** Runs one cell to its end (started, executed, outputs written, ended); resolves whether it succeeded. */
  run(run: Run): Promise<boolean>;
  /** The user stopped the cell that is running. */
  interrupt(run: Run): void;
  /** `run` threw instead of resolving: a bug, said in the log rather than lost. */
  failed(run: Run, err: unknown): void;
}

export class CellQueue<Cell, Run extends CellRun<Cell>> {
  private chain: Promise<void> = Promise.resolve();
  private readonly waiting = new Set<Run>();
  private current: Run | undefined;

  constructor(private readonly host: CellQueueHost<Run>) {}

  /** The run the host is running, from its start until it has ended. */
  get running(): Run | undefined {
    return this.current;
  }

  /** Queues runs behind every run already queued. */
  add(runs: readonly Run[]): void {
    for (const run of runs) {
      this.waiting.add(run);
      run.token.onCancellationRequested(() => this.cancel(run));
      this.chain = this.chain.then(() => this.next(run));
    }
  }

  isWaiting(cell: Cell): boolean {
    return [...this.waiting].some((run) => run.cell === cell);
  }

  /** Ends every waiting run without running it. */
  cancelWaiting(): void {
    const dropped = [...this.waiting];
    this.waiting.clear();
    for (const run of dropped) run.end(undefined);
  }

  /** Resolves once every run queued so far has ended, run or dropped. */
  settled(): Promise<void> {
    return this.chain;
  }

  private async next(run: Run): Promise<void> {
    // Dropped while it waited: it has ended already.
    if (!this.waiting.delete(run)) return;
    this.current = run;
    let ok = false;
    try {
      ok = await this.host.run(run);
    } catch (err) {
      this.host.failed(run, err);
    } finally {
      this.current = undefined;
    }
    if (!ok) this.cancelWaiting();
  }

  private cancel(run: Run): void {
    if (this.current === run) this.host.interrupt(run);
    else if (this.waiting.delete(run)) run.end(undefined);
  }
}
