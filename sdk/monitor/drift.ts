// Drift: do recent inputs (and predictions) still look like the reference? Per feature, the
// population stability index (PSI: Σ (a − e)·ln(a / e) over the reference's bins; < 0.1 stable,
// 0.1–0.25 moderate, > 0.25 a shift), and a test with a p-value: Kolmogorov–Smirnov against the
// reference's distribution for numeric features, chi-square against its shares for categorical
// ones and for the predicted classes.
//
// A feature drifted when the change is both big (PSI above 0.25) and real (its p-value, times the
// number of features tested, below 0.01). Either alone rings on calm data: PSI has a noise floor
// of about (bins − 1)/n that passes 0.25 on small windows, and 30 features tested at p < 0.01
// each give a false alarm on a quarter of calm windows; with big windows every harmless shift
// is significant.
import { chart } from '../display/chart';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { chiSquareTail, ksPValue } from './distributions';
import { binShares, type FeatureReference, type Reference } from './reference';

export interface FeatureDrift {
  feature: string;
  kind: 'numeric' | 'categorical';
  psi: number;
  test: 'ks' | 'chi2';
  /** KS: the largest gap between the two CDFs; chi2: the statistic. */
  statistic: number;
  pValue: number;
  /** The p-value corrected for testing every feature (Bonferroni: p × features, at most 1). */
  pAdjusted: number;
  /** PSI above the threshold and corrected p-value below it. */
  drifted: boolean;
  /** Mean of the window, beside the reference's. */
  mean: number;
  referenceMean: number;
}

export interface DriftThresholds {
  /** Drift needs a PSI above this (default 0.25; 0 decides by the p-value alone). */
  psi?: number;
  /** …and a corrected p-value below this (default 0.01; 1 decides by PSI alone). */
  pValue?: number;
  /** How p-values are corrected for testing many features (default 'bonferroni'). */
  correction?: 'bonferroni' | 'none';
}

interface Limits {
  psi: number;
  pValue: number;
  /** What each p-value is multiplied by: the number of tests, or 1. */
  tests: number;
}

function limitsOf(thresholds: DriftThresholds, tests: number): Limits {
  return { psi: thresholds.psi ?? 0.25, pValue: thresholds.pValue ?? 0.01, tests: thresholds.correction === 'none' ? 1 : tests };
}

function decide(index: number, pValue: number, limits: Limits): { pAdjusted: number; drifted: boolean } {
  const pAdjusted = Math.min(1, pValue * limits.tests);
  return { pAdjusted, drifted: index > limits.psi && pAdjusted <= limits.pValue };
}

const EPSILON = 1e-4;

export function psi(expected: readonly number[], actual: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(EPSILON, expected[i] as number);
    const a = Math.max(EPSILON, actual[i] as number);
    total += (a - e) * Math.log(a / e);
  }
  return total;
}

/**
 * The reference's CDF just below and at x: linear between its quantiles, with a jump where
 * several quantiles share a value (an atom: discrete data such as measurements to 0.1 cm), so
 * ties are not mistaken for drift.
 */
function referenceCdf(quantiles: readonly number[], x: number): { below: number; at: number } {
  const last = quantiles.length - 1;
  if (x < (quantiles[0] as number)) return { below: 0, at: 0 };
  if (x > (quantiles[last] as number)) return { below: 1, at: 1 };
  let lo = 0;
  let hi = last;
  // First index with q ≥ x.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((quantiles[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  if (quantiles[lo] === x) {
    let top = lo;
    while (top < last && quantiles[top + 1] === x) top++;
    return { below: lo / last, at: top / last };
  }
  const a = quantiles[lo - 1] as number;
  const b = quantiles[lo] as number;
  const f = (lo - 1 + (x - a) / (b - a)) / last;
  return { below: f, at: f };
}

function chiSquare(expectedShares: readonly number[], observed: readonly number[]): { statistic: number; pValue: number } {
  const n = observed.reduce((s, v) => s + v, 0);
  let statistic = 0;
  let cells = 0;
  expectedShares.forEach((share, i) => {
    const e = Math.max(EPSILON, share) * n;
    statistic += ((observed[i] as number) - e) ** 2 / e;
    cells++;
  });
  return { statistic, pValue: chiSquareTail(statistic, cells - 1) };
}

function featureDrift(reference: FeatureReference, values: ArrayLike<number>, limits: Limits): FeatureDrift {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (values[i] as number) / n;
  if (reference.kind === 'categorical') {
    const categories = reference.categories ?? [];
    const counts = categories.map(() => 0);
    let other = 0;
    for (let i = 0; i < n; i++) {
      const k = categories.indexOf(values[i] as number);
      if (k >= 0) counts[k]! += 1;
      else other++;
    }
    // A value the reference never had is its own cell, expected (almost) never.
    const expected = other ? [...reference.proportions, 0] : reference.proportions;
    const observed = other ? [...counts, other] : counts;
    const { statistic, pValue } = chiSquare(expected, observed);
    const index = psi(
      expected,
      observed.map((c) => c / Math.max(1, n)),
    );
    return {
      feature: reference.name,
      kind: 'categorical',
      psi: index,
      test: 'chi2',
      statistic,
      pValue,
      ...decide(index, pValue, limits),
      mean,
      referenceMean: reference.mean,
    };
  }
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  // Quantiles are saved as short decimals; their float32 values are what inputs can tie with.
  const quantiles = (reference.quantiles ?? []).map(Math.fround);
  // The largest gap between the two CDFs, just below and at each distinct value of the window.
  let d = 0;
  for (let i = 0; i < n;) {
    const x = sorted[i] as number;
    let j = i;
    while (j < n && sorted[j] === x) j++;
    const f = referenceCdf(quantiles, x);
    d = Math.max(d, Math.abs(i / n - f.below), Math.abs(j / n - f.at));
    i = j;
  }
  const effective = (n * reference.rows) / (n + reference.rows);
  const pValue = ksPValue(d, effective);
  const index = psi(reference.proportions, binShares(sorted, reference.edges ?? []));
  return {
    feature: reference.name,
    kind: 'numeric',
    psi: index,
    test: 'ks',
    statistic: d,
    pValue,
    ...decide(index, pValue, limits),
    mean,
    referenceMean: reference.mean,
  };
}

export interface PredictionDrift {
  psi: number;
  statistic: number;
  pValue: number;
  drifted: boolean;
  shares: Record<string, number>;
  referenceShares: Record<string, number>;
}

export class DriftReport {
  constructor(
    readonly rows: number,
    readonly features: FeatureDrift[],
    readonly predictions: PredictionDrift | undefined,
  ) {}

  /** The features that drifted, largest PSI first. */
  get drifted(): FeatureDrift[] {
    return this.features.filter((f) => f.drifted).sort((a, b) => b.psi - a.psi);
  }

  [RICH_VIEW](): Rich {
    const rows = this.features.map((f) => ({
      feature: f.feature,
      kind: f.kind,
      'mean (reference)': `${f.mean.toPrecision(4)} (${f.referenceMean.toPrecision(4)})`,
      PSI: Number(f.psi.toFixed(4)),
      test: f.test === 'ks' ? `KS D = ${f.statistic.toFixed(3)}` : `χ² = ${f.statistic.toFixed(1)}`,
      'p-value': Number(f.pValue.toPrecision(3)),
      'corrected p': Number(f.pAdjusted.toPrecision(3)),
      drift: f.drifted ? 'DRIFT' : '',
    }));
    if (this.predictions)
      rows.push({
        feature: '(predicted class)',
        kind: 'categorical',
        'mean (reference)': '',
        PSI: Number(this.predictions.psi.toFixed(4)),
        test: `χ² = ${this.predictions.statistic.toFixed(1)}`,
        'p-value': Number(this.predictions.pValue.toPrecision(3)),
        'corrected p': Number(this.predictions.pValue.toPrecision(3)),
        drift: this.predictions.drifted ? 'DRIFT' : '',
      });
    const drifted = this.drifted.map((f) => f.feature);
    return table(rows, {
      title: `Drift over ${this.rows} rows: ${drifted.length ? `${drifted.length} of ${this.features.length} features drifted (${drifted.slice(0, 5).join(', ')}${drifted.length > 5 ? ', …' : ''})` : 'no feature drifted'}${this.predictions?.drifted ? '; predictions drifted' : ''}`,
    });
  }

  /** PSI per feature: above 0.1 is worth a look, above 0.25 a shift. */
  chart(): Rich {
    return chart.bar(
      { PSI: this.features.map((f) => f.psi) },
      { title: `PSI per feature over ${this.rows} rows`, x: this.features.map((f) => f.feature), xLabel: 'feature' },
    );
  }
}

/** Drift of `rows` (and the predicted classes, when given) against the reference. */
export function drift(
  reference: Reference,
  rows: ReadonlyArray<ArrayLike<number>>,
  predictedClasses?: readonly number[],
  thresholds: DriftThresholds = {},
): DriftReport {
  if (!rows.length) throw new Error('monitor.drift: no rows to compare with the reference.');
  const width = reference.features.length;
  rows.forEach((r, i) => {
    if (r.length !== width) throw new Error(`monitor.drift: row ${i} has ${r.length} values; the reference has ${width} features.`);
  });
  const limits = limitsOf(thresholds, width);
  const features = reference.features.map((f, j) =>
    featureDrift(
      f,
      Float64Array.from(rows, (r) => Math.fround(r[j] as number)),
      limits,
    ),
  );
  let predictions: PredictionDrift | undefined;
  if (predictedClasses?.length && reference.predictions) {
    const { labels, proportions } = reference.predictions;
    const counts = labels.map((_, k) => predictedClasses.filter((c) => c === k).length);
    const { statistic, pValue } = chiSquare(proportions, counts);
    const shares = counts.map((c) => c / predictedClasses.length);
    const index = psi(proportions, shares);
    // One test, so nothing to correct.
    predictions = {
      psi: index,
      statistic,
      pValue,
      drifted: decide(index, pValue, { ...limits, tests: 1 }).drifted,
      shares: Object.fromEntries(labels.map((l, k) => [l, shares[k] as number])),
      referenceShares: Object.fromEntries(labels.map((l, k) => [l, proportions[k] as number])),
    };
  }
  return new DriftReport(rows.length, features, predictions);
}
