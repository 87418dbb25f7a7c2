// `nn`: neural networks with TensorFlow.js on the best backend this machine has: build with
// nn.layers (seeded), train with nn.fit (live chart, early stopping, Interrupt keeps the weights),
// save and load checkpoints, see which backend runs and how much tensor memory is held.
import { backend } from './backend';
import { load, save } from './checkpoint';
import { fit } from './fit';
import { layers, seed } from './layers';
import { lora, loraMerge } from './lora';
import { tf, type LayersModel, type Tensor, type TF } from './tf';

type SequentialLayers = NonNullable<NonNullable<Parameters<TF['sequential']>[0]>['layers']>;

export const nn = {
  /** The backend training runs on, and why better ones were not taken (shows as a table). */
  backend,
  seed,
  layers,
  /** A model from a list of layers, as tf.sequential / keras.Sequential. */
  sequential: (list: SequentialLayers) => tf().sequential({ layers: list }),
  /** The functional API, as keras.Input and keras.Model: `nn.model({ inputs, outputs })`. */
  input: (config: Parameters<TF['input']>[0]) => tf().input(config),
  model: (args: Parameters<TF['model']>[0]) => tf().model(args),
  fit,
  /** The model's outputs (class probabilities for a softmax) as plain arrays, tensors released. */
  predict: (model: LayersModel, x: ReadonlyArray<ReadonlyArray<number>>): number[][] => {
    const t = tf();
    // arraySync outside tidy: tidy searches what its function returns for tensors, element by element.
    const output = t.tidy(() => model.predict(t.tensor(x as number[][])) as Tensor);
    const values = output.arraySync() as number[][];
    output.dispose();
    return values;
  },
  save,
  load,
  /** Low-rank adapters on Dense layers, everything else frozen: `const tuned = nn.lora(model, { rank: 4 })`. */
  lora,
  /** Folds nn.lora's adapters into a plain model of the original shape, for export. */
  loraMerge,
  /** Tensors and bytes TensorFlow.js holds now: a number that grows run after run means a leak. */
  memory: () => {
    const { numTensors, numBytes } = tf().memory();
    return { tensors: numTensors, bytes: numBytes };
  },
  /** TensorFlow.js itself, for what nn does not wrap (tensors, ops, the functional API). */
  get tf() {
    return tf();
  },
};

export { BackendReport, type BackendName } from './backend';
export { FitResult, type FitOptions } from './fit';
