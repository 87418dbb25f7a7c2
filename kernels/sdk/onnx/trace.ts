// onnx.trace: where do two models' computations part? Both run on the same inputs with every
// intermediate tensor exposed as an output; tensors the two graphs share by name (an export and
// its quantised copy, a model before and after an edit) are compared in graph order, and the
// first one off by more than the tolerance is where the divergence starts.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chart } from '../display/chart';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { readValueInfo } from './read';
import { openModel, saveModel, type EditableModel } from './rewrite';
import { onnxRuntime, type Nested } from './session';

/** Operators whose outputs are not float32 (ids, shapes, quantised values) are not compared. */
const NOT_FLOAT = new Set(['Shape', 'ArgMax', 'ArgMin', 'DynamicQuantizeLinear', 'QuantizeLinear', 'MatMulInteger', 'ConvInteger', 'NonZero', 'TopK']);

export interface TraceStep {
  tensor: string;
  op: string;
  maxAbs: number;
  meanAbs: number;
}

export class TraceReport {
  constructor(readonly a: string, readonly b: string, readonly tolerance: number, readonly steps: TraceStep[]) {}

  /** The first tensor off by more than the tolerance, if any. */
  get divergence(): TraceStep | undefined {
    return this.steps.find((s) => s.maxAbs > this.tolerance);
  }

  [RICH_VIEW](): Rich {
    const first = this.divergence;
    const title = first ? `${this.a} vs ${this.b}: they part at ${first.tensor} (${first.op}), off by up to ${first.maxAbs.toPrecision(3)} (tolerance ${this.tolerance})` : `${this.a} vs ${this.b}: every shared tensor within ${this.tolerance}`;
    return table(this.steps.map((s) => ({ step: s.tensor, op: s.op, 'max |a − b|': Number(s.maxAbs.toPrecision(3)), 'mean |a − b|': Number(s.meanAbs.toPrecision(3)), 'over tolerance': s === first ? '← first' : s.maxAbs > this.tolerance ? 'yes' : '' })), { title });
  }

  /** The largest difference at each shared tensor, in graph order. */
  chart(): Rich {
    return chart.line({ 'max |a − b|': this.steps.map((s) => s.maxAbs) }, { title: `Difference per step, ${this.a} vs ${this.b}`, xLabel: 'step (graph order)' });
  }
}

export async function trace(a: string, b: string, inputs: Nested | Readonly<Record<string, Nested>>, options: { tolerance?: number } = {}): Promise<TraceReport> {
  const tolerance = options.tolerance ?? 1e-3;
  const [left, right] = [a, b].map((file) => openModel(readFileSync(resolve(file)), file)) as [EditableModel, EditableModel];
  const floats = (m: EditableModel) => m.nodes.filter((n) => !NOT_FLOAT.has(n.op) && !(n.op === 'Cast' && n.ints.to !== 1)).flatMap((n) => n.outputs.filter(Boolean).map((o) => ({ tensor: o, op: n.op })));
  const shared = new Set(floats(right).map((t) => t.tensor));
  const steps = floats(left).filter((t) => shared.has(t.tensor));
  if (!steps.length) throw new Error(`onnx.trace: ${a} and ${b} share no intermediate tensor names; trace compares a model with an edited copy of it (onnx.quantize keeps the names).`);
  const [x, y] = await Promise.all([runExposed(left, steps.map((s) => s.tensor), inputs), runExposed(right, steps.map((s) => s.tensor), inputs)]);
  return new TraceReport(a, b, tolerance, steps.map(({ tensor, op }) => {
    const p = x[tensor] as Float32Array;
    const q = y[tensor] as Float32Array;
    let max = 0;
    let sum = 0;
    for (let i = 0; i < p.length; i++) {
      const d = Math.abs((p[i] as number) - (q[i] as number));
      max = Math.max(max, d);
      sum += d;
    }
    return { tensor, op, maxAbs: p.length === q.length ? max : Number.POSITIVE_INFINITY, meanAbs: sum / Math.max(1, p.length) };
  }));
}

/** Runs the model with these intermediate tensors added as float32 outputs. */
async function runExposed(model: EditableModel, tensors: string[], inputs: Nested | Readonly<Record<string, Nested>>): Promise<Record<string, Float32Array>> {
  const existing = new Set(model.graphFields.filter((f) => f.field === 12).map((f) => readValueInfo(f.value as Uint8Array).name));
  const bytes = saveModel(model, { outputs: tensors.filter((t) => !existing.has(t)).map((name) => ({ name, elemType: 1 })) });
  const ort = onnxRuntime();
  const session = await ort.InferenceSession.create(bytes);
  const names = session.inputNames;
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  const given = typeof inputs === 'object' && !Array.isArray(inputs) ? inputs : { [names[0] as string]: inputs as Nested };
  for (const name of names) {
    const value = given[name];
    if (value === undefined) throw new Error(`onnx.trace: no values for input ${name}.`);
    const shape: number[] = [];
    for (let v: Nested = value; Array.isArray(v); v = v[0] as Nested) shape.push(v.length);
    const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
    feeds[name] = new ort.Tensor('float32', Float32Array.from(flat(value)), shape);
  }
  const results = await session.run(feeds, tensors);
  return Object.fromEntries(Object.entries(results).map(([name, t]) => [name, t.data as Float32Array]));
}
