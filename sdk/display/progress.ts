// progress(): a live training chart. Each log() adds a point per metric; the output is redrawn in
// place at most every 100 ms, so a tight loop costs the editor nothing.
import { performance } from 'node:perf_hooks';
import { MIME, type ProgressPayload } from '../../contracts/mime';
import { display, type DisplayHandle } from './display';
import { Rich } from './rich';
import { formatNumber, progressBar, sparkline } from './text';

export interface ProgressOptions {
  title?: string;
  /** Steps expected, for the progress bar. */
  total?: number;
  /** What a step is: "epoch", "batch"… Default "step". */
  unit?: string;
}

const REDRAW_MS = 100;
/** Points per metric sent to the editor; longer runs are sampled evenly (the last point always). */
const MAX_POINTS = 2000;

export class Progress {
  private readonly points = new Map<string, Array<[number, number]>>();
  private step = 0;
  private status: ProgressPayload['status'] = 'running';
  private readonly started = performance.now();
  private shownAt = 0;
  private trailing: ReturnType<typeof setTimeout> | undefined;
  private readonly handle: DisplayHandle;

  constructor(private readonly options: ProgressOptions = {}) {
    this.handle = display(this.render());
  }

  /**
   * Records one step: `log({ loss: 0.31, accuracy: 0.9 })`; the step counts up unless given. A step
   * between whole ones (batch 3 of 8 in epoch 2: 1.375) plots there and shows as the steps finished.
   */
  log(values: Readonly<Record<string, number>>, step = this.step + 1): void {
    this.step = step;
    for (const [name, value] of Object.entries(values)) {
      if (typeof value !== 'number') throw new TypeError(`progress.log() takes numbers; "${name}" is ${JSON.stringify(value)}.`);
      let series = this.points.get(name);
      if (!series) this.points.set(name, (series = []));
      series.push([step, value]);
    }
    this.redraw(false);
  }

  /** The run finished: the last points and the final state are shown. */
  done(): void {
    this.status = 'done';
    this.redraw(true);
  }

  /** The run ended early (interrupted, stopped by a callback). */
  stop(): void {
    this.status = 'stopped';
    this.redraw(true);
  }

  private redraw(now: boolean): void {
    const elapsed = performance.now() - this.shownAt;
    if (now || elapsed >= REDRAW_MS) {
      clearTimeout(this.trailing);
      this.trailing = undefined;
      this.shownAt = performance.now();
      this.handle.update(this.render());
    } else {
      this.trailing ??= setTimeout(() => this.redraw(true), REDRAW_MS - elapsed);
    }
  }

  private render(): Rich {
    const payload: ProgressPayload = {
      ...(this.options.title ? { title: this.options.title } : {}),
      unit: this.options.unit ?? 'step',
      step: this.step,
      ...(this.options.total ? { total: this.options.total } : {}),
      metrics: [...this.points].map(([name, points]) => ({ name, points: sample(points) })),
      status: this.status,
      elapsedMs: Math.round(performance.now() - this.started),
    };
    return new Rich({ [MIME.progress]: payload, 'text/plain': progressText(payload) });
  }
}

export function progress(options: ProgressOptions = {}): Progress {
  return new Progress(options);
}

function sample(points: Array<[number, number]>): Array<[number, number]> {
  if (points.length <= MAX_POINTS) return [...points];
  const stride = points.length / (MAX_POINTS - 1);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < MAX_POINTS - 1; i++) out.push(points[Math.floor(i * stride)] as [number, number]);
  out.push(points[points.length - 1] as [number, number]);
  return out;
}

function progressText(payload: ProgressPayload): string {
  const where = payload.total
    ? `${payload.unit} ${Math.floor(payload.step)}/${payload.total} ${progressBar(payload.step / payload.total)} ${Math.round((100 * payload.step) / payload.total)}%`
    : `${payload.unit} ${Math.floor(payload.step)}`;
  const metrics = payload.metrics.map(
    (m) =>
      `${m.name} ${formatNumber(m.points[m.points.length - 1]?.[1] ?? NaN)} ${sparkline(
        m.points.map((p) => p[1]),
        16,
      )}`,
  );
  const state = payload.status === 'running' ? '' : `, ${payload.status}`;
  return [payload.title, `${where}  ${metrics.join('  ')}  (${(payload.elapsedMs / 1000).toFixed(1)} s${state})`]
    .filter(Boolean)
    .join('\n');
}
