// Ranking metrics of a score per row, as scikit-learn computes them: ROC curve and AUC (binary,
// and one-vs-rest over classes), precision-recall curve and average precision, calibration curve.
// Curves show as line charts.
import { chart } from '../display/chart';
import { RICH_VIEW, type Rich } from '../display/rich';
import { binaryTargets, checkPair, checkScores, sortedLabels, type Label } from './labels';

export class Curve {
  constructor(
    readonly kind: 'roc' | 'precision-recall' | 'calibration',
    /** fpr (ROC), recall (PR), mean predicted probability (calibration). */
    readonly x: number[],
    /** tpr (ROC), precision (PR), fraction of positives (calibration). */
    readonly y: number[],
    readonly thresholds: number[],
    /** Area under the ROC curve, or average precision. */
    readonly area?: number,
  ) {}

  [RICH_VIEW](): Rich {
    const area = this.area === undefined ? '' : ` (${this.kind === 'roc' ? 'AUC' : 'AP'} ${this.area.toFixed(3)})`;
    const [title, xLabel, yLabel] = {
      roc: ['ROC curve', 'false positive rate', 'true positive rate'],
      'precision-recall': ['Precision-recall curve', 'recall', 'precision'],
      calibration: ['Calibration curve', 'mean predicted probability', 'fraction of positives'],
    }[this.kind];
    const series: Record<string, number[]> = { [`${this.kind === 'calibration' ? 'model' : this.kind}${area}`]: this.y };
    // The diagonal is what a calibrated model (or, for ROC, a coin) would draw.
    if (this.kind !== 'precision-recall') series[this.kind === 'roc' ? 'chance' : 'perfectly calibrated'] = this.x;
    return chart.line(series, { x: this.x, title, xLabel, yLabel });
  }
}

interface Counts {
  fps: number[];
  tps: number[];
  thresholds: number[];
}

/** True and false positives at each distinct score, highest first (scikit-learn's _binary_clf_curve). */
function binaryCounts(name: string, yTrue: readonly Label[], scores: readonly number[], posLabel: Label | undefined): Counts {
  checkPair(name, yTrue, scores, 'scores');
  checkScores(name, scores);
  const y = binaryTargets(name, yTrue, posLabel);
  // numpy: a stable ascending sort, reversed.
  const order = scores
    .map((_, i) => i)
    .sort((a, b) => scores[a]! - scores[b]! || a - b)
    .reverse();
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let k = 0; k < order.length; k++) {
    tp += y[order[k]!]!;
    const last = k === order.length - 1 || scores[order[k]!] !== scores[order[k + 1]!];
    if (!last) continue;
    tps.push(tp);
    fps.push(k + 1 - tp);
    thresholds.push(scores[order[k]!]!);
  }
  return { fps, tps, thresholds };
}

export function rocCurve(yTrue: readonly Label[], scores: readonly number[], options: { posLabel?: Label } = {}): Curve {
  let { fps, tps, thresholds } = binaryCounts('rocCurve', yTrue, scores, options.posLabel);
  // Points on a straight segment add nothing to the curve or its area (drop_intermediate).
  if (fps.length > 2) {
    const keep = fps.map(
      (_, i) =>
        i === 0 || i === fps.length - 1 || fps[i - 1]! - 2 * fps[i]! + fps[i + 1]! !== 0 || tps[i - 1]! - 2 * tps[i]! + tps[i + 1]! !== 0,
    );
    fps = fps.filter((_, i) => keep[i]);
    tps = tps.filter((_, i) => keep[i]);
    thresholds = thresholds.filter((_, i) => keep[i]);
  }
  const P = tps[tps.length - 1]!;
  const N = fps[fps.length - 1]!;
  if (P === 0 || N === 0)
    throw new RangeError(`metrics.rocCurve(): yTrue has only ${P === 0 ? 'negative' : 'positive'} rows; a ROC curve needs both classes.`);
  const fpr = [0, ...fps.map((f) => f / N)];
  const tpr = [0, ...tps.map((t) => t / P)];
  return new Curve('roc', fpr, tpr, [Infinity, ...thresholds], trapezoid(fpr, tpr));
}

/**
 * Area under the ROC curve. `scores` is one score per row (two classes), or one row of scores per
 * class in sorted-label order (several classes, one-vs-rest, averaged by `average`).
 */
export function rocAuc(
  yTrue: readonly Label[],
  scores: ReadonlyArray<number | readonly number[]>,
  options: { posLabel?: Label; average?: 'macro' | 'weighted'; labels?: readonly Label[] } = {},
): number {
  checkPair('rocAuc', yTrue, scores, 'scores');
  if (scores.every((s) => typeof s === 'number')) return rocCurve(yTrue, scores as number[], options).area as number;
  const labels = options.labels ? [...options.labels] : sortedLabels(yTrue);
  const rows = scores as ReadonlyArray<readonly number[]>;
  const bad = rows.findIndex((r) => !Array.isArray(r) || r.length !== labels.length);
  if (bad >= 0)
    throw new RangeError(
      `metrics.rocAuc(): row ${bad} of scores should hold ${labels.length} scores, one per class (${labels.join(', ')}).`,
    );
  const aucs = labels.map(
    (label, k) =>
      rocCurve(
        yTrue.map((y) => y === label),
        rows.map((r) => r[k]!),
      ).area as number,
  );
  if (options.average === 'weighted') {
    const counts = labels.map((label) => yTrue.filter((y) => y === label).length);
    return aucs.reduce((s, a, k) => s + a * counts[k]!, 0) / yTrue.length;
  }
  return aucs.reduce((s, a) => s + a, 0) / aucs.length;
}

export function precisionRecallCurve(yTrue: readonly Label[], scores: readonly number[], options: { posLabel?: Label } = {}): Curve {
  const { fps, tps, thresholds } = binaryCounts('precisionRecallCurve', yTrue, scores, options.posLabel);
  const P = tps[tps.length - 1]!;
  const precision = tps.map((t, i) => (t + fps[i]! === 0 ? 0 : t / (t + fps[i]!)));
  const recall = tps.map((t) => (P === 0 ? 1 : t / P));
  const x = [...recall.reverse(), 0];
  const y = [...precision.reverse(), 1];
  const ap = -x.slice(1).reduce((s, r, i) => s + (r - x[i]!) * y[i]!, 0);
  return new Curve('precision-recall', x, y, [...thresholds].reverse(), ap);
}

/** scikit-learn's average_precision_score: precision at each threshold, weighted by the recall it adds. */
export function averagePrecision(yTrue: readonly Label[], scores: readonly number[], options: { posLabel?: Label } = {}): number {
  return precisionRecallCurve(yTrue, scores, options).area as number;
}

/** How often the positive class happens in each bin of predicted probability. */
export function calibrationCurve(
  yTrue: readonly Label[],
  probs: readonly number[],
  options: { bins?: number; strategy?: 'uniform' | 'quantile'; posLabel?: Label } = {},
): Curve {
  checkPair('calibrationCurve', yTrue, probs, 'probs');
  checkScores('calibrationCurve', probs);
  if (probs.some((p) => p < 0 || p > 1)) throw new RangeError('metrics.calibrationCurve(): probs must be probabilities from 0 to 1.');
  const y = binaryTargets('calibrationCurve', yTrue, options.posLabel);
  const n = options.bins ?? 5;
  const linspace = Array.from({ length: n + 1 }, (_, i) => (i === n ? 1 : i * (1 / n)));
  const edges = options.strategy === 'quantile' ? linspace.map((q) => percentile(probs, q * 100)) : linspace;
  const inner = edges.slice(1, -1);
  const sums = new Array<number>(n + 1).fill(0);
  const trues = new Array<number>(n + 1).fill(0);
  const totals = new Array<number>(n + 1).fill(0);
  probs.forEach((p, i) => {
    // numpy.searchsorted(inner, p, side='left')
    let bin = 0;
    while (bin < inner.length && inner[bin]! < p) bin++;
    sums[bin]! += p;
    trues[bin]! += y[i]!;
    totals[bin]! += 1;
  });
  const used = totals.map((_, i) => i).filter((i) => totals[i]! > 0);
  return new Curve(
    'calibration',
    used.map((i) => sums[i]! / totals[i]!),
    used.map((i) => trues[i]! / totals[i]!),
    edges,
  );
}

function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

function trapezoid(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return area;
}
