// The Charts & Metrics panel beside the code: pinned outputs with their history across runs of
// the cell — earlier runs drawn dashed under the latest, metrics side by side per run. It draws
// from the state the extension sends (kept by VS Code across reloads), never from the kernel.
import { MIME, type ChartPayload, type ConfusionPayload, type MetricsPayload, type ProgressPayload } from '../../contracts/mime';
import { ChartView } from '../components/chart';
import { el, formatNumber, tableOf } from '../components/dom';
import { renderConfusion, renderMetrics } from '../components/metrics';
import { ensureStyles } from '../components/styles';
import type { FromChartsPanel, Pin, PinnedRun, ToChartsPanel } from '../../contracts/panelMessages';
import { pageNonce, vscodeApi } from './vscodeApi';

interface State {
  pins: Pin[];
}

const vscode = vscodeApi<State, FromChartsPanel>();
const root = document.getElementById('root') ?? document.body;
let charts: ChartView[] = [];
/** Series of earlier runs are named "loss (run 1 · 14:02:11)": dashed, in the metric's colour. */
const EARLIER = / \(run \d+ · [^)]*\)$/;

function draw(pins: Pin[]): void {
  charts.forEach((c) => c.dispose());
  charts = [];
  const page = el('div', 'aielab');
  page.append(el('h2', undefined, 'Charts & Metrics'));
  if (!pins.length) {
    page.append(
      el(
        'p',
        'aielab-muted',
        'Nothing pinned yet. Use "Pin to panel" on a chart, metrics, confusion matrix or training progress output: it shows here, and every new run of that cell is added so you can compare runs.',
      ),
    );
  }
  for (const pin of pins) page.append(section(pin));
  root.replaceChildren(page);
}

function section(pin: Pin): HTMLElement {
  const box = el('section');
  const remove = el('button', 'aielab-button aielab-pin', 'Remove');
  remove.addEventListener('click', () => vscode.postMessage({ type: 'unpin', id: pin.id }));
  const runs = pin.runs.length === 1 ? '1 run' : `${pin.runs.length} runs, latest solid, earlier dashed`;
  box.append(remove, el('h3', undefined, pin.title), el('div', 'aielab-muted', runs));
  const body = el('div');
  box.append(body);
  const latest = pin.runs[pin.runs.length - 1];
  if (!latest) return box;
  switch (pin.mime) {
    case MIME.chart:
      chart(body, overlay(pin.runs));
      break;
    case MIME.progress:
      progressRuns(body, pin.runs);
      break;
    case MIME.metrics:
      metricsRuns(body, pin.runs);
      break;
    case MIME.confusion:
      renderConfusion(body, latest.payload as ConfusionPayload);
      break;
    default:
      body.append(el('p', 'aielab-muted', `${pin.mime} outputs are not shown in this panel.`));
  }
  return box;
}

function baseName(name: string): string {
  return name.replace(EARLIER, '');
}

function chart(target: HTMLElement, payload: ChartPayload): void {
  const names = [...new Set(payload.series.map((s) => baseName(s.name)))];
  charts.push(new ChartView(target, payload, { faded: (name) => EARLIER.test(name), colour: (name) => names.indexOf(baseName(name)) }));
}

/** Every run's series on one chart; earlier runs named after their run. */
function overlay(runs: PinnedRun[]): ChartPayload {
  const latest = runs[runs.length - 1]?.payload as ChartPayload;
  const earlier = runs
    .slice(0, -1)
    .flatMap((run) => (run.payload as ChartPayload).series.map((s) => ({ ...s, name: `${s.name} (${run.label})` })));
  return { ...latest, series: [...earlier, ...latest.series] };
}

function progressRuns(target: HTMLElement, runs: PinnedRun[]): void {
  const latest = runs[runs.length - 1]?.payload as ProgressPayload;
  const grid = el('div', 'aielab-charts');
  target.append(grid);
  for (const metric of latest.metrics) {
    const series = runs.flatMap((run, i) => {
      const found = (run.payload as ProgressPayload).metrics.find((m) => m.name === metric.name);
      if (!found) return [];
      const name = i === runs.length - 1 ? metric.name : `${metric.name} (${run.label})`;
      return [{ name, x: found.points.map((p) => p[0]), y: found.points.map((p) => p[1]) }];
    });
    charts.push(
      new ChartView(
        grid,
        { kind: 'line', title: metric.name, xLabel: latest.unit, series },
        { compact: true, faded: (name) => EARLIER.test(name), colour: () => 0 },
      ),
    );
  }
}

function metricsRuns(target: HTMLElement, runs: PinnedRun[]): void {
  const latest = runs[runs.length - 1]?.payload as MetricsPayload;
  if (runs.length > 1) {
    const names = [...new Set(runs.flatMap((r) => (r.payload as MetricsPayload).values.map((v) => v.name)))];
    const head = el('tr');
    head.append(el('th'), ...runs.map((r) => el('th', 'aielab-num', r.label)));
    const body = el('tbody');
    for (const name of names) {
      const tr = el('tr');
      tr.append(
        el('td', undefined, name),
        ...runs.map((r) => {
          const value = (r.payload as MetricsPayload).values.find((v) => v.name === name)?.value;
          return el('td', 'aielab-num', value === undefined ? '—' : formatNumber(value));
        }),
      );
      body.append(tr);
    }
    target.append(el('div', 'aielab-title', 'Runs compared'), tableOf('aielab-table', head, body), el('div', 'aielab-title', 'Latest run'));
  }
  renderMetrics(target, latest);
}

// Last, so every declaration above is initialised: a restored panel draws its saved pins at once.
ensureStyles(pageNonce());
draw(vscode.getState()?.pins ?? []);
window.addEventListener('message', (event: MessageEvent<ToChartsPanel>) => {
  if (event.data?.type !== 'pins') return;
  vscode.setState({ pins: event.data.pins });
  draw(event.data.pins);
});
vscode.postMessage({ type: 'ready' });
