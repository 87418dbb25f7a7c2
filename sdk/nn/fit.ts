// nn.fit: model.fit with what a learner needs around it: a live chart of every metric that
// updates in place, early stopping that restores the best weights, a learning-rate schedule,
// seeded shuffling and dropout, and Interrupt that stops at the next batch and keeps the weights
// learned so far. Arrays are accepted as well as tensors, and tensors made here are released.
import { inspect } from 'node:util';
import { Progress } from '../display/progress';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { seeded } from '../ml/random';
import { onInterrupt, selfStoppingWork } from '../runtime';
import { track } from '../track';
import { autologParams } from '../track/autolog';
import { backend } from './backend';
import { currentSeed } from './layers';
import { tf, type LayersModel, type Logs, type Tensor } from './tf';

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
  callbacks?: { onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>; onBatchEnd?(batch: number, logs: Logs): void | Promise<void> };
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
    const last = Object.fromEntries(Object.entries(this.history).map(([name, values]) => [name, values[(this.bestEpoch ?? values.length) - 1]]));
    const ended = this.stopped === 'early stopping' ? `early stopping, weights of epoch ${this.bestEpoch}` : (this.stopped ?? 'all epochs');
    return table([{ epochs: this.epochs, ...last, ended, seconds: Number(this.seconds.toFixed(2)) }], { title: 'Training run' });
  }

  [inspect.custom](): string {
    return this[RICH_VIEW]().data['text/plain'];
  }
}

export async function fit(model: LayersModel, x: Inputs, y: Inputs, options: FitOptions = {}): Promise<FitResult> {
  await backend();
  const t = tf();
  if (!model.optimizer) throw new Error('nn.fit: compile the model first: model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] }).');
  const epochs = options.epochs ?? 10;
  const owned: Tensor[] = [];
  const tensor = (value: Inputs, what: string) => {
    if (value instanceof t.Tensor) return value;
    if (!Array.isArray(value) || !value.length) throw new TypeError(`nn.fit: ${what} must be a tensor or a non-empty array.`);
    const made = t.tensor(value as number[]);
    owned.push(made);
    return made;
  };
  const xs = tensor(x, 'x');
  const ys = tensor(y, 'y');
  if (xs.shape[0] !== ys.shape[0]) throw new RangeError(`nn.fit: x has ${xs.shape[0]} rows and y ${ys.shape[0]}; give one label per row.`);
  const validationData = options.validationData ? ([tensor(options.validationData[0], 'validationData x'), tensor(options.validationData[1], 'validationData y')] as [Tensor, Tensor]) : undefined;
  const validated = Boolean(validationData || options.validationSplit);
  const monitor = options.earlyStopping?.monitor ?? (validated ? 'val_loss' : 'loss');
  const patience = options.earlyStopping?.patience ?? 3;
  const minDelta = options.earlyStopping?.minDelta ?? 0;

  const progress = options.title === false ? undefined : new Progress({ title: options.title ?? 'Training', total: epochs, unit: 'epoch' });
  const history: Record<string, number[]> = {};
  let stopped: FitResult['stopped'];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestWeights: Tensor[] | undefined;
  let sinceBest = 0;
  const batches = Math.ceil((xs.shape[0] * (1 - (options.validationSplit ?? 0))) / (options.batchSize ?? 32));
  let epoch = 0;
  onInterrupt(() => {
    stopped = 'interrupted';
    model.stopTraining = true;
  });

  // tfjs shuffles and draws dropout masks with Math.random: seeded for the length of the fit.
  const random = Math.random;
  Math.random = seeded(options.seed ?? currentSeed());
  // Autolog: inside a tracked run, the run gets the training's settings and every epoch's metrics.
  const tracked = track.activeRun();
  if (tracked) {
    const optimizer = model.optimizer as unknown as { getClassName?(): string; learningRate?: number };
    autologParams(tracked, { epochs, batch_size: options.batchSize ?? 32, optimizer: optimizer.getClassName?.() ?? 'unknown', learning_rate: optimizer.learningRate ?? 'unknown', ...(options.validationSplit ? { validation_split: options.validationSplit } : {}), seed: options.seed ?? currentSeed() });
  }
  const started = performance.now();
  try {
    // Training stops itself at the next batch on interrupt; its timers must keep running until then.
    await selfStoppingWork(() => model.fit(xs, ys, {
      epochs,
      batchSize: options.batchSize ?? 32,
      validationSplit: options.validationSplit,
      validationData,
      shuffle: true,
      verbose: options.verbose ?? 0,
      callbacks: {
        onEpochBegin: async (e) => {
          epoch = e;
          const optimizer = model.optimizer as unknown as { learningRate?: number };
          if (options.learningRate && typeof optimizer.learningRate === 'number') optimizer.learningRate = options.learningRate(e, optimizer.learningRate);
        },
        onBatchEnd: async (batch, logs?: Logs) => {
          if (logs?.loss !== undefined) progress?.log({ 'batch loss': logs.loss }, epoch + (batch + 1) / batches);
          await options.callbacks?.onBatchEnd?.(batch, logs ?? {});
        },
        onEpochEnd: async (e, logs?: Logs) => {
          const values: Record<string, number> = { ...(logs ?? {}) };
          const rate = (model.optimizer as unknown as { learningRate?: number }).learningRate;
          if (options.learningRate && typeof rate === 'number') values.lr = rate;
          for (const [name, value] of Object.entries(values)) (history[name] ??= []).push(value);
          progress?.log(Object.fromEntries(Object.entries(values).filter(([k]) => k !== 'lr')), e + 1);
          tracked?.logMetrics(values, e);
          await options.callbacks?.onEpochEnd?.(e, values);
          if (!options.earlyStopping) return;
          const current = values[monitor];
          if (current === undefined) throw new Error(`nn.fit: early stopping watches "${monitor}", which training does not report (it reports ${Object.keys(values).join(', ')}).`);
          const better = monitor.endsWith('acc') || monitor.endsWith('accuracy') ? -current : current;
          if (better < best - minDelta) {
            best = better;
            bestEpoch = e + 1;
            sinceBest = 0;
            bestWeights?.forEach((w) => w.dispose());
            bestWeights = model.getWeights().map((w) => w.clone());
          } else if (++sinceBest >= patience) {
            stopped = 'early stopping';
            model.stopTraining = true;
          }
        },
      },
    }));
  } finally {
    Math.random = random;
    owned.forEach((tensor) => tensor.dispose());
  }
  if (bestWeights) {
    if (stopped === 'early stopping') model.setWeights(bestWeights);
    bestWeights.forEach((w) => w.dispose());
  }
  if (stopped) progress?.stop();
  else progress?.done();
  const finished = history.loss?.length ?? 0;
  return new FitResult(history, finished, (performance.now() - started) / 1000, stopped, stopped === 'early stopping' ? bestEpoch : undefined);
}
