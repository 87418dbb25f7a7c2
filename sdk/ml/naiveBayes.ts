// Gaussian naive Bayes as scikit-learn fits it: per-class means and population variances plus
// var_smoothing × the largest feature variance, class priors from the training counts.
import type { Matrix } from './data';
import { Classifier } from './model';

export class GaussianNB extends Classifier {
  means: number[][] = [];
  variances: number[][] = [];
  priors: number[] = [];

  constructor(readonly options: { varSmoothing?: number } = {}) {
    super();
  }

  protected train(X: Matrix, codes: readonly number[]): void {
    const width = this.features;
    const all = Array.from({ length: width }, (_, j) => variance(X.map((row) => row[j] as number)));
    const epsilon = (this.options.varSmoothing ?? 1e-9) * Math.max(...all);
    this.means = [];
    this.variances = [];
    this.priors = [];
    this.classes.forEach((_, k) => {
      const rows = X.filter((_, i) => codes[i] === k);
      this.priors.push(rows.length / X.length);
      this.means.push(Array.from({ length: width }, (_, j) => rows.reduce((s, r) => s + (r[j] as number), 0) / rows.length));
      this.variances.push(Array.from({ length: width }, (_, j) => variance(rows.map((r) => r[j] as number)) + epsilon));
    });
  }

  protected probabilities(X: Matrix): number[][] {
    return X.map((row) => {
      const joint = this.classes.map((_, k) => {
        let log = Math.log(this.priors[k] as number);
        const mean = this.means[k] as number[];
        const vars = this.variances[k] as number[];
        for (let j = 0; j < row.length; j++)
          log -=
            0.5 * Math.log(2 * Math.PI * (vars[j] as number)) + ((row[j] as number) - (mean[j] as number)) ** 2 / (2 * (vars[j] as number));
        return log;
      });
      const top = Math.max(...joint);
      const exps = joint.map((l) => Math.exp(l - top));
      const total = exps.reduce((a, b) => a + b, 0);
      return exps.map((e) => e / total);
    });
  }
}

function variance(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
}
