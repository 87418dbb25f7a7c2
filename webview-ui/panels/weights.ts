// The Weight Inspector panel: an .onnx model's signature, operators and weight tensors (pick one to
// see its histogram), its classifier head (per-class weight norms and strongest inputs), and, when
// two models are compared, how far each tensor moved.
import type { ChartPayload, Inspection, ModelDiff, TensorStats } from '../../contracts/mime';
import { ChartView } from '../components/chart';
import { el, formatNumber, tableOf } from '../components/dom';
import { ensureStyles } from '../components/styles';
import type { FromWeightsPanel, ToWeightsPanel } from '../../contracts/panelMessages';
import { pageNonce, vscodeApi } from './vscodeApi';

interface State {
  inspection?: Inspection;
  diff?: ModelDiff;
  tensor?: string;
  status?: string;
}

const vscode = vscodeApi<State, FromWeightsPanel>();
const root = document.getElementById('root') ?? document.body;
let state: State = vscode.getState() ?? {};
let charts: ChartView[] = [];

function save(next: State): void {
  state = next;
  vscode.setState(state);
  draw();
}

function draw(): void {
  charts.forEach((c) => c.dispose());
  charts = [];
  const page = el('div', 'aielab');
  page.append(el('h2', undefined, 'Weight Inspector'));
  const open = el('button', 'aielab-button', 'Open an .onnx file…');
  open.addEventListener('click', () => vscode.postMessage({ type: 'open' }));
  const toolbar = el('div', 'aielab-toolbar');
  toolbar.append(open);
  if (state.status) toolbar.append(el('span', undefined, state.status));
  page.append(toolbar);
  const model = state.inspection;
  if (!model) {
    page.append(
      el('p', undefined, 'No model is open.'),
      el(
        'p',
        'aielab-muted',
        'Open an .onnx file here, or right-click one in the Explorer: Open in Weight Inspector (select two to compare them). onnx.export(model, "model.onnx") writes one from a notebook.',
      ),
    );
    root.replaceChildren(page);
    return;
  }
  const ops = Object.entries(model.operators)
    .map(([op, n]) => `${n} × ${op}`)
    .join(', ');
  page.append(
    el('h3', undefined, model.file),
    el(
      'p',
      'aielab-muted',
      `${formatNumber(model.parameters)} parameters · ${(model.bytes / 1024).toFixed(1)} KB · IR ${model.irVersion} · opset ${Object.entries(
        model.opsets,
      )
        .map(([d, v]) => `${d} ${v}`)
        .join(', ')}${model.producer ? ` · from ${model.producer}` : ''}`,
    ),
    signature(model),
    el('p', undefined, `Operators: ${ops}`),
  );
  if (Object.keys(model.metadata).length) page.append(simpleTable(['metadata', 'value'], Object.entries(model.metadata)));
  page.append(el('h3', undefined, 'Weights'), tensorsTable(model.tensors));
  const selected = model.tensors.find((t) => t.name === state.tensor) ?? model.tensors.find((t) => t.histogram);
  if (selected?.histogram) {
    const { from, to, counts } = selected.histogram;
    const width = (to - from) / counts.length;
    const box = el('div');
    page.append(box);
    charts.push(
      new ChartView(box, {
        kind: 'histogram',
        title: `${selected.name}: ${formatNumber(selected.size)} values`,
        xLabel: 'value',
        yLabel: 'count',
        binWidth: width,
        series: [{ name: selected.name, x: counts.map((_, i) => from + i * width), y: counts }],
      }),
    );
  }
  if (model.head) page.append(...head(model));
  if (state.diff) page.append(...diff(state.diff));
  root.replaceChildren(page);
}

function signature(model: Inspection): HTMLElement {
  return simpleTable(
    ['', 'name', 'type', 'shape'],
    [
      ...model.inputs.map((t) => ['input', t.name, t.dtype, `[${t.shape.join(', ')}]`]),
      ...model.outputs.map((t) => ['output', t.name, t.dtype, `[${t.shape.join(', ')}]`]),
    ],
  );
}

function tensorsTable(tensors: TensorStats[]): HTMLElement {
  const head = el('tr');
  head.append(...['tensor', 'shape', 'values', 'min', 'max', 'mean', 'std', 'zeros'].map((h) => el('th', undefined, h)));
  const body = el('tbody');
  for (const t of tensors) {
    const tr = el('tr');
    if (t.name === state.tensor) tr.setAttribute('aria-selected', 'true');
    const number = (v: number | undefined) => el('td', 'aielab-num', v === undefined ? '—' : formatNumber(v));
    tr.append(
      el('td', undefined, t.name),
      el('td', undefined, `[${t.dims.join(', ')}]`),
      number(t.size),
      number(t.min),
      number(t.max),
      number(t.mean),
      number(t.std),
      el('td', 'aielab-num', t.sparsity === undefined ? '—' : `${(t.sparsity * 100).toFixed(1)}%`),
    );
    if (t.histogram) {
      tr.tabIndex = 0;
      tr.title = 'Show its histogram';
      const pick = () => save({ ...state, tensor: t.name });
      tr.addEventListener('click', pick);
      tr.addEventListener('keydown', (e) => e.key === 'Enter' && pick());
    }
    body.append(tr);
  }
  return tableOf('aielab-table', head, body, true);
}

function head(model: Inspection): HTMLElement[] {
  const h = model.head!;
  const box = el('div');
  const chart: ChartPayload = {
    kind: 'bar',
    title: 'Weight norm per class',
    xLabel: 'class',
    series: [{ name: 'weight norm', x: h.classes.map((c) => c.label), y: h.classes.map((c) => c.norm) }],
  };
  charts.push(new ChartView(box, chart, { compact: true }));
  return [
    el('h3', undefined, `Classifier head: ${h.weights}${h.bias ? ` + ${h.bias}` : ''}`),
    box,
    simpleTable(
      ['class', 'weight norm', 'bias', 'strongest for', 'strongest against'],
      h.classes.map((c) => [c.label, formatNumber(c.norm), formatNumber(c.bias), features(c.top), features(c.against)]),
      [3, 4],
    ),
  ];
}

/** Head inputs as `#row (weight)`, strongest first. */
function features(list: ReadonlyArray<{ input: number; weight: number }>): string {
  return list.map((t) => `#${t.input} (${formatNumber(t.weight)})`).join(', ');
}

function diff(d: ModelDiff): HTMLElement[] {
  const box = el('div');
  if (d.tensors.length)
    charts.push(
      new ChartView(
        box,
        {
          kind: 'bar',
          title: 'Relative change per tensor (‖a − b‖ / ‖a‖)',
          xLabel: 'tensor',
          series: [{ name: 'relative change', x: d.tensors.map((t) => t.name), y: d.tensors.map((t) => t.relative) }],
        },
        { compact: true },
      ),
    );
  const notes = [
    d.onlyInA.length ? `Only in ${d.a}: ${d.onlyInA.join(', ')}.` : '',
    d.onlyInB.length ? `Only in ${d.b}: ${d.onlyInB.join(', ')}.` : '',
    d.changedShape.length ? `Other shape or type: ${d.changedShape.join(', ')}.` : '',
  ].filter(Boolean);
  return [
    el('h3', undefined, `Compared with ${d.b}`),
    box,
    simpleTable(
      ['tensor', 'shape', 'max |a − b|', 'mean |a − b|', 'relative change'],
      d.tensors.map((t) => [t.name, `[${t.dims.join(', ')}]`, formatNumber(t.maxAbs), formatNumber(t.meanAbs), formatNumber(t.relative)]),
    ),
    ...notes.map((n) => el('p', 'aielab-muted', n)),
  ];
}

/** A plain table; the `wrap` columns (long lists) wrap instead of widening the table. */
function simpleTable(columns: string[], rows: string[][], wrap: readonly number[] = []): HTMLElement {
  const head = el('tr');
  head.append(...columns.map((c) => el('th', undefined, c)));
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    tr.append(...row.map((v, i) => el('td', wrap.includes(i) ? 'aielab-wrap' : undefined, v)));
    body.append(tr);
  }
  return tableOf('aielab-table', head, body, true);
}

// Last, so every declaration above is initialised: a restored panel draws its saved model at once.
ensureStyles(pageNonce());
draw();
window.addEventListener('message', (event: MessageEvent<ToWeightsPanel>) => {
  const message = event.data;
  if (message?.type === 'loading') save({ ...state, status: `Reading ${message.file}…` });
  else if (message?.type === 'model') save({ inspection: message.inspection, ...(message.diff ? { diff: message.diff } : {}) });
  else if (message?.type === 'error') save({ ...state, status: `Cannot inspect ${message.file}: ${message.message}` });
});
vscode.postMessage({ type: 'ready' });
