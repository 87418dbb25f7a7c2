// nn.fit: model.fit with what a learner needs around it: a live chart of every metric that
// updates in place, early stopping that restores the best weights, a learning-rate schedule,
// seeded shuffling and dropout, and Interrupt that stops at the next batch and keeps the weights
// learned so far. Arrays are accepted as well as tensors, and tensors made here are released.
import { inspect } from 'node:util';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { seeded } from '../ml/random';
import { onInterrupt, selfStoppingWork } from '../runtime';
import { backend } from './backend';
import { currentSeed } from './layers';
import { tf, type LayersModel, type Logs, type Tensor, type TF } from './tf';
import { TrainingRun } from './trainingRun';

export type Inputs = Tensor | ReadonlyArray<ReadonlyArray<number>> | ReadonlyArray<number>;

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  /** Share of the rows (the last ones, as in Keras) held out to validate each epoch. */
  validationSplit?: number;
  validationData?: [Inputs, Inputs];
  /** Stop when `monitor` (default val_loss, or loss without validation) has not improved for `patience` epochs; the best weights are restored. */
  earlyStopping?: { monitor?: string; patience?: number; minDelta?: number };
  /** The learning rate for each epoch, from the epoch (0-based) and the current rate. */
  learningRate?: (epoch: number, current: number) => number;
  /** Seeds shuffling and dropout; default the one given to nn.seed(). */
  seed?: number;
  /** Your own callbacks, called after nn.fit's (logs hold loss, acc, val_loss, val_acc). */
  callbacks?: {
    onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
    onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  };
  /** Title of the live chart; `false` trains without one. */
  title?: string | false;
  verbose?: 0 | 1;
}

/** What a training run did: its metrics per epoch, and why it ended. Shows as a one-row table. */
export class FitResult {
  constructor(
    /** One value per finished epoch for each metric (loss, acc, val_loss, val_acc, lr). */
    readonly history: Record<string, number[]>,
    readonly epochs: number,
    readonly seconds: number,
    /** Why training ended before the last epoch, if it did. */
    readonly stopped?: 'early stopping' | 'interrupted',
    /** The epoch (1-based) whose weights the model has after early stopping. */
    readonly bestEpoch?: number,
  ) {}

  [RICH_VIEW](): Rich {
    const last = Object.fromEntries(
      Object.entries(this.history).map(([name, values]) => [name, values[(this.bestEpoch ?? values.length) - 1]]),
    );
    const ended = this.stopped === 'early stopping' ? `early stopping, weights of epoch ${this.bestEpoch}` : (this.stopped ?? 'all epochs');
    return table([{ epochs: this.epochs, ...last, ended, seconds: Number(this.seconds.toFixed(2)) }], { title: 'Training run' });
  }

  [inspect.custom](): string {
    return this[RICH_VIEW]().data['text/plain'];
  }
}

export async function fit(model: LayersModel, x: Inputs, y: Inputs, options: FitOptions = {}): Promise<FitResult> {
  await backend();
  const inputs = new InputTensors(tf());
  if (!model.optimizer)
    throw new Error(
      'nn.fit: compile the model first: model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] }).',
    );
  const xs = inputs.from(x, 'x');
  const ys = inputs.from(y, 'y');
  if (xs.shape[0] !== ys.shape[0]) throw new RangeError(`nn.fit: x has ${xs.shape[0]} rows and y ${ys.shape[0]}; give one label per row.`);
  const validationData = options.validationData
    ? ([inputs.from(options.validationData[0], 'validationData x'), inputs.from(options.validationData[1], 'validationData y')] as [
        Tensor,
        Tensor,
      ])
    : undefined;
  const training = new TrainingRun(model, options, xs.shape[0], Boolean(validationData || options.validationSplit));
  onInterrupt(() => training.stop('interrupted'));

  // tfjs shuffles and draws dropout masks with Math.random: seeded for the length of the fit.
  const random = Math.random;
  Math.random = seeded(options.seed ?? currentSeed());
  training.logParams();
  const started = performance.now();
  try {
    // Training stops itself at the next batch on interrupt; its timers must keep running until then.
    await selfStoppingWork(() =>
      model.fit(xs, ys, {
        epochs: training.epochs,
        batchSize: training.batchSize,
        validationSplit: options.validationSplit,
        validationData,
        shuffle: true,
        verbose: options.verbose ?? 0,
        callbacks: training.callbacks(),
      }),
    );
  } finally {
    Math.random = random;
    inputs.dispose();
  }
  const { history, epochs, stopped, bestEpoch } = training.finish();
  return new FitResult(history, epochs, (performance.now() - started) / 1000, stopped, bestEpoch);
}

/** The tensors nn.fit is given, made from arrays where it is given arrays; those it made, it releases. */
class InputTensors {
  private readonly made: Tensor[] = [];

  constructor(private readonly t: TF) {}

  from(value: Inputs, what: string): Tensor {
    if (value instanceof this.t.Tensor) return value;
    if (!Array.isArray(value) || !value.length) throw new TypeError(`nn.fit: ${what} must be a tensor or a non-empty array.`);
    const made = this.t.tensor(value as number[]);
    this.made.push(made);
    return made;
  }

  dispose(): void {
    this.made.forEach((tensor) => tensor.dispose());
  }
}
