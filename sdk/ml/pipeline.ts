// A Pipeline: transformers then a classifier, fitted together so the test rows are scaled with
// the training rows' statistics only (no leakage), used like one model.
import { accuracy } from '../metrics/classification';
import { autologged } from './autolog';
import type { Label, Matrix } from './data';
import type { Classifier, Transformer } from './model';

export interface Estimator {
  readonly classes: Label[];
  fit(X: Matrix, y: readonly Label[]): Estimator;
  predict(X: Matrix): Label[];
  predictProba(X: Matrix): number[][];
  score(X: Matrix, y: readonly Label[]): number;
}

export class Pipeline implements Estimator {
  readonly transformers: Transformer[];
  readonly model: Classifier;

  constructor(steps: [...Transformer[], Classifier]) {
    if (!steps.length)
      throw new RangeError('Pipeline needs at least a model: new Pipeline([new StandardScaler(), new LogisticRegression()]).');
    this.transformers = steps.slice(0, -1) as Transformer[];
    this.model = steps[steps.length - 1] as Classifier;
  }

  get classes(): Label[] {
    return this.model.classes;
  }

  fit(X: Matrix, y: readonly Label[]): this {
    const steps = [...this.transformers, this.model].map((step) => step.constructor.name).join(' → ');
    return autologged(this, { steps, ...this.model.options }, X, y, () => {
      let data: Matrix = X;
      for (const step of this.transformers) data = step.fitTransform(data);
      this.model.fit(data, y);
    });
  }

  predict(X: Matrix): Label[] {
    return this.model.predict(this.transform(X));
  }

  predictProba(X: Matrix): number[][] {
    return this.model.predictProba(this.transform(X));
  }

  score(X: Matrix, y: readonly Label[]): number {
    return accuracy(y, this.predict(X));
  }

  private transform(X: Matrix): Matrix {
    let data: Matrix = X;
    for (const step of this.transformers) data = step.transform(data);
    return data;
  }
}
