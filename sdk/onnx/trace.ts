// onnx.trace: where do two models' computations part? Both run on the same inputs with every
// intermediate tensor exposed as an output; tensors the two graphs share by name (an export and
// its quantised copy, a model before and after an edit) are compared in graph order, and the
// first one off by more than the tolerance is where the divergence starts. An nn model against its
// export is compared layer by layer: the exporter names each layer's last tensor after the layer.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chart } from '../display/chart';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { tf, type LayersModel, type Tensor } from '../nn/tf';
import { runExposed } from './expose';
import { openModel, type EditableModel } from './rewrite';
import type { Nested } from './session';

/** Operators whose outputs are not float32 (ids, shapes, quantised values) are not compared. */
const NOT_FLOAT = new Set([
  'Shape',
  'ArgMax',
  'ArgMin',
  'DynamicQuantizeLinear',
  'QuantizeLinear',
  'MatMulInteger',
  'ConvInteger',
  'NonZero',
  'TopK',
]);

export interface TraceStep {
  tensor: string;
  op: string;
  maxAbs: number;
  meanAbs: number;
}

export class TraceReport {
  constructor(
    readonly a: string,
    readonly b: string,
    readonly tolerance: number,
    readonly steps: TraceStep[],
  ) {}

  /** The first tensor off by more than the tolerance, if any. */
  get divergence(): TraceStep | undefined {
    return this.steps.find((s) => s.maxAbs > this.tolerance);
  }

  [RICH_VIEW](): Rich {
    const first = this.divergence;
    const title = first
      ? `${this.a} vs ${this.b}: they part at ${first.tensor} (${first.op}), off by up to ${first.maxAbs.toPrecision(3)} (tolerance ${this.tolerance})`
      : `${this.a} vs ${this.b}: every shared tensor within ${this.tolerance}`;
    return table(
      this.steps.map((s) => ({
        step: s.tensor,
        op: s.op,
        'max |a − b|': Number(s.maxAbs.toPrecision(3)),
        'mean |a − b|': Number(s.meanAbs.toPrecision(3)),
        'over tolerance': s === first ? '← first' : s.maxAbs > this.tolerance ? 'yes' : '',
      })),
      { title },
    );
  }

  /** The largest difference at each shared tensor, in graph order. */
  chart(): Rich {
    return chart.line(
      { 'max |a − b|': this.steps.map((s) => s.maxAbs) },
      { title: `Difference per step, ${this.a} vs ${this.b}`, xLabel: 'step (graph order)' },
    );
  }
}

/** `a` is an .onnx file, or an nn model to set beside its export `b`, layer by layer. */
export async function trace(
  a: string | LayersModel,
  b: string,
  inputs: Nested | Readonly<Record<string, Nested>>,
  options: { tolerance?: number } = {},
): Promise<TraceReport> {
  const tolerance = options.tolerance ?? 1e-3;
  if (typeof a !== 'string') return traceLayers(a, b, inputs, tolerance);
  const [left, right] = [a, b].map((file) => openModel(readFileSync(resolve(file)), file)) as [EditableModel, EditableModel];
  const floats = (m: EditableModel) =>
    m.nodes
      .filter((n) => !NOT_FLOAT.has(n.op) && !(n.op === 'Cast' && n.ints.to !== 1))
      .flatMap((n) => n.outputs.filter(Boolean).map((o) => ({ tensor: o, op: n.op })));
  const shared = new Set(floats(right).map((t) => t.tensor));
  const steps = floats(left).filter((t) => shared.has(t.tensor));
  if (!steps.length)
    throw new Error(
      `onnx.trace: ${a} and ${b} share no intermediate tensor names; trace compares a model with an edited copy of it (onnx.quantize keeps the names).`,
    );
  const [x, y] = await Promise.all([
    runExposed(
      left,
      steps.map((s) => s.tensor),
      inputs,
    ),
    runExposed(
      right,
      steps.map((s) => s.tensor),
      inputs,
    ),
  ]);
  return new TraceReport(
    a,
    b,
    tolerance,
    steps.map(({ tensor, op }) => difference(tensor, op, x[tensor] as Float32Array, y[tensor] as Float32Array)),
  );
}

function difference(tensor: string, op: string, p: ArrayLike<number>, q: ArrayLike<number>): TraceStep {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const d = Math.abs((p[i] as number) - (q[i] as number));
    max = Math.max(max, d);
    sum += d;
  }
  return { tensor, op, maxAbs: p.length === q.length ? max : Number.POSITIVE_INFINITY, meanAbs: sum / Math.max(1, p.length) };
}

/** Every layer's output in TensorFlow.js beside the tensor of the same name in the exported file. */
async function traceLayers(
  model: LayersModel,
  file: string,
  inputs: Nested | Readonly<Record<string, Nested>>,
  tolerance: number,
): Promise<TraceReport> {
  if (!Array.isArray((model as { layers?: unknown }).layers))
    throw new TypeError('onnx.trace takes two .onnx paths, or an nn model and the path of its export.');
  const exported = openModel(readFileSync(resolve(file)), file);
  const produced = new Set(exported.nodes.flatMap((n) => n.outputs));
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer' && produced.has(l.name));
  if (!layers.length)
    throw new Error(
      `onnx.trace: no layer of the model has a tensor of its name in ${file}; export the model with onnx.export (which names each layer's output) and trace it against that file.`,
    );
  const rows = typeof inputs === 'object' && !Array.isArray(inputs) ? Object.values(inputs)[0] : inputs;
  if (!Array.isArray(rows)) throw new Error('onnx.trace: inputs must be rows (an array), as the model takes them.');
  const t = tf();
  const probe = t.model({ inputs: model.inputs, outputs: layers.map((l) => l.output as never) });
  const outputs = t.tidy(() => [probe.predict(t.tensor(rows as number[][])) as Tensor | Tensor[]].flat().map((o) => t.keep(o)));
  const expected = outputs.map((o) => o.dataSync() as Float32Array);
  t.dispose(outputs);
  const actual = await runExposed(
    exported,
    layers.map((l) => l.name),
    rows,
  );
  return new TraceReport(
    model.name || 'nn model',
    file,
    tolerance,
    layers.map((l, i) => difference(l.name, l.getClassName(), expected[i] as Float32Array, actual[l.name] as Float32Array)),
  );
}
