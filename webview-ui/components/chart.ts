// A chart.js chart for a ChartPayload: line, scatter, bar, histogram; coloured from the theme,
// redrawn in place on update (live progress) and on a theme change.
import { Chart, registerables, type ChartConfiguration, type ChartDataset } from 'chart.js';
import type { ChartPayload } from '../../contracts/mime';
import { el } from './dom';
import { onThemeChange, theme } from './theme';

Chart.register(...registerables);

export interface ChartViewOptions {
  /** Series drawn dashed and lighter, e.g. earlier runs beside the latest. */
  faded?: (seriesName: string) => boolean;
  /** Which palette colour a series gets; by default its position. Runs of one metric share one. */
  colour?: (seriesName: string, index: number) => number;
  /** A smaller chart, for grids of charts. */
  compact?: boolean;
}

export class ChartView {
  private readonly chart: Chart;
  private readonly stopWatchingTheme: () => void;

  constructor(
    root: HTMLElement,
    private payload: ChartPayload,
    private readonly options: ChartViewOptions = {},
  ) {
    const box = el('div', 'aielab-chart');
    const canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    box.append(canvas);
    root.append(box);
    this.chart = new Chart(canvas, this.config());
    this.describe(canvas);
    this.stopWatchingTheme = onThemeChange(() => this.update(this.payload));
  }

  update(payload: ChartPayload): void {
    this.payload = payload;
    const next = this.config();
    this.chart.data = next.data;
    this.chart.options = next.options ?? {};
    this.chart.update('none');
    this.describe(this.chart.canvas);
  }

  dispose(): void {
    this.stopWatchingTheme();
    this.chart.destroy();
  }

  private describe(canvas: HTMLCanvasElement): void {
    const { payload } = this;
    canvas.setAttribute(
      'aria-label',
      `${payload.title ?? `${payload.kind} chart`}: ${payload.series.map((s) => `${s.name} (${s.y.length} points)`).join(', ')}`,
    );
  }

  private config(): ChartConfiguration {
    const t = theme();
    const { payload } = this;
    const categorical = payload.kind === 'bar' || payload.kind === 'histogram';
    const short = (x: number) => String(Number(x.toPrecision(3)));
    const labels =
      payload.kind === 'histogram'
        ? (payload.series[0]?.x ?? []).map((x) => `${short(Number(x))}–${short(Number(x) + (payload.binWidth ?? 0))}`)
        : categorical
          ? (payload.series[0]?.x ?? []).map(String)
          : undefined;
    // Steps and epochs are whole numbers: no ticks at 0.5.
    const wholeX = !categorical && payload.series.every((s) => s.x.every((x) => Number.isInteger(x)));
    const datasets = payload.series.map((series, i): ChartDataset => {
      const colour = t.series(this.options.colour?.(series.name, i) ?? i);
      const faded = this.options.faded?.(series.name) ?? false;
      const many = series.y.length > 60;
      return {
        label: series.name,
        data: categorical ? series.y : series.y.map((y, j) => ({ x: Number(series.x[j] ?? j), y })),
        borderColor: colour,
        backgroundColor: payload.kind === 'line' ? colour : `${colour}${categorical ? 'b0' : '99'}`,
        borderWidth: payload.kind === 'line' ? 2 : 1,
        borderDash: faded ? [5, 4] : [],
        pointRadius: payload.kind === 'scatter' ? 3 : many ? 0 : 2,
        ...(faded ? { borderWidth: 1 } : {}),
        ...(payload.kind === 'histogram' ? { barPercentage: 1, categoryPercentage: 1 } : {}),
      } as ChartDataset;
    });
    const axis = (title: string | undefined, type: 'linear' | 'category', whole = false) => ({
      type,
      title: { display: !!title, text: title ?? '', color: t.foreground },
      ticks: { color: t.foreground, ...(whole ? { precision: 0 } : {}) },
      grid: { color: t.lines },
      border: { color: t.lines },
    });
    return {
      type: payload.kind === 'histogram' ? 'bar' : payload.kind === 'scatter' ? 'scatter' : payload.kind,
      data: { ...(labels ? { labels } : {}), datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: this.options.compact ? 1.6 : 2.2,
        color: t.foreground,
        parsing: categorical ? undefined : false,
        scales: {
          x: axis(payload.xLabel, categorical ? 'category' : 'linear', wholeX),
          y: axis(payload.yLabel, 'linear'),
        },
        plugins: {
          title: { display: !!payload.title, text: payload.title ?? '', color: t.foreground },
          legend: { display: payload.series.length > 1, labels: { color: t.foreground } },
          tooltip: { enabled: true },
        },
      },
    } as ChartConfiguration;
  }
}
