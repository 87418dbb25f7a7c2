// The Open Inference Protocol's JSON tensors (KServe v2, Triton's HTTP API): a request's inputs
// checked against the model's signature, with errors that name the input and what it expects,
// and the outputs written back as { name, datatype, shape, data }.
import type { Feeds, Tensor } from './batcher';
import { RequestError } from './errors';
import type { ServedModel, TensorSpec } from './model';

export interface InferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: Array<{ name: string; shape: number[]; datatype: string; data: unknown; parameters?: Record<string, unknown> }>;
  outputs?: Array<{ name: string; parameters?: Record<string, unknown> }>;
}

export interface Limits {
  /** Most rows (the first dimension) one request may carry. */
  maxRows: number;
}

/** The request's tensors as the model's feeds, and its row count. */
export function parseInfer(
  body: unknown,
  model: ServedModel,
  limits: Limits,
): { feeds: Feeds; rows: number; wanted?: string[]; id?: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new RequestError('the body must be a JSON object with "inputs": [{ "name", "shape", "datatype", "data" }]');
  const request = body as Partial<InferRequest>;
  if (!Array.isArray(request.inputs) || !request.inputs.length)
    throw new RequestError(`"inputs" must be a non-empty list; ${model.name} takes ${signature(model.inputs)}`);
  if (request.id !== undefined && typeof request.id !== 'string') throw new RequestError('"id" must be a string');
  const feeds: Feeds = {};
  let rows = -1;
  for (const [i, input] of request.inputs.entries()) {
    if (!input || typeof input !== 'object') throw new RequestError(`inputs[${i}] must be an object with name, shape, datatype and data`);
    const spec = model.inputs.find((s) => s.name === input.name);
    if (!spec) throw new RequestError(`no input named ${describe(input.name)}; ${model.name} takes ${signature(model.inputs)}`);
    if (feeds[spec.name]) throw new RequestError(`input ${spec.name} is given twice`);
    if (input.parameters?.binary_data_size !== undefined)
      throw new RequestError(
        `input ${spec.name} uses the binary data extension, which this server does not support; send the values in "data"`,
      );
    if (input.datatype !== spec.datatype)
      throw new RequestError(`input ${spec.name} has datatype ${JSON.stringify(input.datatype)}; the model takes ${spec.datatype}`);
    const shape = input.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new RequestError(`input ${spec.name}: "shape" must be a list of sizes, such as [2, ${spec.shape.slice(1).join(', ') || 4}]`);
    if (shape.length !== spec.shape.length || spec.shape.some((d, k) => d !== -1 && d !== shape[k]))
      throw new RequestError(
        `input ${spec.name} has shape [${shape.join(', ')}]; the model takes [${spec.shape.join(', ')}] (-1: any size)`,
      );
    const n = shape[0] as number;
    if (n > limits.maxRows)
      throw new RequestError(
        `input ${spec.name} has ${n} rows; this server takes at most ${limits.maxRows} per request: split the request`,
        413,
      );
    if (rows !== -1 && n !== rows) throw new RequestError(`inputs disagree on the batch size: ${rows} and ${n} rows`);
    rows = n;
    feeds[spec.name] = tensor(spec, shape, input.data);
  }
  const missing = model.inputs.filter((s) => !feeds[s.name]);
  if (missing.length)
    throw new RequestError(`missing input ${missing.map((s) => s.name).join(', ')}; ${model.name} takes ${signature(model.inputs)}`);
  let wanted: string[] | undefined;
  if (request.outputs !== undefined) {
    if (!Array.isArray(request.outputs)) throw new RequestError('"outputs" must be a list of { "name" }');
    wanted = request.outputs.map((o) => o?.name);
    const unknown = wanted.filter((name) => !model.outputs.some((o) => o.name === name));
    if (unknown.length)
      throw new RequestError(
        `no output named ${unknown.map((u) => JSON.stringify(u)).join(', ')}; ${model.name} gives ${model.outputs.map((o) => o.name).join(', ')}`,
      );
  }
  return { feeds, rows, ...(wanted ? { wanted } : {}), ...(request.id !== undefined ? { id: request.id } : {}) };
}

function signature(specs: TensorSpec[]): string {
  return specs.map((s) => `${s.name} (${s.datatype} [${s.shape.join(', ')}])`).join(', ');
}

function outside([low, high]: [number, number], id: number): boolean {
  return id < low || id > high;
}

/** The values, flat (row-major) or nested exactly as the shape says, as one typed array. */
function tensor(spec: TensorSpec, shape: number[], data: unknown): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const flat = valuesOf(spec, shape, data);
  if (flat.length !== size)
    throw new RequestError(`input ${spec.name} has ${flat.length} values; shape [${shape.join(', ')}] needs ${size}`);
  if (spec.datatype === 'INT64') {
    const values = new BigInt64Array(size);
    for (let i = 0; i < size; i++) {
      const v = flat[i];
      if (!Number.isSafeInteger(v)) throw new RequestError(`input ${spec.name}: value ${i} is ${describe(v)}, not a whole number`);
      if (spec.range && outside(spec.range, v as number))
        throw new RequestError(
          `input ${spec.name}: value ${i} is ${v}, outside the ids the model knows (${spec.range[0]} to ${spec.range[1]})`,
        );
      values[i] = BigInt(v as number);
    }
    return { dims: shape, data: values };
  }
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const v = flat[i];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new RequestError(`input ${spec.name}: value ${i} is ${describe(v)}, not a finite number`);
    // Ids the model casts to integers index its table: Cast truncates, so 9.5 is id 9.
    if (spec.range && outside(spec.range, Math.trunc(v)))
      throw new RequestError(
        `input ${spec.name}: value ${i} is ${v}, outside the ids the model knows (${spec.range[0]} to ${spec.range[1]})`,
      );
    // Past ±3.4e38 a float32 is Infinity, and the model answers nulls: refused instead.
    if (!Number.isFinite(Math.fround(v)))
      throw new RequestError(`input ${spec.name}: value ${i} is ${v}, outside FP32's range (±3.4028235e38)`);
    values[i] = v;
  }
  return { dims: shape, data: values };
}

/**
 * The values in row-major order. Flat data is taken as it is (its length is checked against the
 * shape); nested data must be the shape exactly, level by level: [[1,2,3],[4,5,6,7,8]] has the
 * 8 values [2, 4] needs but is not a [2, 4] tensor. Walked level by level, never recursively, so
 * no nesting is deep enough to overflow the stack.
 */
function valuesOf(spec: TensorSpec, shape: number[], data: unknown): unknown[] {
  if (!Array.isArray(data)) throw new RequestError(`input ${spec.name}: "data" must be a list of numbers`);
  if (!data.some(Array.isArray)) return data;
  let level: unknown[] = [data];
  for (const [k, size] of shape.entries()) {
    const next: unknown[] = [];
    for (const item of level) {
      if (!Array.isArray(item) || item.length !== size)
        throw new RequestError(
          `input ${spec.name}: nested "data" must have the shape [${shape.join(', ')}], but level ${k + 1} has ${Array.isArray(item) ? `a list of ${item.length}` : describe(item)} where a list of ${size} belongs; or send the values flat`,
        );
      for (const value of item) next.push(value);
    }
    level = next;
  }
  if (level.some(Array.isArray))
    throw new RequestError(`input ${spec.name}: nested "data" goes deeper than its shape [${shape.join(', ')}]`);
  return level;
}

/** A value in an error message: a list or an object is named, not printed (it may be huge or deep). */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value && typeof value === 'object') return 'an object';
  return JSON.stringify(value) ?? String(value);
}

/** The response body: each output (or those asked for) as a JSON tensor. */
export function inferResponse(model: ServedModel, outputs: Feeds, wanted: string[] | undefined, id: string | undefined): unknown {
  return {
    model_name: model.name,
    model_version: model.version,
    ...(id !== undefined ? { id } : {}),
    outputs: model.outputs
      .filter((o) => !wanted || wanted.includes(o.name))
      .map((o) => {
        const t = outputs[o.name] as Tensor;
        return { name: o.name, datatype: o.datatype, shape: t.dims, data: Array.from(t.data as ArrayLike<number | bigint>, Number) };
      }),
  };
}

/** Model metadata as the protocol defines it. */
export function modelMetadata(model: ServedModel, versions: string[]): unknown {
  return {
    name: model.name,
    versions,
    platform: model.config.platform,
    inputs: model.inputs,
    outputs: model.outputs,
    parameters: { ...(model.labels ? { labels: model.labels } : {}), max_batch_size: model.config.maxBatchSize },
  };
}
