// chart.line / bar / scatter / histogram: a chart.js chart in VS Code, a sparkline summary in text.
import { MIME, type ChartKind, type ChartPayload, type ChartSeries } from '../../contracts/mime';
import { Rich } from './rich';
import { alignedTable, formatNumber, sparkline } from './text';

export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

export interface LineOptions extends ChartOptions {
  /** x values shared by every series; 0, 1, 2… by default. */
  x?: ReadonlyArray<number | string>;
}

export interface HistogramOptions extends ChartOptions {
  /** Number of equal-width bins; default 20. */
  bins?: number;
}

type Values = ReadonlyArray<number>;
type Point = readonly [number, number] | { x: number; y: number };

export const chart = {
  /** `chart.line({ loss: [...], val_loss: [...] })`, or one unnamed series. */
  line(series: Values | Readonly<Record<string, Values>>, options: LineOptions = {}): Rich {
    const named = asNamed(series, 'y');
    return build(
      'line',
      Object.entries(named).map(([name, y]) => ({ name, x: options.x ? [...options.x] : y.map((_, i) => i), y: numbers(y, name) })),
      options,
    );
  },

  /** `chart.bar({ setosa: 50, versicolor: 48 })`, or several series over `x` labels. */
  bar(values: Readonly<Record<string, number>> | Readonly<Record<string, Values>>, options: LineOptions = {}): Rich {
    const entries = Object.entries(values);
    if (entries.every(([, v]) => typeof v === 'number')) {
      return build(
        'bar',
        [{ name: options.yLabel ?? 'value', x: entries.map(([k]) => k), y: entries.map(([, v]) => v as number) }],
        options,
      );
    }
    const labels = options.x ?? (entries[0]?.[1] as Values | undefined)?.map((_, i) => String(i)) ?? [];
    return build(
      'bar',
      entries.map(([name, y]) => ({ name, x: [...labels], y: numbers(y as Values, name) })),
      options,
    );
  },

  /** `chart.scatter({ setosa: [[x, y], …] })` or points as `{ x, y }`. */
  scatter(points: ReadonlyArray<Point> | Readonly<Record<string, ReadonlyArray<Point>>>, options: ChartOptions = {}): Rich {
    const named = Array.isArray(points)
      ? { points: points as ReadonlyArray<Point> }
      : (points as Readonly<Record<string, ReadonlyArray<Point>>>);
    const series = Object.entries(named).map(([name, list]) => {
      const pairs = list.map((p) =>
        Array.isArray(p) ? (p as readonly [number, number]) : ([(p as { x: number }).x, (p as { y: number }).y] as const),
      );
      return {
        name,
        x: numbers(
          pairs.map((p) => p[0]),
          `${name} x`,
        ),
        y: numbers(
          pairs.map((p) => p[1]),
          `${name} y`,
        ),
      };
    });
    return build('scatter', series, options);
  },

  /** `chart.histogram(values, { bins: 20 })`; several series share the same bins. */
  histogram(values: Values | Readonly<Record<string, Values>>, options: HistogramOptions = {}): Rich {
    const named = asNamed(values, 'count');
    const all = Object.values(named).flatMap((v) => v.filter(Number.isFinite));
    if (!all.length) throw new RangeError('chart.histogram() needs at least one finite number.');
    const bins = Math.max(1, Math.floor(options.bins ?? 20));
    const min = Math.min(...all);
    const width = (Math.max(...all) - min) / bins || 1;
    const starts = Array.from({ length: bins }, (_, i) => min + i * width);
    const series = Object.entries(named).map(([name, v]) => {
      const counts = new Array<number>(bins).fill(0);
      for (const x of v) if (Number.isFinite(x)) counts[Math.min(bins - 1, Math.floor((x - min) / width))]! += 1;
      return { name, x: starts, y: counts };
    });
    return build('histogram', series, { ...options, yLabel: options.yLabel ?? 'count' }, width);
  },
};

function build(kind: ChartKind, series: ChartSeries[], options: ChartOptions, binWidth?: number): Rich {
  const payload: ChartPayload = {
    kind,
    ...(options.title ? { title: options.title } : {}),
    ...(options.xLabel ? { xLabel: options.xLabel } : {}),
    ...(options.yLabel ? { yLabel: options.yLabel } : {}),
    series,
    ...(binWidth === undefined ? {} : { binWidth }),
  };
  return new Rich({ [MIME.chart]: payload, 'text/plain': chartText(payload) });
}

function asNamed(values: Values | Readonly<Record<string, Values>>, name: string): Record<string, Values> {
  return Array.isArray(values) ? { [name]: values as Values } : (values as Record<string, Values>);
}

function numbers(values: Values, name: string): number[] {
  if (!Array.isArray(values)) throw new TypeError(`chart series "${name}" must be an array of numbers.`);
  const bad = values.findIndex((v) => typeof v !== 'number');
  if (bad >= 0) throw new TypeError(`chart series "${name}" must hold numbers; item ${bad} is ${JSON.stringify(values[bad])}.`);
  return [...values];
}

export function chartText(payload: ChartPayload): string {
  const points = payload.series.reduce((n, s) => n + s.y.length, 0);
  const heading = `${payload.title ?? `${payload.kind} chart`} (${payload.kind}, ${payload.series.length} series, ${points} points)`;
  if (payload.kind === 'bar' || payload.kind === 'histogram') {
    const labels = payload.series[0]?.x ?? [];
    const single = payload.series.length === 1 ? payload.series[0] : undefined;
    const top = single ? Math.max(...single.y.filter(Number.isFinite), 0) : 0;
    const header = [
      payload.xLabel ?? (payload.kind === 'histogram' ? 'bin' : ''),
      ...payload.series.map((s) => s.name),
      ...(single ? [''] : []),
    ];
    const rows = labels
      .slice(0, 30)
      .map((label, i) => [
        typeof label === 'number' && payload.binWidth !== undefined
          ? `${formatNumber(label)}–${formatNumber(label + payload.binWidth)}`
          : label,
        ...payload.series.map((s) => s.y[i] ?? null),
        ...(single ? [top > 0 ? '█'.repeat(Math.round(((single.y[i] ?? 0) / top) * 24)) : ''] : []),
      ]);
    return `${heading}\n${alignedTable(header, rows)}${labels.length > 30 ? `\n… ${labels.length - 30} more` : ''}`;
  }
  const width = Math.max(...payload.series.map((s) => s.name.length));
  const lines = payload.series.map((s) => {
    if (!s.y.length) return `  ${s.name.padEnd(width)}  (empty)`;
    const range = `min ${formatNumber(Math.min(...s.y))}, max ${formatNumber(Math.max(...s.y))}`;
    const trend = payload.kind === 'line' ? `  ${formatNumber(s.y[0] ?? NaN)} → ${formatNumber(s.y[s.y.length - 1] ?? NaN)}` : '';
    return `  ${s.name.padEnd(width)}  ${payload.kind === 'line' ? sparkline(s.y) : ''}${trend}  (${range})`;
  });
  return [heading, ...lines].join('\n');
}
