// Classification metrics with scikit-learn's definitions: accuracy, the confusion matrix,
// precision / recall / F1 per class and averaged (macro, micro, weighted, binary), the
// classification report and log loss. Undefined ratios (no predictions of a class) are 0, as
// scikit-learn's zero_division default gives them.
import { confusion, metrics as metricsCard } from '../display/metrics';
import { RICH_VIEW, type Rich } from '../display/rich';
import { checkPair, sortedLabels, type Label } from './labels';

export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

export function accuracy(yTrue: readonly Label[], yPred: readonly Label[]): number {
  checkPair('accuracy', yTrue, yPred);
  sortedLabels(yTrue, yPred);
  let right = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) right++;
  return right / yTrue.length;
}

export class ConfusionMatrix {
  constructor(
    readonly labels: Label[],
    /** matrix[actual][predicted] */
    readonly matrix: number[][],
  ) {}

  [RICH_VIEW](): Rich {
    return confusion(this.matrix, this.labels.map(String));
  }
}

export function confusionMatrix(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: { labels?: readonly Label[] } = {},
): ConfusionMatrix {
  checkPair('confusionMatrix', yTrue, yPred);
  const labels = options.labels ? [...options.labels] : sortedLabels(yTrue, yPred);
  const index = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const a = index.get(yTrue[i] as Label);
    const p = index.get(yPred[i] as Label);
    if (a !== undefined && p !== undefined) (matrix[a] as number[])[p]! += 1;
  }
  return new ConfusionMatrix(labels, matrix);
}

export interface PerClass {
  labels: Label[];
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
}

export interface Averaged {
  precision: number;
  recall: number;
  f1: number;
}

/** Per class when `average` is left out; one averaged triple otherwise. */
export function precisionRecallF1(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: { labels?: readonly Label[]; average: Average; posLabel?: Label },
): Averaged;
export function precisionRecallF1(yTrue: readonly Label[], yPred: readonly Label[], options?: { labels?: readonly Label[] }): PerClass;
export function precisionRecallF1(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: { labels?: readonly Label[]; average?: Average; posLabel?: Label } = {},
): PerClass | Averaged {
  checkPair('precisionRecallF1', yTrue, yPred);
  const { labels, matrix } = confusionMatrix(yTrue, yPred, options.labels ? { labels: options.labels } : {});
  const tp = labels.map((_, i) => matrix[i]![i]!);
  const predicted = labels.map((_, j) => matrix.reduce((s, row) => s + row[j]!, 0));
  const support = labels.map((_, i) => matrix[i]!.reduce((s, v) => s + v, 0));
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const f = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
  const precision = tp.map((t, i) => ratio(t, predicted[i]!));
  const recall = tp.map((t, i) => ratio(t, support[i]!));
  const f1 = precision.map((p, i) => f(p, recall[i]!));
  switch (options.average) {
    case undefined:
      return { labels, precision, recall, f1, support };
    case 'micro': {
      const t = sum(tp);
      const p = ratio(t, sum(predicted));
      const r = ratio(t, sum(support));
      return { precision: p, recall: r, f1: f(p, r) };
    }
    case 'macro':
      return { precision: mean(precision), recall: mean(recall), f1: mean(f1) };
    case 'weighted': {
      const total = sum(support);
      const weigh = (xs: number[]) =>
        ratio(
          xs.reduce((s, x, i) => s + x * support[i]!, 0),
          total,
        );
      return { precision: weigh(precision), recall: weigh(recall), f1: weigh(f1) };
    }
    case 'binary': {
      const present = sortedLabels(yTrue, yPred);
      if (present.length > 2)
        throw new RangeError(
          `metrics: average 'binary' is for two classes and there are ${present.length}; use average: 'macro', 'micro' or 'weighted'.`,
        );
      const pos = options.posLabel ?? 1;
      const i = labels.indexOf(pos);
      if (i < 0)
        throw new RangeError(
          `metrics: posLabel ${JSON.stringify(pos)} is not one of the labels (${labels.map((l) => JSON.stringify(l)).join(', ')}); pass { posLabel } with the positive class.`,
        );
      return { precision: precision[i]!, recall: recall[i]!, f1: f1[i]! };
    }
    default:
      throw new RangeError(`metrics: average must be 'binary', 'micro', 'macro' or 'weighted', not ${JSON.stringify(options.average)}.`);
  }
}

type ScoreOptions = { average?: Average; posLabel?: Label; labels?: readonly Label[] };

/** scikit-learn's precision_score: average 'binary' (positive class 1) unless told otherwise. */
export function precision(yTrue: readonly Label[], yPred: readonly Label[], options: ScoreOptions = {}): number {
  return precisionRecallF1(yTrue, yPred, { ...options, average: options.average ?? 'binary' }).precision;
}

export function recall(yTrue: readonly Label[], yPred: readonly Label[], options: ScoreOptions = {}): number {
  return precisionRecallF1(yTrue, yPred, { ...options, average: options.average ?? 'binary' }).recall;
}

export function f1(yTrue: readonly Label[], yPred: readonly Label[], options: ScoreOptions = {}): number {
  return precisionRecallF1(yTrue, yPred, { ...options, average: options.average ?? 'binary' }).f1;
}

export class ClassificationReport {
  constructor(
    readonly classes: PerClass,
    readonly accuracy: number,
    readonly macro: Averaged,
    readonly weighted: Averaged,
  ) {}

  [RICH_VIEW](): Rich {
    const row = (m: Averaged, support: number) => ({ precision: m.precision, recall: m.recall, f1: m.f1, support });
    const perClass: Record<string, Record<string, number>> = {};
    this.classes.labels.forEach((label, i) => {
      perClass[String(label)] = {
        precision: this.classes.precision[i]!,
        recall: this.classes.recall[i]!,
        f1: this.classes.f1[i]!,
        support: this.classes.support[i]!,
      };
    });
    const total = sum(this.classes.support);
    perClass['macro avg'] = row(this.macro, total);
    perClass['weighted avg'] = row(this.weighted, total);
    return metricsCard(
      { accuracy: this.accuracy, 'macro F1': this.macro.f1, 'weighted F1': this.weighted.f1 },
      { title: 'Classification report', perClass },
    );
  }
}

export function classificationReport(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: { labels?: readonly Label[] } = {},
): ClassificationReport {
  const base = options.labels ? { labels: options.labels } : {};
  return new ClassificationReport(
    precisionRecallF1(yTrue, yPred, base),
    accuracy(yTrue, yPred),
    precisionRecallF1(yTrue, yPred, { ...base, average: 'macro' }),
    precisionRecallF1(yTrue, yPred, { ...base, average: 'weighted' }),
  );
}

/**
 * Cross-entropy of predicted probabilities: `probs[i]` holds one probability per class, in
 * `labels` order (sorted classes by default), or, for two classes, the positive class's alone.
 * Probabilities are clipped to [ε, 1 − ε] (ε = 2.2e-16) and each row renormalised, as scikit-learn does.
 */
export function logLoss(
  yTrue: readonly Label[],
  probs: ReadonlyArray<number | readonly number[]>,
  options: { labels?: readonly Label[] } = {},
): number {
  checkPair('logLoss', yTrue, probs, 'probs');
  const labels = options.labels ? [...options.labels] : sortedLabels(yTrue);
  const index = new Map(labels.map((l, i) => [l, i]));
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const given = probs[i] as number | readonly number[];
    const row = typeof given === 'number' ? [1 - given, given] : [...given];
    if (row.length !== Math.max(2, labels.length))
      throw new RangeError(
        `metrics.logLoss(): row ${i} has ${row.length} probabilities for ${labels.length} classes (${labels.join(', ')}); pass one per class, in that order.`,
      );
    const clipped = row.map((p) => Math.min(Math.max(p, Number.EPSILON), 1 - Number.EPSILON));
    const norm = sum(clipped);
    const k = index.get(yTrue[i] as Label);
    if (k === undefined)
      throw new RangeError(`metrics.logLoss(): label ${JSON.stringify(yTrue[i])} is not among labels ${labels.join(', ')}.`);
    total -= Math.log(clipped[k]! / norm);
  }
  return total / yTrue.length;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function mean(xs: readonly number[]): number {
  return xs.length ? sum(xs) / xs.length : 0;
}
