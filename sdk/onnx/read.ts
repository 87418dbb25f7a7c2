// What an .onnx file says about itself, read from its protobuf without running it: the versions,
// metadata, typed inputs and outputs, operators and weights. Any file, not only ours: a truncated
// or foreign file gets an error that says so, never a crash.
import type { ModelHeader, TensorSignature } from '../../contracts/mime';
import { ProtoError, readMessage, type ProtoValue } from './protobuf';

/** An input or output: its name, element type and shape. */
export type TensorInfo = TensorSignature;

export interface WeightInfo {
  name: string;
  dtype: string;
  dims: number[];
  /** Number of values. */
  size: number;
  /** The values (as stored: int8 and uint8 tensors as their integers), for float32, int8 and uint8 tensors; absent otherwise. */
  values?: Float32Array;
}

export interface ModelInfo extends ModelHeader {
  nodes: Array<{ op: string; name: string; inputs: string[]; outputs: string[]; attributes: Record<string, number> }>;
  weights: WeightInfo[];
}

const DTYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

export class OnnxFormatError extends Error {}

export function readModel(bytes: Uint8Array, file: string): ModelInfo {
  try {
    const model = readMessage(bytes, file);
    const graphBytes = model.get(7)?.[0];
    if (!(graphBytes instanceof Uint8Array) || !model.has(1)) throw new ProtoError('it has no graph or no IR version');
    const graph = readMessage(graphBytes, `${file}: graph`);
    const opsets = Object.fromEntries(
      list(model, 8).map((b) => {
        const o = readMessage(b as Uint8Array);
        return [text(o, 1) || 'ai.onnx', num(o, 2)];
      }),
    );
    return {
      irVersion: num(model, 1),
      opsets,
      producer: [text(model, 2), text(model, 3)].filter(Boolean).join(' '),
      metadata: Object.fromEntries(
        list(model, 14).map((b) => {
          const kv = readMessage(b as Uint8Array);
          return [text(kv, 1), text(kv, 2)];
        }),
      ),
      inputs: list(graph, 11).map((b) => readValueInfo(b as Uint8Array)),
      outputs: list(graph, 12).map((b) => readValueInfo(b as Uint8Array)),
      nodes: list(graph, 1).map((b) => {
        const n = readMessage(b as Uint8Array);
        return { op: text(n, 4), name: text(n, 3), inputs: texts(n, 1), outputs: texts(n, 2), attributes: intAttributes(n) };
      }),
      weights: list(graph, 5).map((b) => readWeight(b as Uint8Array)),
    };
  } catch (error) {
    if (!(error instanceof ProtoError)) throw error;
    throw new OnnxFormatError(
      `${file} is not a readable ONNX model: ${error.message}. Export it again (onnx.export), or check that the whole file was copied.`,
    );
  }
}

/** A graph input or output (ValueInfoProto): name, element type, shape. */
export function readValueInfo(bytes: Uint8Array): TensorInfo {
  const info = readMessage(bytes);
  const type = info.get(2)?.[0];
  const tensor = type instanceof Uint8Array ? readMessage(type).get(1)?.[0] : undefined;
  const fields = tensor instanceof Uint8Array ? readMessage(tensor) : new Map<number, ProtoValue[]>();
  const shape = fields.get(2)?.[0];
  const dims =
    shape instanceof Uint8Array
      ? list(readMessage(shape), 1).map((d) => {
          const dim = readMessage(d as Uint8Array);
          return dim.has(1) ? num(dim, 1) : text(dim, 2) || '?';
        })
      : [];
  return { name: text(info, 1), dtype: DTYPES[num(fields, 1)] ?? 'unknown', shape: dims };
}

/** One initializer (TensorProto): name, type, dims and, for float32, its values. */
export function readWeight(bytes: Uint8Array): WeightInfo {
  const t = readMessage(bytes);
  const dims = ints(list(t, 1));
  const dtype = DTYPES[num(t, 2)] ?? 'unknown';
  const size = dims.reduce((a, b) => a * b, 1);
  const raw = t.get(9)?.[0];
  let values: Float32Array | undefined;
  if (dtype === 'float32' && raw instanceof Uint8Array && raw.length === size * 4)
    values = new Float32Array(Uint8Array.from(raw).buffer); // a copy: a Buffer's slice shares its pool
  else if (dtype === 'float32' && t.has(4)) values = floats(t.get(4) as ProtoValue[]);
  else if (dtype === 'int8' && raw instanceof Uint8Array && raw.length === size)
    values = Float32Array.from(new Int8Array(Uint8Array.from(raw).buffer));
  else if (dtype === 'uint8' && raw instanceof Uint8Array && raw.length === size) values = Float32Array.from(raw);
  return { name: text(t, 8), dtype, dims, size, ...(values ? { values } : {}) };
}

/** float_data: packed (one length-delimited field) or one fixed32 per value. */
function floats(values: ProtoValue[]): Float32Array {
  const out: number[] = [];
  for (const v of values) {
    if (typeof v === 'number') out.push(v);
    else if (v instanceof Uint8Array) {
      const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
      for (let i = 0; i + 4 <= v.length; i += 4) out.push(view.getFloat32(i, true));
    }
  }
  return Float32Array.from(out);
}

/** Repeated integers: one varint each, or packed into one length-delimited field. */
function ints(values: ProtoValue[]): number[] {
  return values.flatMap((v) => {
    if (typeof v === 'bigint') return [Number(BigInt.asIntN(64, v))];
    if (!(v instanceof Uint8Array)) return [];
    const out: number[] = [];
    let value = 0n;
    let shift = 0n;
    for (const byte of v) {
      value |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (!(byte & 0x80)) {
        out.push(Number(BigInt.asIntN(64, value)));
        value = 0n;
        shift = 0n;
      }
    }
    return out;
  });
}

function list(fields: Map<number, ProtoValue[]>, field: number): ProtoValue[] {
  return fields.get(field) ?? [];
}

/** A node's integer attributes (AttributeProto: name 1, i 3, type 20 = INT), such as Gather's axis. */
function intAttributes(node: Map<number, ProtoValue[]>): Record<string, number> {
  const INT = 2;
  const found: Record<string, number> = {};
  for (const bytes of list(node, 5)) {
    const attribute = readMessage(bytes as Uint8Array);
    if (num(attribute, 20) === INT) found[text(attribute, 1)] = num(attribute, 3);
  }
  return found;
}

function num(fields: Map<number, ProtoValue[]>, field: number): number {
  const v = fields.get(field)?.[0];
  return typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : typeof v === 'number' ? v : 0;
}

function text(fields: Map<number, ProtoValue[]>, field: number): string {
  const v = fields.get(field)?.[0];
  return v instanceof Uint8Array ? new TextDecoder().decode(v) : '';
}

function texts(fields: Map<number, ProtoValue[]>, field: number): string[] {
  return list(fields, field).map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : ''));
}
