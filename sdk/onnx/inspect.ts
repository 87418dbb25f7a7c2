// What a model's weights look like, from its .onnx file: per tensor its shape, statistics,
// sparsity and histogram; the classifier head (per-class weight norms, biases and strongest
// inputs); and the differences between two models tensor by tensor. The Weight Inspector panel
// draws this; in a notebook it shows as tables.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import type { ClassifierHead, Inspection, ModelDiff, TensorDiff, TensorStats } from '../../contracts/mime';
import { readModel, type ModelInfo, type WeightInfo } from './read';

export type { ClassifierHead, Inspection, ModelDiff, TensorDiff, TensorStats };

const BINS = 24;
const TOP_FEATURES = 5;

export function inspectFile(path: string): Inspection {
  const file = resolve(path);
  return inspect(readModel(readFileSync(file), path), path, statSync(file).size);
}

/**
 * Weights as the model computes with them: an int8 tensor X_int8 or uint8 tensor X_uint8 that
 * onnx.quantize wrote with its scale X_scale and zero point X_zero becomes its dequantised values,
 * named after the float tensor X it replaced.
 */
function dequantized(weights: readonly WeightInfo[]): Array<WeightInfo & { key: string }> {
  const byName = new Map(weights.map((w) => [w.name, w]));
  return weights.map((w) => {
    const suffix = w.dtype === 'int8' || w.dtype === 'uint8' ? `_${w.dtype}` : undefined;
    const base = suffix && w.name.endsWith(suffix) ? w.name.slice(0, -suffix.length) : undefined;
    const scale = base ? byName.get(`${base}_scale`)?.values?.[0] : undefined;
    if (!base || scale === undefined || !w.values) return { ...w, key: w.name };
    const zero = byName.get(`${base}_zero`)?.values?.[0] ?? 0;
    return { ...w, key: base, values: w.values.map((v) => (v - zero) * scale) };
  });
}

export function inspect(info: ModelInfo, file: string, bytes: number): Inspection {
  const operators: Record<string, number> = {};
  for (const node of info.nodes) operators[node.op] = (operators[node.op] ?? 0) + 1;
  const tensors = dequantized(info.weights).map((w): TensorStats => ({
    name: w.name,
    dtype: w.dtype,
    dims: w.dims,
    size: w.size,
    ...(w.values && w.values.length > 1 ? stats(w.values) : {}),
  }));
  const head = classifierHead(info);
  return {
    file,
    bytes,
    irVersion: info.irVersion,
    opsets: info.opsets,
    producer: info.producer,
    metadata: info.metadata,
    inputs: info.inputs.filter((i) => !info.weights.some((w) => w.name === i.name)),
    outputs: info.outputs,
    operators,
    parameters: info.weights.reduce((n, w) => n + w.size, 0),
    tensors,
    ...(head ? { head } : {}),
  };
}

export function diffFiles(a: string, b: string): ModelDiff {
  // Quantised tensors compare as the float tensors they stand for; their scales are not weights.
  const weights = (file: string) =>
    dequantized(readModel(readFileSync(resolve(file)), file).weights).filter(
      (w, _, all) => !all.some((q) => q.key !== q.name && (w.name === `${q.key}_scale` || w.name === `${q.key}_zero`)),
    );
  const left = weights(a);
  const right = weights(b);
  // Same name first; then, in order, tensors of the same shape and type: exporters number their
  // tensors (dense_Dense1 in one model is dense_Dense3 in the next), so names alone miss pairs.
  type Weight = (typeof left)[number];
  const pairs: Array<[Weight, Weight]> = [];
  const unmatchedRight = right.filter((w) => !left.some((l) => l.key === w.key));
  const changedShape: string[] = [];
  const onlyInA: string[] = [];
  for (const w of left) {
    const byName = right.find((r) => r.key === w.key);
    if (byName) {
      if (byName.values && w.values && byName.dims.join() === w.dims.join()) pairs.push([w, byName]);
      else changedShape.push(w.name);
      continue;
    }
    const at = unmatchedRight.findIndex((r) => r.dtype === w.dtype && r.dims.join() === w.dims.join());
    if (at >= 0) pairs.push([w, unmatchedRight.splice(at, 1)[0] as Weight]);
    else onlyInA.push(w.name);
  }
  const tensors = pairs.flatMap(([x, y]): TensorDiff[] => {
    if (!x.values || !y.values) return [];
    let max = 0;
    let sum = 0;
    let diffNorm = 0;
    let norm = 0;
    for (let i = 0; i < x.values.length; i++) {
      const d = Math.abs((x.values[i] as number) - (y.values[i] as number));
      max = Math.max(max, d);
      sum += d;
      diffNorm += d * d;
      norm += (x.values[i] as number) ** 2;
    }
    return [
      {
        name: x.name === y.name ? x.name : `${x.name} ↔ ${y.name}`,
        dims: x.dims,
        maxAbs: max,
        meanAbs: sum / x.values.length,
        relative: norm ? Math.sqrt(diffNorm / norm) : Math.sqrt(diffNorm),
      },
    ];
  });
  return { a, b, tensors, onlyInA, onlyInB: unmatchedRight.map((w) => w.name), changedShape };
}

function stats(values: Float32Array): Pick<TensorStats, 'min' | 'max' | 'mean' | 'std' | 'sparsity' | 'histogram'> {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zeros = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v === 0) zeros++;
  }
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  const counts = new Array<number>(BINS).fill(0);
  const width = (max - min) / BINS || 1;
  for (const v of values) counts[Math.min(BINS - 1, Math.floor((v - min) / width))]!++;
  return {
    min,
    max,
    mean,
    std: Math.sqrt(squares / values.length),
    sparsity: zeros / values.length,
    histogram: { from: min, to: max, counts },
  };
}

/**
 * The last MatMul (or Gemm) whose weights map to as many outputs as the model has classes, and
 * the bias added after it: what turns features into per-class scores.
 */
function classifierHead(info: ModelInfo): ClassifierHead | undefined {
  const weights = new Map(dequantized(info.weights).map((w) => [w.name, w]));
  const labels = parseLabels(info.metadata.labels);
  const classes = labels?.length ?? Number(info.outputs[0]?.shape[info.outputs[0].shape.length - 1]);
  if (!(classes > 0)) return undefined;
  // A statically quantised product reads its weights through a DequantizeLinear of the int8 tensor.
  const producers = new Map(info.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const weightOf = (name: string) => {
    const producer = producers.get(name);
    return weights.get(producer?.op === 'DequantizeLinear' ? (producer.inputs[0] ?? '') : name);
  };
  for (let i = info.nodes.length - 1; i >= 0; i--) {
    const node = info.nodes[i]!;
    if (node.op !== 'MatMul' && node.op !== 'Gemm' && node.op !== 'MatMulInteger') continue;
    const w = weightOf(node.inputs[1] ?? '');
    if (!w?.values || w.dims.length !== 2 || w.dims[1] !== classes) continue;
    // A quantised product's result keeps the float product's name at the end of its chain.
    const product = node.op === 'MatMulInteger' ? (node.outputs[0] ?? '').replace(/\/int32$/, '') : (node.outputs[0] ?? '');
    const add = node.op === 'Gemm' ? undefined : info.nodes.find((n) => n.op === 'Add' && n.inputs.includes(product));
    const biasName = node.op === 'Gemm' ? node.inputs[2] : add?.inputs.find((x) => x !== product);
    const bias = biasName ? weights.get(biasName) : undefined;
    const inputs = w.dims[0] as number;
    return {
      weights: w.name,
      ...(bias ? { bias: bias.name } : {}),
      classes: Array.from({ length: classes }, (_, c) => {
        const column = Array.from({ length: inputs }, (_, r) => w.values![r * classes + c] as number);
        const ranked = column.map((weight, input) => ({ input, weight })).sort((a, b) => b.weight - a.weight);
        const top = ranked.slice(0, TOP_FEATURES).filter((t) => t.weight > 0);
        const against = ranked
          .slice(-TOP_FEATURES)
          .reverse()
          .filter((t) => t.weight < 0);
        return {
          label: labels?.[c] ?? `class ${c}`,
          norm: Math.sqrt(column.reduce((s, v) => s + v * v, 0)),
          bias: (bias?.values?.[c] as number | undefined) ?? 0,
          top,
          against,
        };
      }),
    };
  }
  return undefined;
}

function parseLabels(text: string | undefined): string[] | undefined {
  try {
    const value = text ? JSON.parse(text) : undefined;
    return Array.isArray(value) ? value.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** In a notebook: the weights as a table, and the head and differences as tables of their own. */
export class InspectionView {
  constructor(readonly inspection: Inspection) {}

  [RICH_VIEW](): Rich {
    const i = this.inspection;
    const round = (v: number | undefined) => (v === undefined ? '—' : Number(v.toPrecision(4)));
    return table(
      i.tensors.map((t) => ({
        tensor: t.name,
        shape: `[${t.dims.join(', ')}]`,
        dtype: t.dtype,
        values: t.size,
        min: round(t.min),
        max: round(t.max),
        mean: round(t.mean),
        std: round(t.std),
        zeros: t.sparsity === undefined ? '—' : `${(t.sparsity * 100).toFixed(1)}%`,
      })),
      {
        title: `${i.file}: ${i.parameters.toLocaleString('en-US')} parameters, ${Object.entries(i.operators)
          .map(([op, n]) => `${n} ${op}`)
          .join(', ')}`,
      },
    );
  }

  /** Per class: the norm of its weight vector, its bias and its strongest inputs. */
  head(): Rich {
    const head = this.inspection.head;
    if (!head) return table([{ head: 'no classifier head found (no final MatMul/Gemm with one column per class)' }]);
    return table(
      head.classes.map((c) => ({
        class: c.label,
        'weight norm': Number(c.norm.toPrecision(4)),
        bias: Number(c.bias.toPrecision(4)),
        'strongest for': c.top.map((t) => `#${t.input} (${t.weight.toFixed(3)})`).join(', '),
        'strongest against': c.against.map((t) => `#${t.input} (${t.weight.toFixed(3)})`).join(', '),
      })),
      { title: `Classifier head: ${head.weights}${head.bias ? ` + ${head.bias}` : ''}` },
    );
  }
}

export class DiffView {
  constructor(readonly diff: ModelDiff) {}

  [RICH_VIEW](): Rich {
    const d = this.diff;
    const rows = d.tensors.map((t) => ({
      tensor: t.name,
      shape: `[${t.dims.join(', ')}]`,
      'max |a − b|': Number(t.maxAbs.toPrecision(3)),
      'mean |a − b|': Number(t.meanAbs.toPrecision(3)),
      'relative change': Number(t.relative.toPrecision(3)),
    }));
    const notes = [
      d.onlyInA.length ? `only in ${d.a}: ${d.onlyInA.join(', ')}` : '',
      d.onlyInB.length ? `only in ${d.b}: ${d.onlyInB.join(', ')}` : '',
      d.changedShape.length ? `other shape or type: ${d.changedShape.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return table(rows.length ? rows : [{ tensor: 'no tensor in common' }], { title: `${d.a} → ${d.b}${notes ? ` (${notes})` : ''}` });
  }
}
