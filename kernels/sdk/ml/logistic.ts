// Multinomial logistic regression with an L2 penalty, scikit-learn's objective
// (C · Σ log loss + ½‖W‖², intercepts not penalised), minimised by accelerated gradient descent.
// Scale the features first (a Pipeline with a StandardScaler), as with scikit-learn's lbfgs.
import type { Matrix } from './data';
import { Classifier } from './model';

export class LogisticRegression extends Classifier {
  weights: number[][] = [];
  intercepts: number[] = [];
  iterations = 0;

  constructor(readonly options: { C?: number; maxIterations?: number; tolerance?: number } = {}) {
    super();
  }

  protected train(X: Matrix, codes: readonly number[]): void {
    const n = X.length;
    const f = this.features;
    const k = this.classes.length;
    const C = this.options.C ?? 1;
    const lambda = 1 / (C * n);
    // A step of 1/L, with L bounding the curvature of the mean log loss plus the penalty.
    const L = (0.5 * X.reduce((s, row) => s + row.reduce((r, x) => r + x * x, 0) + 1, 0)) / n + lambda;
    const step = 1 / L;
    const size = k * (f + 1);
    let theta = new Float64Array(size);
    let previous = new Float64Array(size);
    const maxIterations = this.options.maxIterations ?? 5000;
    const tolerance = this.options.tolerance ?? 1e-6;
    for (let t = 1; t <= maxIterations; t++) {
      const momentum = (t - 1) / (t + 2);
      const look = theta.map((v, i) => v + momentum * (v - (previous[i] as number)));
      const grad = gradient(X, codes, look, k, f, lambda);
      previous = theta;
      theta = look.map((v, i) => v - step * (grad[i] as number));
      this.iterations = t;
      if (grad.reduce((m, g) => Math.max(m, Math.abs(g)), 0) < tolerance) break;
    }
    this.weights = Array.from({ length: k }, (_, c) => Array.from(theta.subarray(c * (f + 1), c * (f + 1) + f)));
    this.intercepts = Array.from({ length: k }, (_, c) => theta[c * (f + 1) + f] as number);
  }

  protected probabilities(X: Matrix): number[][] {
    return X.map((row) => softmax(this.weights.map((w, c) => w.reduce((s, v, j) => s + v * (row[j] as number), this.intercepts[c] as number))));
  }
}

function gradient(X: Matrix, codes: readonly number[], theta: Float64Array, k: number, f: number, lambda: number): Float64Array {
  const grad = new Float64Array(theta.length);
  const n = X.length;
  for (let i = 0; i < n; i++) {
    const row = X[i] as readonly number[];
    const logits = Array.from({ length: k }, (_, c) => {
      let z = theta[c * (f + 1) + f] as number;
      for (let j = 0; j < f; j++) z += (theta[c * (f + 1) + j] as number) * (row[j] as number);
      return z;
    });
    const p = softmax(logits);
    for (let c = 0; c < k; c++) {
      const err = ((p[c] as number) - (codes[i] === c ? 1 : 0)) / n;
      for (let j = 0; j < f; j++) grad[c * (f + 1) + j]! += err * (row[j] as number);
      grad[c * (f + 1) + f]! += err;
    }
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < f; j++) grad[c * (f + 1) + j]! += lambda * (theta[c * (f + 1) + j] as number);
  return grad;
}

function softmax(z: readonly number[]): number[] {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}
