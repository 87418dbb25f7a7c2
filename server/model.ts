// One version of one model, loaded for serving: its onnxruntime session, its signature in the
// Open Inference Protocol's terms (FP32, INT64; -1 for a free dimension), the labels and
// preprocessing from its metadata, and its batcher when dynamic batching is on.
import { readFileSync } from 'node:fs';
import { parseReference, type Reference } from '../sdk/monitor/reference';
import { readModel } from '../sdk/onnx/read';
import { cudaProviderInstalled, onnxRuntime } from '../sdk/onnx/session';
import { Batcher, type BatchResult, type Feeds } from './batcher';
import type { ModelConfig } from './pbtxt';

export interface TensorSpec {
  name: string;
  /** The protocol's type name: FP32, INT64… */
  datatype: string;
  /** -1 where the size is free (the batch). */
  shape: number[];
  /** Ids that index a table (an embedding): the values its Gather accepts, both ends included. */
  range?: [number, number];
}

const DATATYPES: Record<string, string> = {
  float32: 'FP32',
  float64: 'FP64',
  int64: 'INT64',
  int32: 'INT32',
  int8: 'INT8',
  uint8: 'UINT8',
  bool: 'BOOL',
  string: 'BYTES',
  float16: 'FP16',
};

export function datatypeOf(onnxType: string): string {
  return DATATYPES[onnxType] ?? onnxType.toUpperCase();
}

type Session = Awaited<ReturnType<ReturnType<typeof onnxRuntime>['InferenceSession']['create']>>;

/** Everything a served model is made of; ServedModel.load reads them from the file. */
export interface ServedModelParts {
  name: string;
  version: string;
  file: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  metadata: Record<string, string>;
  config: ModelConfig;
  session: Session;
  /** One call of the session on these feeds. */
  run: (feeds: Feeds) => Promise<Feeds>;
  /** Present when dynamic batching is on. */
  batcher: Batcher | undefined;
}

/** What ServedModel.load needs besides the file: the names it is served under and its config. */
export interface ServedModelOptions {
  name: string;
  version: string;
  /** The config.pbtxt to serve with, given the signature read from the file. */
  config: (inputs: TensorSpec[], outputs: TensorSpec[]) => ModelConfig;
}

export class ServedModel {
  readonly name: string;
  readonly version: string;
  readonly file: string;
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
  readonly metadata: Record<string, string>;
  readonly config: ModelConfig;
  private readonly session: Session;
  private readonly run: (feeds: Feeds) => Promise<Feeds>;
  private readonly batcher: Batcher | undefined;

  private constructor(parts: ServedModelParts) {
    this.name = parts.name;
    this.version = parts.version;
    this.file = parts.file;
    this.inputs = parts.inputs;
    this.outputs = parts.outputs;
    this.metadata = parts.metadata;
    this.config = parts.config;
    this.session = parts.session;
    this.run = parts.run;
    this.batcher = parts.batcher;
    this.reference = parseReference(parts.metadata.reference);
    this.labels = parseJson(parts.metadata.labels, (v) => (Array.isArray(v) ? v.map(String) : undefined));
    this.preprocessing = parseJson(parts.metadata.preprocessing, (v) => v);
  }

  /** The training rows' statistics saved at export (onnx.export's reference option), for drift. */
  readonly reference: Reference | undefined;
  /** Class names, in the order of the first output's columns. */
  readonly labels: string[] | undefined;
  /** How raw rows become the model's input (onnx.export's preprocessing option). */
  readonly preprocessing: unknown;

  static async load(file: string, { name, version, config }: ServedModelOptions): Promise<ServedModel> {
    const bytes = readFileSync(file);
    const info = readModel(bytes, file);
    const weights = new Set(info.weights.map((w) => w.name));
    const spec = (t: { name: string; dtype: string; shape: Array<number | string> }): TensorSpec => ({
      name: t.name,
      datatype: datatypeOf(t.dtype),
      shape: t.shape.map((d) => (typeof d === 'number' && d > 0 ? d : -1)),
    });
    const inputs = info.inputs.filter((i) => !weights.has(i.name)).map((i) => withIdRange(spec(i), info));
    const outputs = info.outputs.map(spec);
    for (const input of inputs) {
      if (input.datatype !== 'FP32' && input.datatype !== 'INT64')
        throw new Error(`${file}: input ${input.name} is ${input.datatype}; the server takes FP32 and INT64 inputs.`);
    }
    const ort = onnxRuntime();
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: cudaProviderInstalled() ? ['cuda', 'cpu'] : ['cpu'],
      logSeverityLevel: 4,
    });
    const resolved = config(inputs, outputs);
    const run = async (feeds: Feeds): Promise<Feeds> => {
      const tensors: Record<string, InstanceType<typeof ort.Tensor>> = {};
      for (const [key, t] of Object.entries(feeds))
        tensors[key] =
          t.data instanceof BigInt64Array ? new ort.Tensor('int64', t.data, t.dims) : new ort.Tensor('float32', t.data, t.dims);
      const results = await session.run(tensors);
      return Object.fromEntries(
        Object.entries(results).map(([key, t]) => [key, { dims: [...t.dims], data: t.data as Float32Array | BigInt64Array }]),
      );
    };
    const batching =
      resolved.dynamicBatching && resolved.maxBatchSize > 1
        ? new Batcher(run, resolved.maxBatchSize, resolved.dynamicBatching.maxQueueDelayMicroseconds / 1000)
        : undefined;
    return new ServedModel({
      name,
      version,
      file,
      inputs,
      outputs,
      metadata: info.metadata,
      config: resolved,
      session,
      run,
      batcher: batching,
    });
  }

  /** Rows waiting in the batch queue. */
  get queued(): number {
    return this.batcher?.waiting ?? 0;
  }

  async infer(feeds: Feeds, rows: number): Promise<BatchResult> {
    if (this.batcher) return this.batcher.submit(feeds, rows);
    return { outputs: await this.run(feeds), queueMs: 0, batchRows: rows, leader: true };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** Metadata values are JSON written by onnx.export; another exporter's text is ignored, not fatal. */
function parseJson<T>(text: string | undefined, accept: (value: unknown) => T | undefined): T | undefined {
  try {
    return text === undefined ? undefined : accept(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Ops that pass ids through unchanged on their way to a Gather (tf2onnx casts them to int32). */
const PASS_THROUGH = new Set(['Cast', 'Identity']);

/**
 * An input that indexes a table the graph holds (an embedding's Gather, reached directly as INT64
 * or through a Cast from FP32): its ids must lie in [-rows, rows - 1] (ONNX lets negative ids
 * count from the end), or ONNX Runtime fails the whole batch. The server refuses such a request
 * itself, with a 400 that says the range.
 */
function withIdRange(input: TensorSpec, info: ReturnType<typeof readModel>): TensorSpec {
  if (input.datatype !== 'INT64' && input.datatype !== 'FP32') return input;
  const weights = new Map(info.weights.map((w) => [w.name, w]));
  // The input's names along Cast/Identity chains, followed until no node adds one.
  const names = new Set([input.name]);
  for (let before = 0; before !== names.size;) {
    before = names.size;
    for (const node of info.nodes)
      if (PASS_THROUGH.has(node.op) && node.inputs.some((name) => names.has(name))) node.outputs.forEach((out) => names.add(out));
  }
  let rows = Infinity;
  for (const node of info.nodes) {
    const [data, indices] = node.inputs;
    if (node.op !== 'Gather' || !indices || !names.has(indices) || !data) continue;
    const table = weights.get(data);
    const axis = node.attributes.axis ?? 0;
    const size = table?.dims.at(axis);
    if (size !== undefined && size > 0) rows = Math.min(rows, size);
  }
  return Number.isFinite(rows) ? { ...input, range: [-rows, rows - 1] } : input;
}
