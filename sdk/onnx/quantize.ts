// onnx.quantize: 8-bit quantisation, as onnxruntime's quantize_dynamic and quantize_static do it.
// Weights of MatMul are stored as uint8 with a zero point, of embedding tables (Gather) as int8,
// with one scale per tensor (4× less). Dynamic: activations are quantised on the fly per call
// (DynamicQuantizeLinear → MatMulInteger), so no data is needed. Static: each MatMul's input range
// is measured once on calibration rows and fixed in the file (QuantizeLinear → DequantizeLinear
// pairs, the QDQ format runtimes fuse into integer kernels); values outside that range are
// clipped, so the rows must be like the data the model will see. Output names are kept, so
// onnx.trace can compare the models.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import type { Initializer, Node } from './graph';
import { runExposed } from './expose';
import { openModel, saveModel, type EditableModel, type RawNode } from './rewrite';
import { OnnxSession, type Nested } from './session';
import { sampleInputs } from './sample';

/**
 * How products are stored: "u8u8", uint8 activations × uint8 weights with a zero point, both in
 * MatMulInteger (dynamic) and in QDQ (static), which onnxruntime runs as a u8u8 kernel.
 */
export type QuantizeFormat = 'u8u8';

// Why u8u8 and not int8 weights (u8s8, onnxruntime's default): on x86 CPUs without VNNI (AVX2, and
// AVX-512 without VNNI) onnxruntime's u8s8 kernel adds pairs of uint8 × int8 products into int16
// with saturation (vpmaddubsw), and 2 · 255 · 127 > 32767, so a file's outputs depend on the CPU:
// the unit test's MLP was off by 0.106 on an AVX2 CI machine and by 0.004 with VNNI. The u8u8
// kernel widens both to int16 and adds into int32 (vpmaddwd): it cannot saturate. The other cure, int8
// weights limited to −63…63 (reduced range, 2 · 255 · 63 < 32767), halves the weights' precision.
// Measured (the same with and without VNNI, emulated AVX2 included), u8u8 against reduced range:
// the test MLP's max |Δ| 0.0050 vs 0.0126 dynamic, 0.0032 vs 0.0078 static; Lab M2-L4's spam
// filter on its test emails 0.0151 vs 0.0211 dynamic (mean 2.2e-4 vs 2.6e-4), 0.0255 vs 0.0232
// static (mean 2.0e-4 vs 2.4e-4), its weights off by half the error (0.0020 vs 0.0040), the same
// accuracy. u8u8 kernels are a little slower on AVX2; models this size cannot tell.
const FORMAT: QuantizeFormat = 'u8u8';

export interface QuantizeReportFields {
  input: string;
  output: string;
  bytesBefore: number;
  bytesAfter: number;
  /** The weight tensors now stored as 8-bit integers. */
  quantized: string[];
  /** Those of them that are embedding tables (Gather): dequantised, never multiplied as integers, so int8 at full range. */
  embeddings: string[];
  /** Largest |fp32 − int8| over the outputs on the sample rows. */
  maxAbsDiff: number;
  sampleRows: number;
  /** Static: activation ranges fixed from calibration rows; dynamic: measured per call. */
  mode: 'dynamic' | 'static';
  calibrationRows?: number;
  format: QuantizeFormat;
}

export class QuantizeReport {
  readonly input: string;
  readonly output: string;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly quantized: string[];
  readonly embeddings: string[];
  readonly maxAbsDiff: number;
  readonly sampleRows: number;
  readonly mode: 'dynamic' | 'static';
  /** Rows the static activation ranges come from; 0 for dynamic. */
  readonly calibrationRows: number;
  readonly format: QuantizeFormat;

  constructor(fields: QuantizeReportFields) {
    this.input = fields.input;
    this.output = fields.output;
    this.bytesBefore = fields.bytesBefore;
    this.bytesAfter = fields.bytesAfter;
    this.quantized = fields.quantized;
    this.embeddings = fields.embeddings;
    this.maxAbsDiff = fields.maxAbsDiff;
    this.sampleRows = fields.sampleRows;
    this.mode = fields.mode;
    this.calibrationRows = fields.calibrationRows ?? 0;
    this.format = fields.format;
  }

  [RICH_VIEW](): Rich {
    const products = this.quantized.length - this.embeddings.length;
    const weights = [
      products ? `uint8 + zero point (${products} MatMul)` : '',
      this.embeddings.length ? `int8 (${this.embeddings.length} Gather)` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return table(
      [
        { model: this.input, size: `${(this.bytesBefore / 1024).toFixed(1)} KB`, weights: 'float32', 'max |fp32 − int8|': '' },
        {
          model: this.output,
          size: `${(this.bytesAfter / 1024).toFixed(1)} KB`,
          weights,
          'max |fp32 − int8|': Number(this.maxAbsDiff.toPrecision(3)),
        },
      ],
      {
        title: `${this.mode === 'static' ? `Static int8 quantisation (activation ranges from ${this.calibrationRows} calibration rows)` : 'Dynamic int8 quantisation'}: ${(this.bytesBefore / this.bytesAfter).toFixed(1)}× smaller, ${this.format} format (the same results on every CPU), checked on ${this.sampleRows} rows (pass { sample } to check on your data; onnx.compare measures accuracy)`,
      },
    );
  }
}

/** Per-tensor symmetric int8, for embedding tables: q = round(w / scale), scale = max|w| / 127. */
function int8(values: Float32Array): { q: Int8Array; scale: number } {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  const scale = max / 127 || 1;
  return { q: Int8Array.from(values, (v) => Math.max(-127, Math.min(127, Math.round(v / scale)))), scale };
}

/** Per-tensor asymmetric uint8, for the weights of products: q = round(w / scale) + zero. */
function uint8(values: Float32Array): { q: Uint8Array; scale: number; zero: number } {
  const { scale, zero } = uint8Range(values);
  return { q: Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round(v / scale) + zero))), scale, zero };
}

/** Asymmetric uint8: the range, widened to hold 0 (so 0 is exact), over 256 steps. */
function uint8Range(values: ArrayLike<number>): { scale: number; zero: number } {
  let min = 0;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i] as number);
    max = Math.max(max, values[i] as number);
  }
  const scale = (max - min) / 255 || 1;
  return { scale, zero: Math.max(0, Math.min(255, Math.round(-min / scale))) };
}

export interface QuantizeOptions {
  /** Rows to check the int8 model against the original on (default: the first 64 calibration rows, or 16 seeded rows). */
  sample?: Nested[];
  /** Rows like the real data: given, quantisation is static, with activation ranges measured on them. */
  calibration?: Nested[];
}

export async function quantize(input: string, output: string, options: QuantizeOptions = {}): Promise<QuantizeReport> {
  const bytes = readFileSync(resolve(input));
  const model = openModel(bytes, input);
  const mode = options.calibration ? 'static' : 'dynamic';
  if (options.calibration && !options.calibration.length)
    throw new Error(
      'onnx.quantize: calibration has no rows; pass rows like the data the model will see (a few hundred from the training set), or leave it out for dynamic quantisation.',
    );
  if (model.opset < 11)
    throw new Error(
      `onnx.quantize: ${input} uses opset ${model.opset}; int8 quantisation needs opset 11 or later. Export it again with onnx.export (opset 13).`,
    );
  const activations = options.calibration ? await calibrate(model, options.calibration) : undefined;
  const rewrite = new Rewrite(model, activations);
  for (const node of model.nodes) {
    if (node.op === 'MatMul') rewrite.matMul(node);
    else if (node.op === 'Gather') rewrite.gather(node);
  }
  if (!rewrite.quantized.length) throw new Error(`onnx.quantize: ${input} has no MatMul or Gather with float32 weights to quantise.`);
  const result = saveModel(model, {
    replace: rewrite.replace,
    add: rewrite.add,
    drop: new Set(rewrite.quantized),
    metadata: { quantization: `${mode} int8 per tensor, ${FORMAT} format (aielab onnx.quantize)` },
  });
  writeFileSync(resolve(output), result);
  // Random rows can fall far outside the calibrated ranges (and be clipped): check static on real rows.
  const sample = options.sample ?? options.calibration?.slice(0, 64) ?? sampleInputs(model);
  return new QuantizeReport({
    input,
    output,
    bytesBefore: bytes.length,
    bytesAfter: statSync(resolve(output)).size,
    quantized: rewrite.quantized,
    embeddings: rewrite.embeddings,
    maxAbsDiff: await maxDifference(input, output, sample),
    sampleRows: sample.length,
    mode,
    calibrationRows: options.calibration?.length ?? 0,
    format: FORMAT,
  });
}

/** Largest |a − b| over every output of two models on the same rows. */
async function maxDifference(a: string, b: string, rows: Nested[]): Promise<number> {
  const sessions = await Promise.all([OnnxSession.load(a), OnnxSession.load(b)]);
  const [left, right] = await Promise.all(sessions.map(async (session) => Object.values(await session.run(rows)).flatMap(flat)));
  return (left as number[]).reduce((max, v, i) => Math.max(max, Math.abs(v - (right?.[i] as number))), 0);
}

const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

/** The quantised graph, built node by node: what replaces each node and the tensors it adds. */
class Rewrite {
  readonly replace = new Map<RawNode, Node[]>();
  readonly add: Initializer[] = [];
  readonly quantized: string[] = [];
  readonly embeddings: string[] = [];

  constructor(
    private readonly model: EditableModel,
    private readonly activations: Map<string, { scale: number; zero: number }> | undefined,
  ) {}

  /** A weight used once, by this node alone: shared weights stay float. */
  private usedOnce(name: string): boolean {
    return this.model.nodes.filter((n) => n.inputs.includes(name)).length === 1;
  }

  matMul(node: RawNode): void {
    const w = this.model.weights.get(node.inputs[1] ?? '');
    if (!w?.values || w.dims.length !== 2 || this.model.weights.has(node.inputs[0] ?? '') || !this.usedOnce(w.name)) return;
    const { q, scale, zero } = uint8(w.values);
    this.add.push(
      { name: `${w.name}_uint8`, dims: w.dims, dtype: 'uint8', values: q },
      { name: `${w.name}_scale`, dims: [], dtype: 'float32', values: Float32Array.of(scale) },
      { name: `${w.name}_zero`, dims: [], dtype: 'uint8', values: Uint8Array.of(zero) },
    );
    this.quantized.push(w.name);
    const range = this.activations?.get(node.inputs[0] as string);
    this.replace.set(node, range ? this.staticMatMul(node, w.name, range) : dynamicMatMul(node, w.name));
  }

  /** QDQ: activations quantised with the calibrated range, which runtimes fuse into integer kernels. */
  private staticMatMul(node: RawNode, weight: string, range: { scale: number; zero: number }): Node[] {
    const out = node.outputs[0] as string;
    this.add.push(
      { name: `${out}/a_scale`, dims: [], dtype: 'float32', values: Float32Array.of(range.scale) },
      { name: `${out}/a_zero`, dims: [], dtype: 'uint8', values: Uint8Array.of(range.zero) },
    );
    return [
      {
        op: 'QuantizeLinear',
        name: `${out}/quantize`,
        inputs: [node.inputs[0] as string, `${out}/a_scale`, `${out}/a_zero`],
        outputs: [`${out}/a`],
      },
      {
        op: 'DequantizeLinear',
        name: `${out}/a_dequantize`,
        inputs: [`${out}/a`, `${out}/a_scale`, `${out}/a_zero`],
        outputs: [`${out}/a_dequantized`],
      },
      {
        op: 'DequantizeLinear',
        name: `${out}/w_dequantize`,
        inputs: [`${weight}_uint8`, `${weight}_scale`, `${weight}_zero`],
        outputs: [`${out}/w_dequantized`],
      },
      { op: 'MatMul', name: out, inputs: [`${out}/a_dequantized`, `${out}/w_dequantized`], outputs: [out] },
    ];
  }

  gather(node: RawNode): void {
    const w = this.model.weights.get(node.inputs[0] ?? '');
    if (!w?.values || !this.usedOnce(w.name)) return;
    const out = node.outputs[0] as string;
    const { q, scale } = int8(w.values);
    this.add.push(
      { name: `${w.name}_int8`, dims: w.dims, dtype: 'int8', values: q },
      { name: `${w.name}_scale`, dims: [], dtype: 'float32', values: Float32Array.of(scale) },
      { name: `${w.name}_zero`, dims: [], dtype: 'int8', values: Int8Array.of(0) },
    );
    this.replace.set(node, [
      {
        op: 'Gather',
        name: `${out}/gather_int8`,
        inputs: [`${w.name}_int8`, node.inputs[1] as string],
        outputs: [`${out}/int8`],
        attributes: { axis: node.ints.axis ?? 0 },
      },
      { op: 'DequantizeLinear', name: out, inputs: [`${out}/int8`, `${w.name}_scale`, `${w.name}_zero`], outputs: [out] },
    ]);
    this.quantized.push(w.name);
    this.embeddings.push(w.name);
  }
}

/** Activations quantised per call (DynamicQuantizeLinear → MatMulInteger), so no data is needed. */
function dynamicMatMul(node: RawNode, weight: string): Node[] {
  const out = node.outputs[0] as string;
  return [
    {
      op: 'DynamicQuantizeLinear',
      name: `${out}/quantize`,
      inputs: [node.inputs[0] as string],
      outputs: [`${out}/a`, `${out}/a_scale`, `${out}/a_zero`],
    },
    {
      op: 'MatMulInteger',
      name: `${out}/matmul_integer`,
      inputs: [`${out}/a`, `${weight}_uint8`, `${out}/a_zero`, `${weight}_zero`],
      outputs: [`${out}/int32`],
    },
    { op: 'Cast', name: `${out}/cast`, inputs: [`${out}/int32`], outputs: [`${out}/float`], attributes: { to: 1 } },
    { op: 'Mul', name: `${out}/scale`, inputs: [`${out}/a_scale`, `${weight}_scale`], outputs: [`${out}/scale`] },
    { op: 'Mul', name: out, inputs: [`${out}/float`, `${out}/scale`], outputs: [out] },
  ];
}

/** Each float MatMul input's range over the calibration rows. */
async function calibrate(model: EditableModel, rows: Nested[]): Promise<Map<string, { scale: number; zero: number }>> {
  const tensors = [
    ...new Set(
      model.nodes
        .filter((n) => n.op === 'MatMul' && model.weights.has(n.inputs[1] ?? '') && !model.weights.has(n.inputs[0] ?? ''))
        .map((n) => n.inputs[0] as string),
    ),
  ];
  const values = await runExposed(model, tensors, rows, 'onnx.quantize calibration');
  return new Map(tensors.map((t) => [t, uint8Range(values[t] as Float32Array)]));
}
