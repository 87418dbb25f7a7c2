// The server's view of drift: the model inputs (and predicted classes) of the last `capacity`
// rows it served, compared with the reference saved in the model file whenever asked (a
// Prometheus scrape, GET …/drift). Optionally every request is also appended to a JSON-lines log
// (./requestLog.ts), for batch drift jobs (monitor.driftFromLog) and replays.
import { drift, type DriftReport } from '../sdk/monitor/drift';
import type { Reference } from '../sdk/monitor/reference';
import type { Feeds } from './batcher';
import type { DriftSource } from './metrics';
import type { ServedModel } from './model';
import { RequestLog, type RequestLogOptions } from './requestLog';

/** Fewer rows than this say little: the report waits for them. */
export const MIN_DRIFT_ROWS = 30;

export class DriftWindow {
  private rows: Float32Array[] = [];
  private classes: number[] = [];
  private next = 0;

  constructor(
    readonly reference: Reference,
    readonly capacity: number,
  ) {}

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
export function rowsOf(
  input: Feeds[string] | undefined,
  output: Feeds[string] | undefined,
  classes: number,
): Array<{ row: Float32Array; predicted: number | undefined }> {
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

/** What every answered request is shown to: the drift window of its model, when it has a reference, and the request log. */
export class DriftWatch {
  private readonly windows = new Map<ServedModel, DriftWindow>();
  private readonly log: RequestLog | undefined;

  constructor(models: readonly ServedModel[], options: { capacity: number; log?: RequestLogOptions | undefined }) {
    for (const model of models) {
      const reference = model.reference;
      if (reference && model.inputs.length === 1 && model.inputs[0]?.shape.length === 2)
        this.windows.set(model, new DriftWindow(reference, options.capacity));
    }
    this.log = options.log ? new RequestLog(options.log) : undefined;
  }

  /** The model's window; undefined when it has no reference to compare with. */
  windowOf(model: ServedModel): DriftWindow | undefined {
    return this.windows.get(model);
  }

  observe(model: ServedModel, feeds: Feeds, outputs: Feeds): void {
    const window = this.windows.get(model);
    if (!window && !this.log) return;
    const rows = rowsOf(feeds[model.inputs[0]?.name ?? ''], outputs[model.outputs[0]?.name ?? ''], model.labels?.length ?? 0);
    if (window && rows[0]?.row.length === window.reference.features.length) for (const r of rows) window.add(r.row, r.predicted);
    this.log?.write(model.name, model.version, rows, model.labels);
  }

  /** Every window's report, for the drift gauges in /metrics. */
  sources(): DriftSource[] {
    return [...this.windows].map(([m, w]) => ({ model: m.name, version: m.version, windowRows: w.size, report: w.report() }));
  }

  async close(): Promise<void> {
    await this.log?.close();
  }
}
