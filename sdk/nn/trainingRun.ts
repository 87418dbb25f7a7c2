// One nn.fit training as tfjs's callbacks see it: the live chart, each epoch's metrics (kept in the
// history, charted, logged to the active tracked run, passed on to the learner's callbacks), the
// learning-rate schedule, early stopping, and why training ended.
import type { CustomCallbackArgs } from '@tensorflow/tfjs';
import { Progress } from '../display/progress';
import { track } from '../track';
import { autologParams } from '../track/autolog';
import { EarlyStopping } from './earlyStopping';
import type { FitOptions, FitResult } from './fit';
import { currentSeed } from './layers';
import type { LayersModel, Logs } from './tf';

/** What the optimizer has that tfjs's type does not show. */
type Optimizer = { getClassName?(): string; learningRate?: number };

export interface TrainingSummary {
  history: Record<string, number[]>;
  /** Epochs finished. */
  epochs: number;
  stopped: FitResult['stopped'];
  /** The epoch (1-based) whose weights the model has, when early stopping ended training. */
  bestEpoch: number | undefined;
}

export class TrainingRun {
  readonly epochs: number;
  readonly batchSize: number;
  private readonly history: Record<string, number[]> = {};
  private readonly progress: Progress | undefined;
  private readonly tracked: ReturnType<typeof track.activeRun>;
  private readonly earlyStopping: EarlyStopping | undefined;
  /** Batches per epoch, to place each batch's loss between epochs on the chart. */
  private readonly batches: number;
  private epoch = 0;
  private stopped: FitResult['stopped'];

  /** `rows`: how many rows x has; `validated`: whether training reports validation metrics. */
  constructor(
    private readonly model: LayersModel,
    private readonly options: FitOptions,
    rows: number,
    validated: boolean,
  ) {
    this.epochs = options.epochs ?? 10;
    this.batchSize = options.batchSize ?? 32;
    this.earlyStopping = options.earlyStopping ? new EarlyStopping(options.earlyStopping, validated) : undefined;
    this.progress =
      options.title === false ? undefined : new Progress({ title: options.title ?? 'Training', total: this.epochs, unit: 'epoch' });
    this.batches = Math.ceil((rows * (1 - (options.validationSplit ?? 0))) / this.batchSize);
    this.tracked = track.activeRun();
  }

  /** Ends training at the next batch; the weights learned so far stay. */
  stop(reason: NonNullable<FitResult['stopped']>): void {
    this.stopped = reason;
    this.model.stopTraining = true;
  }

  /** Autolog: inside a tracked run, the run gets the training's settings (and, later, every epoch's metrics). */
  logParams(): void {
    if (!this.tracked) return;
    const optimizer = this.model.optimizer as unknown as Optimizer;
    autologParams(this.tracked, {
      epochs: this.epochs,
      batch_size: this.batchSize,
      optimizer: optimizer.getClassName?.() ?? 'unknown',
      learning_rate: optimizer.learningRate ?? 'unknown',
      ...(this.options.validationSplit ? { validation_split: this.options.validationSplit } : {}),
      seed: this.options.seed ?? currentSeed(),
    });
  }

  /** The callbacks to hand model.fit. */
  callbacks(): CustomCallbackArgs {
    return {
      onEpochBegin: async (epoch) => this.beginEpoch(epoch),
      onBatchEnd: (batch, logs?: Logs) => this.endBatch(batch, logs),
      onEpochEnd: (epoch, logs?: Logs) => this.endEpoch(epoch, logs),
    };
  }

  /** After model.fit: restores the best weights if early stopping ended training, and closes the chart. */
  finish(): TrainingSummary {
    this.earlyStopping?.finish(this.model, this.stopped === 'early stopping');
    if (this.stopped) this.progress?.stop();
    else this.progress?.done();
    return {
      history: this.history,
      epochs: this.history.loss?.length ?? 0,
      stopped: this.stopped,
      bestEpoch: this.stopped === 'early stopping' ? this.earlyStopping?.bestEpoch : undefined,
    };
  }

  private beginEpoch(epoch: number): void {
    this.epoch = epoch;
    const optimizer = this.model.optimizer as unknown as Optimizer;
    if (this.options.learningRate && typeof optimizer.learningRate === 'number')
      optimizer.learningRate = this.options.learningRate(epoch, optimizer.learningRate);
  }

  private async endBatch(batch: number, logs: Logs | undefined): Promise<void> {
    if (logs?.loss !== undefined) this.progress?.log({ 'batch loss': logs.loss }, this.epoch + (batch + 1) / this.batches);
    await this.options.callbacks?.onBatchEnd?.(batch, logs ?? {});
  }

  private async endEpoch(epoch: number, logs: Logs | undefined): Promise<void> {
    const values: Record<string, number> = { ...(logs ?? {}) };
    const rate = (this.model.optimizer as unknown as Optimizer).learningRate;
    if (this.options.learningRate && typeof rate === 'number') values.lr = rate;
    for (const [name, value] of Object.entries(values)) (this.history[name] ??= []).push(value);
    this.progress?.log(Object.fromEntries(Object.entries(values).filter(([k]) => k !== 'lr')), epoch + 1);
    this.tracked?.logMetrics(values, epoch);
    await this.options.callbacks?.onEpochEnd?.(epoch, values);
    if (this.earlyStopping?.shouldStop(epoch, values, this.model)) this.stop('early stopping');
  }
}
