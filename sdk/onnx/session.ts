// An ONNX model loaded for inference with onnxruntime-node (on the GPU through CUDA where its
// provider is installed, else the CPU): run it on plain arrays, with errors that say which input
// was wrong and what the model expects.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { readModel, type ModelInfo, type TensorInfo } from './read';

type Ort = typeof import('onnxruntime-node');
type OrtSession = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** Numbers nested as deep as the tensor has dimensions: [[1, 2], [3, 4]] is a 2×2 tensor. */
export type Nested = number | Nested[];

let ort: Ort | undefined;

export function onnxRuntime(): Ort {
  if (ort) return ort;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ort = require('onnxruntime-node') as Ort;
  } catch (error) {
    throw new Error(
      `onnx needs onnxruntime-node, which did not load (${(error as Error).message.split('\n')[0]}). Reinstall the extension, or run npm install in your project.`,
      { cause: error },
    );
  }
  return ort;
}

/** Where a session runs: `auto` takes CUDA when onnxruntime-node has its CUDA provider, else the CPU. */
export type Device = 'auto' | 'cpu' | 'cuda';

export interface LoadOptions {
  device?: Device;
}

/**
 * onnxruntime-node ships the CPU provider only; its install script fetches the CUDA provider's
 * library when asked (and this project's install denies that script, which would fail offline).
 * Looking for the file first keeps onnxruntime from printing a load failure on every CPU machine.
 */
export function cudaProviderInstalled(): boolean {
  try {
    const binding = require.resolve('onnxruntime-node/package.json');
    return existsSync(join(dirname(binding), 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

const NO_CUDA =
  "the CUDA provider of onnxruntime-node is not installed (its install script fetches it: run `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` on a machine with CUDA 12 and network access), so use device: 'cpu' or 'auto'";

export class OnnxSession {
  private constructor(
    readonly path: string,
    readonly info: ModelInfo,
    private readonly session: OrtSession,
    readonly device: 'cpu' | 'cuda',
  ) {}

  static async load(path: string, options: LoadOptions = {}): Promise<OnnxSession> {
    const want = options.device ?? 'auto';
    if (!['auto', 'cpu', 'cuda'].includes(want))
      throw new Error(`onnx.load: device ${JSON.stringify(want)} is not one of 'auto', 'cpu', 'cuda'.`);
    const file = resolve(path);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new Error(`onnx.load: no file ${file}. Export one with onnx.export(model, "${path}").`);
    }
    const info = readModel(bytes, path);
    if (want === 'cuda' && !cudaProviderInstalled()) throw new Error(`onnx.load: device 'cuda' was asked for, but ${NO_CUDA}.`);
    const device = want === 'cpu' || !cudaProviderInstalled() ? 'cpu' : 'cuda';
    let session: OrtSession;
    try {
      // Fatal only: a refused file's reason is in the error we throw, not printed to the cell's stderr.
      session = await onnxRuntime().InferenceSession.create(bytes, {
        executionProviders: device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
        logSeverityLevel: 4,
      });
    } catch (error) {
      throw new Error(
        `onnx.load: onnxruntime cannot run ${path}${device === 'cuda' ? ' with the CUDA provider' : ''}: ${(error as Error).message.split('\n')[0]}${device === 'cuda' && want === 'auto' ? " (pass { device: 'cpu' } to run it on the CPU)" : ''}`,
        { cause: error },
      );
    }
    return new OnnxSession(file, info, session, device);
  }

  get inputs(): TensorInfo[] {
    return this.info.inputs.filter((i) => !this.info.weights.some((w) => w.name === i.name));
  }

  get outputs(): TensorInfo[] {
    return this.info.outputs;
  }

  /**
   * Runs the model. One input: pass its values (`session.run(rows)`); several: an object by input
   * name. Returns each output by name, nested by its dimensions.
   */
  async run(inputs: Nested | Readonly<Record<string, Nested>>): Promise<Record<string, Nested>> {
    const runtime = onnxRuntime();
    const named = typeof inputs === 'object' && !Array.isArray(inputs) ? inputs : { [this.inputs[0]?.name ?? 'input']: inputs as Nested };
    const expected = this.inputs.map((i) => i.name);
    const unknown = Object.keys(named).filter((n) => !expected.includes(n));
    const missing = expected.filter((n) => !(n in named));
    if (unknown.length || missing.length)
      throw new Error(
        `onnx run: ${[unknown.length ? `no input named ${unknown.join(', ')}` : '', missing.length ? `missing input ${missing.join(', ')}` : ''].filter(Boolean).join('; ')}. The model takes ${this.signature(this.inputs)}.`,
      );
    const feeds: Record<string, InstanceType<Ort['Tensor']>> = {};
    for (const spec of this.inputs) {
      const { shape, values } = flatten(named[spec.name] as Nested, spec.name);
      checkShape(spec, shape);
      if (spec.dtype === 'int64')
        feeds[spec.name] = new runtime.Tensor(
          'int64',
          BigInt64Array.from(values, (v) => BigInt(Math.round(v))),
          shape,
        );
      else if (spec.dtype === 'float32') feeds[spec.name] = new runtime.Tensor('float32', values, shape);
      else throw new Error(`onnx run: input ${spec.name} is ${spec.dtype}; run takes float32 and int64 inputs.`);
    }
    const results = await this.session.run(feeds);
    return Object.fromEntries(
      Object.entries(results).map(([name, tensor]) => [
        name,
        nest(Array.from(tensor.data as ArrayLike<number | bigint>, Number), tensor.dims as number[]),
      ]),
    );
  }

  private signature(list: TensorInfo[]): string {
    return list.map((t) => `${t.name} (${t.dtype} [${t.shape.join(', ')}])`).join(', ');
  }

  [RICH_VIEW](): Rich {
    const rows = [...this.inputs.map((t) => ({ kind: 'input', ...row(t) })), ...this.outputs.map((t) => ({ kind: 'output', ...row(t) }))];
    const opset = Object.entries(this.info.opsets)
      .map(([d, v]) => `${d} ${v}`)
      .join(', ');
    return table(rows, {
      title: `${this.path} · ${this.info.nodes.length} nodes · opset ${opset} · ${this.device === 'cuda' ? 'GPU (CUDA)' : 'CPU'}${this.info.producer ? ` · from ${this.info.producer}` : ''}`,
    });
  }
}

function row(t: TensorInfo) {
  return { name: t.name, dtype: t.dtype, shape: `[${t.shape.join(', ')}]` };
}

function flatten(value: Nested, name: string): { shape: number[]; values: Float32Array } {
  const shape: number[] = [];
  for (let v: Nested = value; Array.isArray(v); v = v[0] as Nested) shape.push(v.length);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let at = 0;
  // The position is spelled out only for an error: building it per value would cost more than the run.
  const walk = (v: Nested, depth: number, path: () => string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`onnx run: input ${name}${path()} is ${show(v)}, not a number.`);
      values[at++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth])
      throw new Error(
        `onnx run: input ${name}${path()} has ${Array.isArray(v) ? v.length : 'no'} values where its first row has ${shape[depth]}: every row must be the same length.`,
      );
    if (depth === shape.length - 1) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (typeof x !== 'number' || Number.isNaN(x))
          throw new Error(`onnx run: input ${name}${path()}[${i}] is ${show(x)}, not a number.`);
        values[at++] = x;
      }
      return;
    }
    for (let i = 0; i < v.length; i++) walk(v[i] as Nested, depth + 1, () => `${path()}[${i}]`);
  };
  walk(value, 0, () => '');
  return { shape, values };
}

/** A bad value as the user would write it: NaN stays NaN (JSON would say null). */
function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

function checkShape(spec: TensorInfo, shape: number[]): void {
  const fits = shape.length === spec.shape.length && spec.shape.every((d, i) => typeof d !== 'number' || d === shape[i]);
  if (!fits)
    throw new Error(
      `onnx run: input ${spec.name} has shape [${shape.join(', ')}]; the model expects [${spec.shape.join(', ')}] (names are sizes you choose, such as the batch).${shape.length === spec.shape.length - 1 ? ' One row? Wrap it in a list: [row].' : ''}`,
    );
}

function nest(values: number[], dims: number[]): Nested {
  if (dims.length <= 1) return dims.length ? values : (values[0] as number);
  const [first, ...rest] = dims;
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first as number }, (_, i) => nest(values.slice(i * size, (i + 1) * size), rest));
}
