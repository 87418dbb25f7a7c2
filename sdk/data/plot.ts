// df.plot: pandas' plot accessor drawn with the SDK's charts (histogram, scatter, bar), missing
// values left out, optionally one series per group (`by`, groups in sorted order as pandas').
import { chart, type ChartOptions, type HistogramOptions } from '../display/chart';
import type { Rich } from '../display/rich';
import type { DataFrame } from './frame';

export interface ByOptions {
  /** A column whose values split the data into one series each (e.g. species). */
  by?: string;
}

export class Plot {
  constructor(private readonly frame: DataFrame) {}

  hist(column: string, options: HistogramOptions & ByOptions = {}): Rich {
    const groups = this.groups(options.by, column, (f) => numbers(f.col(column).toArray()));
    return chart.histogram(groups, {
      xLabel: column,
      yLabel: 'count',
      title: options.title ?? `${column}${options.by ? ` by ${options.by}` : ''}`,
      ...options,
    });
  }

  scatter(x: string, y: string, options: ChartOptions & ByOptions = {}): Rich {
    const groups = this.groups(options.by, y, (f) => {
      const [xs, ys] = [f.col(x).toArray(), f.col(y).toArray()];
      return xs.flatMap((v, i) => (typeof v === 'number' && typeof ys[i] === 'number' ? [[v, ys[i] as number] as [number, number]] : []));
    });
    return chart.scatter(groups, { xLabel: x, yLabel: y, title: options.title ?? `${y} against ${x}`, ...options });
  }

  /** Bars of `y` per row labelled by `x`; without `y`, how often each value of `x` occurs. */
  bar(x: string, y?: string, options: ChartOptions = {}): Rich {
    if (y === undefined) {
      const counts = this.frame.col(x).valueCounts();
      return chart.bar(
        Object.fromEntries(
          counts
            .col(x)
            .toArray()
            .map((v, i) => [String(v), counts.col('count').toArray()[i] as number]),
        ),
        { xLabel: x, yLabel: 'count', title: options.title ?? `${x} counts`, ...options },
      );
    }
    const [labels, values] = [this.frame.col(x).toArray(), this.frame.col(y).toArray()];
    return chart.bar(
      { [y]: values.map((v) => (typeof v === 'number' ? v : Number.NaN)) },
      { x: labels.map(String), xLabel: x, yLabel: y, title: options.title ?? y, ...options },
    );
  }

  private groups<T>(by: string | undefined, name: string, values: (frame: DataFrame) => T): Record<string, T> {
    if (by === undefined) return { [name]: values(this.frame) };
    const keys = this.frame
      .col(by)
      .unique()
      .sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
    return Object.fromEntries(keys.map((key) => [String(key), values(this.frame.filter(this.frame.col(by).eq(key)))]));
  }
}

function numbers(values: readonly unknown[]): number[] {
  return values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}
