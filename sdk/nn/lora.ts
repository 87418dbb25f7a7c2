// LoRA (low-rank adaptation): fine-tune a trained model by learning, for each chosen Dense layer,
// a low-rank update ΔW = (alpha / rank) · A · B beside its frozen weights W, so only
// rank × (inputs + units) numbers per layer train instead of inputs × units. nn.lora builds the
// adapted model (everything of the original frozen); nn.loraMerge folds the adapters into a
// plain model of the original shape (W + ΔW), ready for onnx.export.
import type { SymbolicTensor } from '@tensorflow/tfjs';
import { tf, type LayersModel, type Tensor } from './tf';

export interface LoraOptions {
  /** Rank of the update (default 4). */
  rank?: number;
  /** Scale: the update is multiplied by alpha / rank (default 2 × rank). */
  alpha?: number;
  /** Names of the Dense layers to adapt (default: every Dense layer). */
  layers?: readonly string[];
  /** Seeds A's initial values (B starts at zero, so the adapted model starts equal to the original). */
  seed?: number;
}

interface Adapter {
  layer: string;
  down: { getWeights(): Tensor[] };
  up: { getWeights(): Tensor[] };
  scale: number;
}

const adapted = new WeakMap<LayersModel, { original: LayersModel; adapters: Adapter[] }>();

export function lora(model: LayersModel, options: LoraOptions = {}): LayersModel {
  const t = tf();
  const rank = options.rank ?? 4;
  const alpha = options.alpha ?? 2 * rank;
  if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`nn.lora: rank is a whole number of at least 1, not ${rank}.`);
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const dense = layers.filter((l) => l.getClassName() === 'Dense');
  const chosen = options.layers ?? dense.map((l) => l.name);
  const unknown = chosen.filter((name) => !dense.some((l) => l.name === name));
  if (unknown.length)
    throw new Error(
      `nn.lora: no Dense layer named ${unknown.join(', ')}; the model's Dense layers are ${dense.map((l) => l.name).join(', ') || 'none'}.`,
    );
  if (model.inputs.length !== 1) throw new Error('nn.lora adapts models with one input.');
  const input = t.input({ shape: (model.inputs[0]?.shape ?? []).slice(1) as number[] });
  let x: SymbolicTensor = input;
  const adapters: Adapter[] = [];
  // TensorFlow.js draws unseeded numbers for a seed of 0: start from 1.
  let seed = (options.seed ?? 0) * 1000 + 1;
  for (const layer of layers) {
    if (!chosen.includes(layer.name)) {
      // A frozen copy: the original model stays as it was, trainable.
      const kind = layer.constructor as unknown as { fromConfig(cls: unknown, config: object): typeof layer };
      const copy = kind.fromConfig(layer.constructor, { ...layer.getConfig(), name: `${layer.name}_frozen`, trainable: false });
      x = copy.apply(x) as SymbolicTensor;
      copy.setWeights(layer.getWeights());
      continue;
    }
    const config = layer.getConfig() as { units: number; useBias?: boolean; activation?: string };
    const [kernel, bias] = layer.getWeights();
    const base = t.layers.dense({
      units: config.units,
      useBias: config.useBias !== false,
      activation: 'linear',
      trainable: false,
      name: `${layer.name}_base`,
      weights: bias ? [kernel as Tensor, bias] : [kernel as Tensor],
    });
    const down = t.layers.dense({
      units: rank,
      useBias: false,
      name: `${layer.name}_lora_a`,
      kernelInitializer: t.initializers.randomNormal({ mean: 0, stddev: 1 / rank, seed: seed++ }),
    });
    const up = t.layers.dense({ units: config.units, useBias: false, name: `${layer.name}_lora_b`, kernelInitializer: 'zeros' });
    const scaled = t.layers
      .rescaling({ scale: alpha / rank, name: `${layer.name}_lora_scale` })
      .apply(up.apply(down.apply(x)) as SymbolicTensor) as SymbolicTensor;
    x = t.layers.add({ name: `${layer.name}_lora_sum` }).apply([base.apply(x) as SymbolicTensor, scaled]) as SymbolicTensor;
    if (config.activation && config.activation !== 'linear')
      x = t.layers.activation({ activation: config.activation as never, name: `${layer.name}_activation` }).apply(x) as SymbolicTensor;
    adapters.push({ layer: layer.name, down, up, scale: alpha / rank });
  }
  const result = t.model({ inputs: input, outputs: x, name: `${model.name}_lora` });
  adapted.set(result, { original: model, adapters });
  return result;
}

/** The original model's shape with each adapted layer's weights W + (alpha / rank) · A · B. */
export async function loraMerge(model: LayersModel): Promise<LayersModel> {
  const t = tf();
  const entry = adapted.get(model);
  if (!entry) throw new Error('nn.loraMerge takes a model made by nn.lora.');
  const merged = await t.models.modelFromJSON({ modelTopology: entry.original.toJSON(null, false) as never });
  for (const [i, layer] of entry.original.layers.entries()) {
    const target = merged.layers[i];
    if (!target) continue;
    const adapter = entry.adapters.find((a) => a.layer === layer.name);
    const weights = layer.getWeights();
    if (!adapter) {
      target.setWeights(weights);
      continue;
    }
    const [a] = adapter.down.getWeights();
    const [b] = adapter.up.getWeights();
    const kernel = t.tidy(() => (weights[0] as Tensor).add(t.matMul(a as never, b as never).mul(adapter.scale)));
    target.setWeights([kernel, ...weights.slice(1)]);
    kernel.dispose();
  }
  return merged;
}
