// A model run with some of its intermediate tensors added to its outputs: what onnx.trace compares
// and what onnx.quantize calibrates activation ranges on.
import { readValueInfo } from './read';
import { saveModel, type EditableModel } from './rewrite';
import { onnxRuntime, type Nested } from './session';

/** Runs the model with these intermediate tensors added as float32 outputs. */
export async function runExposed(
  model: EditableModel,
  tensors: readonly string[],
  inputs: Nested | Readonly<Record<string, Nested>>,
  where = 'onnx.trace',
): Promise<Record<string, Float32Array>> {
  const named = (field: number) =>
    new Set(model.graphFields.filter((f) => f.field === field).map((f) => readValueInfo(f.value as Uint8Array).name));
  const [graphInputs, existing] = [named(11), named(12)];
  const bytes = saveModel(model, {
    outputs: tensors.filter((t) => !existing.has(t) && !graphInputs.has(t)).map((name) => ({ name, elemType: 1 })),
  });
  const ort = onnxRuntime();
  const session = await ort.InferenceSession.create(bytes);
  const names = session.inputNames;
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  const given = typeof inputs === 'object' && !Array.isArray(inputs) ? inputs : { [names[0] as string]: inputs as Nested };
  for (const name of names) {
    const value = given[name];
    if (value === undefined) throw new Error(`${where}: no values for input ${name}.`);
    const shape: number[] = [];
    for (let v: Nested = value; Array.isArray(v); v = v[0] as Nested) shape.push(v.length);
    const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
    feeds[name] = new ort.Tensor('float32', Float32Array.from(flat(value)), shape);
  }
  // A graph input asked for (the first layer's input) is what was fed.
  const fed = tensors.filter((t) => t in feeds);
  const results = await session.run(
    feeds,
    tensors.filter((t) => !(t in feeds)),
  );
  return Object.fromEntries([
    ...fed.map((name) => [name, feeds[name]!.data as Float32Array] as const),
    ...Object.entries(results).map(([name, t]) => [name, t.data as Float32Array] as const),
  ]);
}
