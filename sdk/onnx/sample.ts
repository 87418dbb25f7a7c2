// Inputs a model can take, to check a rewritten model against the original: 16 seeded rows of
// each input's shape; token ids below the vocabulary where an input is cast and fed to Gather.
import { seeded } from '../ml/random';
import { readValueInfo } from './read';
import type { EditableModel } from './rewrite';
import type { Nested } from './session';

export function sampleInputs(model: EditableModel): Nested[] {
  const random = seeded(7);
  const inputs = readInputs(model);
  const input = inputs[0];
  if (!input) throw new Error('onnx: the model has no input to sample; pass { sample }.');
  const cast = model.nodes.find((n) => n.op === 'Cast' && n.inputs[0] === input.name);
  const gather = model.nodes.find((n) => n.op === 'Gather' && n.inputs[1] === (cast?.outputs[0] ?? input.name));
  const vocabulary = gather ? (model.weights.get(gather.inputs[0] ?? '')?.dims[0] ?? 0) : 0;
  const value = () => (vocabulary ? Math.floor(random() * vocabulary) : random() * 4 - 2);
  const make = (shape: number[]): Nested =>
    shape.length ? Array.from({ length: shape[0] as number }, () => make(shape.slice(1))) : value();
  return Array.from({ length: 16 }, () => make(input.shape.slice(1).map((d) => (typeof d === 'number' && d > 0 ? d : 8))));
}

function readInputs(model: EditableModel) {
  return model.graphFields
    .filter((f) => f.field === 11)
    .map((f) => readValueInfo(f.value as Uint8Array))
    .filter((i) => !model.weights.has(i.name));
}
