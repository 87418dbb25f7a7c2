// Output on its way to the client. Stream text is coalesced and sent at most every few
// milliseconds, so a loop that prints a million lines costs the editor a few hundred messages;
// updates of one display within that window collapse into the last one; anything else is sent
// at once, behind what was queued before it, so order is kept.
import { capStream } from '../../contracts/streamLimit';
import type { OutputParams } from '../../contracts/protocol';

export { MAX_STREAM_CHARS } from '../../contracts/streamLimit';

const STREAM_INTERVAL_MS = 20;

export class OutputQueue {
  private queue: OutputParams[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly streamed = new Map<number, number>();

  constructor(private readonly send: (params: OutputParams) => void) {}

  push(params: OutputParams): void {
    const { output } = params;
    if (output.kind === 'stream') {
      const before = this.streamed.get(params.executionId) ?? 0;
      const text = capStream(before, output.text);
      if (text === undefined) return;
      this.streamed.set(params.executionId, before + output.text.length);
      const last = this.queue[this.queue.length - 1];
      if (last && last.executionId === params.executionId && last.output.kind === 'stream' && last.output.name === output.name) {
        last.output.text += text;
      } else {
        this.queue.push({ ...params, output: { ...output, text } });
      }
      this.timer ??= setTimeout(() => this.flush(), STREAM_INTERVAL_MS);
    } else if (output.kind === 'update') {
      const pending = this.queue.find((p) => p.output.kind === 'update' && p.output.displayId === output.displayId);
      if (pending) pending.output = output;
      else this.queue.push(params);
      this.timer ??= setTimeout(() => this.flush(), STREAM_INTERVAL_MS);
    } else {
      this.queue.push(params);
      this.flush();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const queued = this.queue;
    this.queue = [];
    queued.forEach(this.send);
  }

  /** The execution is over: its output has been flushed and its budget can go. */
  forget(executionId: number): void {
    this.streamed.delete(executionId);
  }
}
