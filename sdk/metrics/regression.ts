// Regression metrics with scikit-learn's definitions.
import { checkPair, checkScores } from './labels';

function residuals(name: string, yTrue: readonly number[], yPred: readonly number[]): number[] {
  checkPair(name, yTrue, yPred);
  checkScores(name, yTrue);
  checkScores(name, yPred);
  return yTrue.map((y, i) => y - yPred[i]!);
}

export function mae(yTrue: readonly number[], yPred: readonly number[]): number {
  return residuals('mae', yTrue, yPred).reduce((s, r) => s + Math.abs(r), 0) / yTrue.length;
}

export function mse(yTrue: readonly number[], yPred: readonly number[]): number {
  return residuals('mse', yTrue, yPred).reduce((s, r) => s + r * r, 0) / yTrue.length;
}

export function rmse(yTrue: readonly number[], yPred: readonly number[]): number {
  return Math.sqrt(mse(yTrue, yPred));
}

/** Coefficient of determination; a constant yTrue scores 1 when predicted exactly, else 0 (scikit-learn's force_finite). */
export function r2(yTrue: readonly number[], yPred: readonly number[]): number {
  const res = residuals('r2', yTrue, yPred).reduce((s, r) => s + r * r, 0);
  const mean = yTrue.reduce((s, y) => s + y, 0) / yTrue.length;
  const tot = yTrue.reduce((s, y) => s + (y - mean) ** 2, 0);
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}
