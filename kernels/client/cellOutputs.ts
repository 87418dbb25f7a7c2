// How kernel output events become a cell's outputs, for every client that keeps them (the
// headless runner's notebook, VS Code's cells): consecutive text of one stream joins one output,
// however the kernel happened to chunk it (as in Jupyter), and an update replaces the display it
// names in place, in whichever cell that display was shown. Pure: the caller owns the outputs.
import type { DisplayUpdate, MimeBundle, OutputEvent, StreamOutput } from '../../contracts/protocol';

/** What to do with one event: the caller performs it on its own outputs. */
export type OutputStep<Target> =
  | { kind: 'append'; event: Exclude<OutputEvent, DisplayUpdate> }
  | { kind: 'extend'; target: Target; stream: StreamOutput }
  | { kind: 'replace'; target: Target; data: MimeBundle }
  | { kind: 'ignore' };

/** Displays that may still be updated in place, from any cell, by their display id. */
export type DisplayTargets<Target> = Map<string, Target>;

/** The outputs of one cell's run. `Target` is however the caller refers to one output it made. */
export class CellOutputs<Target> {
  private lastStream: { name: 'stdout' | 'stderr'; target: Target } | undefined;

  constructor(private readonly displays: DisplayTargets<Target>) {}

  /** Decides where `event` goes; after an `append`, the caller hands what it made to `appended`. */
  step(event: OutputEvent): OutputStep<Target> {
    if (event.kind === 'update') {
      const target = this.displays.get(event.displayId);
      return target === undefined ? { kind: 'ignore' } : { kind: 'replace', target, data: event.data };
    }
    if (event.kind === 'stream' && this.lastStream?.name === event.name) {
      return { kind: 'extend', target: this.lastStream.target, stream: event };
    }
    return { kind: 'append', event };
  }

  appended(event: Exclude<OutputEvent, DisplayUpdate>, target: Target): void {
    this.lastStream = event.kind === 'stream' ? { name: event.name, target } : undefined;
    if (event.kind === 'display' && event.displayId) this.displays.set(event.displayId, target);
  }
}
