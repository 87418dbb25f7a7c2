// Editing an existing .onnx file at the protobuf level: its nodes and initializers are listed,
// some replaced or added, and every field we do not touch is written back byte for byte, so
// files from any exporter survive (attributes, value_info, doc strings, other domains).
import { encodeNode, encodeTensor, type Initializer, type Node } from './graph';
import { ProtoError, ProtoWriter, readFields, readMessage, type ProtoField } from './protobuf';
import { OnnxFormatError, type WeightInfo, readWeight } from './read';

export interface RawNode {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  /** The node's integer attributes by name (Cast's "to", …). */
  ints: Record<string, number>;
}

export interface EditableModel {
  modelFields: ProtoField[];
  graphFields: ProtoField[];
  nodes: Array<RawNode & { field: ProtoField }>;
  weights: Map<string, WeightInfo & { field: ProtoField }>;
  opset: number;
}

export function openModel(bytes: Uint8Array, file: string): EditableModel {
  try {
    const modelFields = readFields(bytes, file);
    const graph = modelFields.find((f) => f.field === 7);
    if (!graph) throw new ProtoError('it has no graph');
    const graphFields = readFields(graph.value as Uint8Array, `${file}: graph`);
    const text = (v: unknown) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : '');
    const nodes = graphFields
      .filter((f) => f.field === 1)
      .map((field) => {
        const n = readMessage(field.value as Uint8Array);
        const ints = Object.fromEntries(
          (n.get(5) ?? [])
            .map((a) => readMessage(a as Uint8Array))
            .filter((a) => a.has(3))
            .map((a) => [text(a.get(1)?.[0]), Number(BigInt.asIntN(64, a.get(3)?.[0] as bigint))]),
        );
        return {
          field,
          op: text(n.get(4)?.[0]),
          name: text(n.get(3)?.[0]),
          inputs: (n.get(1) ?? []).map(text),
          outputs: (n.get(2) ?? []).map(text),
          ints,
        };
      });
    const weights = new Map(
      graphFields
        .filter((f) => f.field === 5)
        .map((field) => {
          const w = readWeight(field.value as Uint8Array);
          return [w.name, { ...w, field }];
        }),
    );
    const opset = Math.max(
      0,
      ...modelFields
        .filter((f) => f.field === 8)
        .map((f) => readMessage(f.value as Uint8Array))
        .filter((o) => !o.get(1)?.length || text(o.get(1)?.[0]) === '' || text(o.get(1)?.[0]) === 'ai.onnx')
        .map((o) => Number(o.get(2)?.[0] ?? 0)),
    );
    return { modelFields, graphFields, nodes, weights, opset };
  } catch (error) {
    if (!(error instanceof ProtoError)) throw error;
    throw new OnnxFormatError(
      `${file} is not a readable ONNX model: ${error.message}. Export it again (onnx.export), or check that the whole file was copied.`,
    );
  }
}

export interface Edit {
  /** Nodes to write in place of a node (by output name); an empty list removes it. */
  replace?: Map<RawNode, Node[]>;
  /** Initializers no longer used. */
  drop?: Set<string>;
  add?: Initializer[];
  /** Extra graph outputs: name and ONNX element type. */
  outputs?: Array<{ name: string; elemType: number }>;
  metadata?: Record<string, string>;
}

export function saveModel(model: EditableModel, edit: Edit): Uint8Array {
  const graph = new ProtoWriter();
  for (const f of model.graphFields) {
    if (f.field === 1) {
      const node = model.nodes.find((n) => n.field === f);
      const replacement = node && edit.replace?.get(node);
      if (replacement) for (const r of replacement) graph.message(1, encodeNode(r));
      else graph.field(f);
    } else if (f.field === 5) {
      const name = [...model.weights.values()].find((w) => w.field === f)?.name;
      if (!name || !edit.drop?.has(name)) graph.field(f);
    } else graph.field(f);
  }
  for (const init of edit.add ?? []) graph.message(5, encodeTensor(init));
  for (const output of edit.outputs ?? []) {
    const type = new ProtoWriter().message(1, new ProtoWriter().int(1, output.elemType));
    graph.message(12, new ProtoWriter().string(1, output.name).message(2, type));
  }
  const out = new ProtoWriter();
  for (const f of model.modelFields) {
    if (f.field === 7) out.message(7, graph);
    else if (
      f.field === 14 &&
      edit.metadata &&
      Object.hasOwn(edit.metadata, new TextDecoder().decode(readMessage(f.value as Uint8Array).get(1)?.[0] as Uint8Array))
    )
      continue;
    else out.field(f);
  }
  for (const [key, value] of Object.entries(edit.metadata ?? {})) out.message(14, new ProtoWriter().string(1, key).string(2, value));
  return out.finish();
}
