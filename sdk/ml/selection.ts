// Splitting data and choosing models: a seeded (stratified) train/test split, stratified k-fold
// cross-validation and grid search over hyperparameters.
import { table } from '../display/table';
import { RICH_VIEW, type Rich } from '../display/rich';
import { unlogged } from './autolog';
import { checkXy, encodeLabels, type Label, type Matrix } from './data';
import type { Estimator } from './pipeline';
import { seeded, shuffled } from './random';

export interface Split {
  xTrain: number[][];
  xTest: number[][];
  yTrain: Label[];
  yTest: Label[];
  trainIndex: number[];
  testIndex: number[];
}

export interface SplitOptions {
  /** Share of rows held out (default 0.25). */
  testSize?: number;
  seed?: number;
  /** Keep each class's share the same in both parts (default true). */
  stratify?: boolean;
}

export function trainTestSplit(X: Matrix, y: readonly Label[], options: SplitOptions = {}): Split {
  checkXy('ml.trainTestSplit', X, y);
  const testSize = options.testSize ?? 0.25;
  if (!(testSize > 0 && testSize < 1))
    throw new RangeError(`ml.trainTestSplit: testSize is the share of rows to hold out, between 0 and 1 (e.g. 0.2), not ${testSize}.`);
  const random = seeded(options.seed ?? 0);
  const groups = options.stratify === false ? [y.map((_, i) => i)] : byClass(y);
  const test: number[] = [];
  for (const group of groups) test.push(...shuffled(group, random).slice(0, Math.round(group.length * testSize)));
  const held = new Set(test);
  const testIndex = [...held].sort((a, b) => a - b);
  const trainIndex = y.map((_, i) => i).filter((i) => !held.has(i));
  const rows = (index: number[]) => index.map((i) => [...(X[i] as readonly number[])]);
  return {
    xTrain: rows(trainIndex),
    xTest: rows(testIndex),
    yTrain: trainIndex.map((i) => y[i] as Label),
    yTest: testIndex.map((i) => y[i] as Label),
    trainIndex,
    testIndex,
  };
}

/** k folds, each class spread evenly over them; each fold is the test part once. */
export function stratifiedKFold(
  y: readonly Label[],
  options: { folds?: number; seed?: number } = {},
): Array<{ train: number[]; test: number[] }> {
  const folds = options.folds ?? 5;
  const smallest = Math.min(...byClass(y).map((g) => g.length));
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`ml: folds must be a whole number, 2 or more, not ${folds}.`);
  if (folds > smallest)
    throw new RangeError(
      `ml: ${folds} folds need at least ${folds} rows of every class; the smallest class has ${smallest}. Use fewer folds.`,
    );
  const random = seeded(options.seed ?? 0);
  const assigned = new Array<number>(y.length);
  for (const group of byClass(y)) shuffled(group, random).forEach((row, i) => (assigned[row] = i % folds));
  return Array.from({ length: folds }, (_, f) => ({
    train: y.map((_, i) => i).filter((i) => assigned[i] !== f),
    test: y.map((_, i) => i).filter((i) => assigned[i] === f),
  }));
}

export interface CrossValidation {
  scores: number[];
  mean: number;
  std: number;
}

/** Accuracy on each held-out fold of a fresh model from `make()`. */
export function crossValScore(
  make: () => Estimator,
  X: Matrix,
  y: readonly Label[],
  options: { folds?: number; seed?: number } = {},
): CrossValidation {
  checkXy('ml.crossValScore', X, y);
  // The folds' models are measurements, not the run's model: autolog leaves them out.
  const scores = unlogged(() =>
    stratifiedKFold(y, options).map(({ train, test }) => {
      const model = make().fit(
        train.map((i) => X[i] as number[]),
        train.map((i) => y[i] as Label),
      );
      return model.score(
        test.map((i) => X[i] as number[]),
        test.map((i) => y[i] as Label),
      );
    }),
  );
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((s, v) => s + (v - mean) ** 2, 0) / scores.length);
  return { scores, mean, std };
}

export type Grid = Readonly<Record<string, readonly unknown[]>>;

export class GridSearch {
  constructor(readonly results: Array<{ params: Record<string, unknown> } & CrossValidation>) {}

  get best(): { params: Record<string, unknown> } & CrossValidation {
    return this.results[0] as { params: Record<string, unknown> } & CrossValidation;
  }

  [RICH_VIEW](): Rich {
    return table(
      this.results.map((r) => ({
        ...Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : v])),
        'mean accuracy': r.mean,
        std: r.std,
      })),
      { title: 'Grid search (best first)' },
    );
  }
}

/** Every combination of the grid's values, cross-validated; results sorted best first (ties: grid order). */
export function gridSearch<P extends Record<string, unknown>>(
  make: (params: P) => Estimator,
  grid: Grid,
  X: Matrix,
  y: readonly Label[],
  options: { folds?: number; seed?: number } = {},
): GridSearch {
  const keys = Object.keys(grid);
  const empty = keys.find((k) => !(grid[k] as readonly unknown[]).length);
  if (empty) throw new RangeError(`ml.gridSearch: the grid gives no values for "${empty}".`);
  let combos: Array<Record<string, unknown>> = [{}];
  for (const key of keys) combos = combos.flatMap((c) => (grid[key] as readonly unknown[]).map((v) => ({ ...c, [key]: v })));
  const results = combos.map((params) => ({ params, ...crossValScore(() => make(params as P), X, y, options) }));
  return new GridSearch(
    results
      .map((r, i) => ({ r, i }))
      .sort((a, b) => b.r.mean - a.r.mean || a.i - b.i)
      .map(({ r }) => r),
  );
}

function byClass(y: readonly Label[]): number[][] {
  const { classes, codes } = encodeLabels(y);
  return classes.map((_, k) => codes.flatMap((c, i) => (c === k ? [i] : [])));
}
