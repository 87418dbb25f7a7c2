// ONNX's messages (onnx.proto): a graph of nodes over named tensors, its initializers (weights),
// typed inputs and outputs with a symbolic batch dimension, and the model around it.
import { ProtoWriter } from './protobuf';

/** ONNX TensorProto.DataType values used here. */
export const DTYPE = { float32: 1, uint8: 2, int8: 3, int64: 7 } as const;
export type DType = keyof typeof DTYPE;

/** Operator set 13 (ONNX 1.8) and IR version 7: what every runtime of the last years reads. */
export const OPSET = 13;
export const IR_VERSION = 7;
/** ONNX-ML, the classical-model operators (tree ensembles): version 1 is what every runtime reads. */
export const ML_DOMAIN = 'ai.onnx.ml';
const ML_OPSET = 1;

export type Attribute = number | number[] | string | { floats: number[] } | { float: number } | { strings: string[] };

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Readonly<Record<string, Attribute>>;
  /** The operator set it belongs to: the standard one unless given. */
  domain?: typeof ML_DOMAIN;
}

export interface Initializer {
  name: string;
  dims: number[];
  dtype: DType;
  values: Float32Array | BigInt64Array | Int8Array | Uint8Array;
}

/** A dimension: a size, or the name of one that varies (the batch). */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  dtype: DType;
  shape: Dim[];
}

export interface Graph {
  name: string;
  nodes: Node[];
  initializers: Initializer[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export function encodeModel(graph: Graph, metadata: Readonly<Record<string, string>>, producerVersion: string): Uint8Array {
  const model = new ProtoWriter()
    .int(1, IR_VERSION)
    .string(2, 'aielab')
    .string(3, producerVersion)
    .message(7, encodeGraph(graph))
    .message(8, new ProtoWriter().string(1, '').int(2, OPSET));
  if (graph.nodes.some((n) => n.domain === ML_DOMAIN)) model.message(8, new ProtoWriter().string(1, ML_DOMAIN).int(2, ML_OPSET));
  for (const [key, value] of Object.entries(metadata)) model.message(14, new ProtoWriter().string(1, key).string(2, value));
  return model.finish();
}

function encodeGraph(graph: Graph): ProtoWriter {
  const out = new ProtoWriter();
  for (const node of graph.nodes) out.message(1, encodeNode(node));
  out.string(2, graph.name);
  for (const init of graph.initializers) out.message(5, encodeTensor(init));
  for (const input of graph.inputs) out.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) out.message(12, encodeValueInfo(output));
  return out;
}

export function encodeNode(node: Node): ProtoWriter {
  const out = new ProtoWriter();
  for (const input of node.inputs) out.string(1, input);
  for (const output of node.outputs) out.string(2, output);
  out.string(3, node.name).string(4, node.op);
  for (const [name, value] of Object.entries(node.attributes ?? {})) out.message(5, encodeAttribute(name, value));
  if (node.domain) out.string(7, node.domain);
  return out;
}

// AttributeProto: name 1, f 2, i 3, s 4, floats 7, ints 8, strings 9, type 20 (FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7, STRINGS 8).
function encodeAttribute(name: string, value: Attribute): ProtoWriter {
  const out = new ProtoWriter().string(1, name);
  if (typeof value === 'number') return out.int(3, value).int(20, 2);
  if (typeof value === 'string') return out.string(4, value).int(20, 3);
  if (Array.isArray(value)) {
    for (const v of value) out.int(8, v);
    return out.int(20, 7);
  }
  if ('float' in value) return out.float(2, value.float).int(20, 1);
  if ('strings' in value) {
    for (const v of value.strings) out.string(9, v);
    return out.int(20, 8);
  }
  for (const v of value.floats) out.float(7, v);
  return out.int(20, 6);
}

// TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian bytes).
export function encodeTensor(tensor: Initializer): ProtoWriter {
  const out = new ProtoWriter();
  for (const d of tensor.dims) out.int(1, d);
  const raw = new Uint8Array(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength);
  return out.int(2, DTYPE[tensor.dtype]).string(8, tensor.name).bytes(9, raw);
}

// ValueInfoProto: name 1, type 2 → TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1 | dim_param 2.
export function encodeValueInfo(info: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of info.shape)
    shape.message(1, typeof dim === 'number' ? new ProtoWriter().int(1, dim) : new ProtoWriter().string(2, dim));
  const tensorType = new ProtoWriter().int(1, DTYPE[info.dtype]).message(2, shape);
  return new ProtoWriter().string(1, info.name).message(2, new ProtoWriter().message(1, tensorType));
}
