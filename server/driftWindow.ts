// The server's view of drift: the model inputs (and predicted classes) of the last `capacity`
// rows it served, compared with the reference saved in the model file whenever asked (a
// Prometheus scrape, GET …/drift). Optionally every request is also appended to a JSON-lines log,
// for batch drift jobs (monitor.driftFromLog) and replays.
import { createWriteStream, type WriteStream } from 'node:fs';
import { drift, type DriftReport } from '../sdk/monitor/drift';
import type { Reference } from '../sdk/monitor/reference';
import type { Feeds } from './batcher';

/** Fewer rows than this say little: the report waits for them. */
export const MIN_DRIFT_ROWS = 30;

export class DriftWindow {
  private rows: Float32Array[] = [];
  private classes: number[] = [];
  private next = 0;

  constructor(readonly reference: Reference, readonly capacity: number) {}

  add(row: Float32Array, predicted: number | undefined): void {
    if (this.rows.length < this.capacity) {
      this.rows.push(row);
      this.classes.push(predicted ?? -1);
    } else {
      this.rows[this.next] = row;
      this.classes[this.next] = predicted ?? -1;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  get size(): number {
    return this.rows.length;
  }

  report(): DriftReport | undefined {
    if (this.rows.length < MIN_DRIFT_ROWS) return undefined;
    const classes = this.classes.every((c) => c >= 0) ? this.classes : undefined;
    return drift(this.reference, this.rows, classes);
  }
}

/** Splits a 2-D input and the first output into rows and predicted classes (argmax, when labels fit). */
export function rowsOf(input: Feeds[string] | undefined, output: Feeds[string] | undefined, classes: number): Array<{ row: Float32Array; predicted: number | undefined }> {
  if (!input || input.dims.length !== 2 || !(input.data instanceof Float32Array)) return [];
  const data = input.data;
  const n = input.dims[0] as number;
  const width = input.dims[1] as number;
  const per = output && output.dims[0] === n ? output.data.length / n : 0;
  return Array.from({ length: n }, (_, i) => {
    let predicted: number | undefined;
    if (per === classes && classes > 0 && output?.data instanceof Float32Array) {
      predicted = 0;
      for (let k = 1; k < per; k++) if ((output.data[i * per + k] as number) > (output.data[i * per + predicted] as number)) predicted = k;
    }
    return { row: data.slice(i * width, (i + 1) * width), predicted };
  });
}

export class RequestLog {
  private readonly stream: WriteStream;

  constructor(file: string) {
    this.stream = createWriteStream(file, { flags: 'a' });
  }

  write(model: string, version: string, rows: Array<{ row: Float32Array; predicted: number | undefined }>, labels: readonly string[] | undefined): void {
    const predictions = labels && rows.every((r) => r.predicted !== undefined) ? rows.map((r) => labels[r.predicted as number]) : undefined;
    this.stream.write(`${JSON.stringify({ time: new Date().toISOString(), model, version, rows: rows.map((r) => Array.from(r.row)), ...(predictions ? { predictions } : {}) })}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
