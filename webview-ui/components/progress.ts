// A live training run: title, step out of total with a bar, elapsed time and state, and one small
// chart per metric that grows as the kernel updates the output.
import type { ChartPayload, ProgressPayload } from '../../contracts/mime';
import { ChartView } from './chart';
import { el, formatDuration, formatNumber } from './dom';

export class ProgressView {
  private readonly title = el('div', 'aielab-title');
  private readonly summary = el('div', 'aielab-toolbar');
  private readonly fill = el('div', 'aielab-progress-fill');
  private readonly bar = el('div', 'aielab-progress-bar');
  private readonly grid = el('div', 'aielab-charts');
  private readonly charts = new Map<string, ChartView>();

  constructor(root: HTMLElement, payload: ProgressPayload) {
    this.bar.append(this.fill);
    this.bar.setAttribute('role', 'progressbar');
    root.append(this.title, this.bar, this.summary, this.grid);
    this.update(payload);
  }

  update(payload: ProgressPayload): void {
    this.title.textContent = payload.title ?? 'Progress';
    const fraction = payload.total ? Math.min(1, payload.step / payload.total) : undefined;
    this.bar.hidden = fraction === undefined;
    this.fill.style.width = `${Math.round((fraction ?? 0) * 100)}%`;
    this.bar.setAttribute('aria-valuenow', String(payload.step));
    if (payload.total) this.bar.setAttribute('aria-valuemax', String(payload.total));
    const status = el('span', payload.status === 'running' ? 'aielab-muted' : `aielab-status-${payload.status}`, payload.status);
    const latest = payload.metrics.map((m) => `${m.name} ${formatNumber(m.points[m.points.length - 1]?.[1] ?? NaN)}`).join(' · ');
    this.summary.replaceChildren(
      // A step between whole ones (a batch inside an epoch) counts the whole steps finished.
      el('span', undefined, `${payload.unit} ${Math.floor(payload.step)}${payload.total ? ` / ${payload.total}` : ''}`),
      el('span', 'aielab-muted', formatDuration(payload.elapsedMs)),
      status,
      el('span', undefined, latest),
    );
    for (const metric of payload.metrics) {
      const chart: ChartPayload = {
        kind: 'line',
        title: metric.name,
        xLabel: payload.unit,
        series: [{ name: metric.name, x: metric.points.map((p) => p[0]), y: metric.points.map((p) => p[1]) }],
      };
      const view = this.charts.get(metric.name);
      if (view) view.update(chart);
      else this.charts.set(metric.name, new ChartView(this.grid, chart, { compact: true }));
    }
  }

  dispose(): void {
    this.charts.forEach((c) => c.dispose());
  }
}
