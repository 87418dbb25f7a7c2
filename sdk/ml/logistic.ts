// Multinomial logistic regression with an L2 penalty, scikit-learn's objective
// (C · Σ log loss + ½‖W‖², intercepts not penalised, here divided by C·n), minimised by L-BFGS.
// Scale the features first (a Pipeline with a StandardScaler), as with scikit-learn's lbfgs.
import type { Matrix } from './data';
import { Classifier } from './model';
import { lbfgs } from './optimize';

export class LogisticRegression extends Classifier {
  weights: number[][] = [];
  intercepts: number[] = [];
  iterations = 0;
  converged = false;

  constructor(readonly options: { C?: number; maxIterations?: number; tolerance?: number } = {}) {
    super();
  }

  protected train(X: Matrix, codes: readonly number[]): void {
    const f = this.features;
    const k = this.classes.length;
    const lambda = 1 / ((this.options.C ?? 1) * X.length);
    // Two classes take one weight vector (class 0's logit fixed at 0), as scikit-learn fits them.
    const blocks = k === 2 ? 1 : k;
    const result = lbfgs((theta) => objective(X, codes, theta, k, f, lambda), new Float64Array(blocks * (f + 1)), {
      maxIterations: this.options.maxIterations ?? 1000,
      tolerance: this.options.tolerance ?? 1e-6,
    });
    this.iterations = result.iterations;
    this.converged = result.converged;
    const theta = k === 2 ? Float64Array.from([...new Array<number>(f + 1).fill(0), ...result.x]) : result.x;
    this.weights = Array.from({ length: k }, (_, c) => Array.from(theta.subarray(c * (f + 1), c * (f + 1) + f)));
    this.intercepts = Array.from({ length: k }, (_, c) => theta[c * (f + 1) + f] as number);
  }

  protected probabilities(X: Matrix): number[][] {
    return X.map((row) =>
      softmax(this.weights.map((w, c) => w.reduce((s, v, j) => s + v * (row[j] as number), this.intercepts[c] as number))),
    );
  }
}

/** Mean log loss plus the L2 penalty, and its gradient; weights laid out class by class (for two
 * classes only class 1's, class 0's logit being 0). */
function objective(
  X: Matrix,
  codes: readonly number[],
  theta: Float64Array,
  k: number,
  f: number,
  lambda: number,
): { value: number; gradient: Float64Array } {
  const gradient = new Float64Array(theta.length);
  const n = X.length;
  const blocks = theta.length / (f + 1);
  const offset = k - blocks;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const row = X[i] as readonly number[];
    const logits = new Array<number>(k).fill(0);
    for (let b = 0; b < blocks; b++) {
      let z = theta[b * (f + 1) + f] as number;
      for (let j = 0; j < f; j++) z += (theta[b * (f + 1) + j] as number) * (row[j] as number);
      logits[b + offset] = z;
    }
    const p = softmax(logits);
    value -= Math.log(Math.max(p[codes[i] as number] as number, Number.MIN_VALUE)) / n;
    for (let b = 0; b < blocks; b++) {
      const c = b + offset;
      const err = ((p[c] as number) - (codes[i] === c ? 1 : 0)) / n;
      for (let j = 0; j < f; j++) gradient[b * (f + 1) + j]! += err * (row[j] as number);
      gradient[b * (f + 1) + f]! += err;
    }
  }
  for (let b = 0; b < blocks; b++) {
    for (let j = 0; j < f; j++) {
      const w = theta[b * (f + 1) + j] as number;
      value += (lambda / 2) * w * w;
      gradient[b * (f + 1) + j]! += lambda * w;
    }
  }
  return { value, gradient };
}

function softmax(z: readonly number[]): number[] {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}
