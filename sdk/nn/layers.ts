// nn.layers: TensorFlow.js's layers with seeded initial weights, so a model built after
// nn.seed(42) starts from the same weights on every run and machine. A layer given its own
// initializer keeps it.
import { tf, type TF } from './tf';

type Layers = TF['layers'];

/** The initializers each kind of layer draws its weights from, with TensorFlow.js's defaults. */
const SEEDED: Record<string, (t: TF, seed: number) => Record<string, unknown>> = {
  dense: (t, seed) => ({ kernelInitializer: t.initializers.glorotUniform({ seed }) }),
  conv1d: (t, seed) => ({ kernelInitializer: t.initializers.glorotUniform({ seed }) }),
  conv2d: (t, seed) => ({ kernelInitializer: t.initializers.glorotUniform({ seed }) }),
  embedding: (t, seed) => ({ embeddingsInitializer: t.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }) }),
  simpleRNN: (t, seed) => recurrent(t, seed),
  gru: (t, seed) => recurrent(t, seed),
  lstm: (t, seed) => recurrent(t, seed),
};

function recurrent(t: TF, seed: number) {
  return { kernelInitializer: t.initializers.glorotUniform({ seed }), recurrentInitializer: t.initializers.orthogonal({ seed: seed + 1 }) };
}

let base = 0;
let drawn = 0;

/** Starts the sequence of initial-weight seeds (and fit's shuffling default) over from `seed`. */
export function seed(value: number): void {
  if (!Number.isInteger(value)) throw new TypeError(`nn.seed() takes a whole number; got ${value}.`);
  base = value;
  drawn = 0;
}

export function currentSeed(): number {
  return base;
}

function nextSeed(): number {
  return base * 1000 + 2 * drawn++;
}

/** tf.layers with seeded initializers; bidirectional wraps a seeded recurrent layer. */
export const layers: Layers = new Proxy({} as Layers, {
  get(_, name: string) {
    // The backend is not chosen here: switching it while a cell builds layers fails the tensors
    // made in between ("backend not yet initialized"). Weights start on the CPU backend and move
    // when nn.fit (or nn.backend()) has chosen a faster one.
    const t = tf();
    const factory = (t.layers as unknown as Record<string, unknown>)[name];
    const seeded = SEEDED[name];
    if (typeof factory !== 'function' || !seeded) return factory;
    return (config: Record<string, unknown> = {}) => {
      const defaults = seeded(t, nextSeed());
      const given = Object.fromEntries(
        Object.keys(defaults)
          .filter((k) => config[k] !== undefined)
          .map((k) => [k, config[k]]),
      );
      return (factory as (c: unknown) => unknown)({ ...config, ...defaults, ...given });
    };
  },
});
