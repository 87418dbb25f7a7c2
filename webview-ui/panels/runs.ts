// The Runs panel: pick an experiment, sort its runs by any param or metric, tick runs to compare
// their metrics epoch by epoch, and see the registered models with their versions and aliases.
import type { ChartPayload } from '../../contracts/mime';
import { ChartView } from '../components/chart';
import { el, formatNumber, tableOf } from '../components/dom';
import { ensureStyles } from '../components/styles';
import type { FromRunsPanel, RunRow, RunsData, ToRunsPanel } from '../../contracts/panelMessages';
import { pageNonce, vscodeApi } from './vscodeApi';

interface State {
  data?: RunsData;
  experiment?: string;
  selected: string[];
  sort?: { key: string; descending: boolean };
}

const vscode = vscodeApi<State, FromRunsPanel>();
const root = document.getElementById('root') ?? document.body;
let state: State = vscode.getState() ?? { selected: [] };
let charts: ChartView[] = [];

function save(next: Partial<State>): void {
  state = { ...state, ...next };
  vscode.setState(state);
  draw();
}

function draw(): void {
  charts.forEach((c) => c.dispose());
  charts = [];
  const page = el('div', 'aielab');
  page.append(el('h2', undefined, 'Runs'));
  const experiments = (state.data?.stores ?? []).flatMap((s) => s.experiments.map((e) => ({ key: `${s.root} · ${e.name}`, ...e })));
  if (!experiments.length) {
    page.append(
      el(
        'p',
        'aielab-muted',
        'No tracked runs in this workspace yet. Log one from a notebook: track.experiment("name"); await track.run("first", (run) => run.logMetric("accuracy", 0.9)). Runs are written to mlruns/ beside the notebook, as MLflow writes them.',
      ),
    );
    root.replaceChildren(page);
    return;
  }
  const current = experiments.find((e) => e.key === state.experiment) ?? experiments[0];
  const picker = el('select', 'aielab-select');
  picker.setAttribute('aria-label', 'Experiment');
  for (const e of experiments) picker.append(new Option(`${e.key} (${e.runs.length} runs)`, e.key, false, e.key === current?.key));
  picker.addEventListener('change', () => save({ experiment: picker.value, selected: [] }));
  page.append(picker);
  if (current) page.append(runsTable(current.runs), compare(current.runs.filter((r) => state.selected.includes(r.id))));
  const models = (state.data?.stores ?? []).flatMap((s) => s.models);
  if (models.length) page.append(el('h3', undefined, 'Registered models'), modelsTable(models));
  for (const problem of (state.data?.stores ?? []).flatMap((s) => s.problems)) page.append(el('p', 'aielab-muted', `Skipped: ${problem}`));
  root.replaceChildren(page);
}

function runsTable(runs: RunRow[]): HTMLElement {
  const params = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const columns: Array<{ key: string; label: string; value: (r: RunRow) => string | number | undefined }> = [
    { key: 'name', label: 'run', value: (r) => r.name },
    { key: 'status', label: 'status', value: (r) => r.status },
    { key: 'started', label: 'started', value: (r) => r.startTime },
    ...params.map((p) => ({ key: `param:${p}`, label: p, value: (r: RunRow) => r.params[p] })),
    ...metrics.map((m) => ({ key: `metric:${m}`, label: m, value: (r: RunRow) => r.metrics[m] })),
  ];
  const sort = state.sort ?? { key: 'started', descending: true };
  const column = columns.find((c) => c.key === sort.key) ?? columns[2];
  const sorted = [...runs].sort((a, b) => {
    const [x, y] = [column?.value(a), column?.value(b)];
    // Runs without the value go last whichever way the column is sorted.
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    const order = x < y ? -1 : x > y ? 1 : 0;
    return sort.descending ? -order : order;
  });
  const head = el('tr');
  head.append(el('th', undefined, 'compare'));
  for (const c of columns) {
    const th = el(
      'th',
      c.key.startsWith('metric:') ? 'aielab-num' : undefined,
      `${c.key.startsWith('param:') ? 'param ' : ''}${c.label}${c.key === sort.key ? (sort.descending ? ' ▼' : ' ▲') : ''}`,
    );
    th.setAttribute('role', 'button');
    th.addEventListener('click', () => save({ sort: { key: c.key, descending: c.key === sort.key ? !sort.descending : true } }));
    head.append(th);
  }
  const body = el('tbody');
  for (const run of sorted) {
    const tr = el('tr');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = state.selected.includes(run.id);
    box.setAttribute('aria-label', `Compare ${run.name}`);
    box.addEventListener('change', () =>
      save({ selected: box.checked ? [...state.selected, run.id] : state.selected.filter((id) => id !== run.id) }),
    );
    const check = el('td');
    check.append(box);
    tr.append(
      check,
      ...columns.map((c) => {
        const value = c.value(run);
        const text =
          value === undefined
            ? '—'
            : c.key === 'started'
              ? new Date(Number(value)).toLocaleString()
              : typeof value === 'number'
                ? formatNumber(value)
                : String(value);
        return el(
          'td',
          typeof value === 'number' && c.key !== 'started' ? 'aielab-num' : undefined,
          `${c.key === 'name' && run.parentId ? '↳ ' : ''}${text}`,
        );
      }),
    );
    body.append(tr);
  }
  return tableOf('aielab-table', head, body, true);
}

/**
 * One chart per metric: a line per selected run against the step it was logged at, or, for a
 * metric logged once per run (a final score), a bar per run, which a one-point line cannot show.
 */
function compare(runs: RunRow[]): HTMLElement {
  const box = el('div');
  if (runs.length < 1) {
    box.append(el('p', 'aielab-muted', 'Tick runs to compare their metrics step by step.'));
    return box;
  }
  box.append(el('h3', undefined, `Comparing ${runs.length} run${runs.length === 1 ? '' : 's'}`));
  const grid = el('div', 'aielab-charts');
  box.append(grid);
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.history)))].sort();
  for (const metric of metrics) {
    const series = runs
      .filter((r) => r.history[metric])
      .map((r) => ({ name: r.name, x: (r.history[metric] ?? []).map((p) => p[0]), y: (r.history[metric] ?? []).map((p) => p[1]) }));
    const payload: ChartPayload = series.every((s) => s.y.length === 1)
      ? {
          kind: 'bar',
          title: metric,
          xLabel: 'run',
          series: [{ name: metric, x: series.map((s) => s.name), y: series.map((s) => s.y[0] as number) }],
        }
      : { kind: 'line', title: metric, xLabel: 'step', series };
    charts.push(new ChartView(grid, payload, { compact: true }));
  }
  return box;
}

function modelsTable(models: NonNullable<State['data']>['stores'][number]['models']): HTMLElement {
  const head = el('tr');
  head.append(...['model', 'version', 'aliases', 'run', 'description'].map((h) => el('th', undefined, h)));
  const body = el('tbody');
  for (const model of models) {
    for (const v of model.versions) {
      const tr = el('tr');
      tr.append(
        el('td', undefined, model.name),
        el('td', 'aielab-num', String(v.version)),
        el('td', undefined, v.aliases.join(', ')),
        el('td', undefined, v.runId.slice(0, 8)),
        el('td', undefined, v.description),
      );
      body.append(tr);
    }
  }
  return tableOf('aielab-table', head, body);
}

// Last, so every declaration above is initialised: a restored panel draws its saved runs at once.
ensureStyles(pageNonce());
draw();
window.addEventListener('message', (event: MessageEvent<ToRunsPanel>) => {
  if (event.data?.type !== 'runs') return;
  save({ data: event.data.data });
});
vscode.postMessage({ type: 'ready' });
