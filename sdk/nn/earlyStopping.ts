// nn.fit's early stopping: watches one metric epoch by epoch, keeps a copy of the weights of the best
// epoch so far, and says when `patience` epochs have gone by without improvement.
import type { FitOptions } from './fit';
import type { LayersModel, Tensor } from './tf';

export class EarlyStopping {
  private readonly monitor: string;
  private readonly patience: number;
  private readonly minDelta: number;
  private best = Number.POSITIVE_INFINITY;
  private bestWeights: Tensor[] | undefined;
  private sinceBest = 0;
  /** The epoch (1-based) whose weights are kept. */
  bestEpoch = 0;

  /** `validated`: training reports val_loss, the default metric to watch; loss otherwise. */
  constructor(options: NonNullable<FitOptions['earlyStopping']>, validated: boolean) {
    this.monitor = options.monitor ?? (validated ? 'val_loss' : 'loss');
    this.patience = options.patience ?? 3;
    this.minDelta = options.minDelta ?? 0;
  }

  /** Takes an epoch's metrics (0-based epoch); true when training should stop. */
  shouldStop(epoch: number, values: Readonly<Record<string, number>>, model: LayersModel): boolean {
    const current = values[this.monitor];
    if (current === undefined)
      throw new Error(
        `nn.fit: early stopping watches "${this.monitor}", which training does not report (it reports ${Object.keys(values).join(', ')}).`,
      );
    // Accuracy improves upwards, losses downwards: compare both as "lower is better".
    const better = this.monitor.endsWith('acc') || this.monitor.endsWith('accuracy') ? -current : current;
    if (better < this.best - this.minDelta) {
      this.best = better;
      this.bestEpoch = epoch + 1;
      this.sinceBest = 0;
      this.bestWeights?.forEach((w) => w.dispose());
      this.bestWeights = model.getWeights().map((w) => w.clone());
      return false;
    }
    return ++this.sinceBest >= this.patience;
  }

  /** After training: a model that stopped early gets the best epoch's weights back; the copy is released either way. */
  finish(model: LayersModel, stoppedEarly: boolean): void {
    if (!this.bestWeights) return;
    if (stoppedEarly) model.setWeights(this.bestWeights);
    this.bestWeights.forEach((w) => w.dispose());
  }
}
