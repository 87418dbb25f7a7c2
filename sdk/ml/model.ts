// What every classifier shares: fit on rows and labels, predict labels or class probabilities,
// score as accuracy (scikit-learn's estimator contract, in TypeScript).
import { accuracy } from '../metrics/classification';
import { autologged } from './autolog';
import { argmax, checkMatrix, checkXy, encodeLabels, type Label, type Matrix } from './data';

export interface Transformer {
  fit(X: Matrix): this;
  transform(X: Matrix): number[][];
  fitTransform(X: Matrix): number[][];
}

export abstract class Classifier {
  /** The classes seen in training, sorted; probabilities come in this order. */
  classes: Label[] = [];
  /** How many columns the training rows had: what predict expects. */
  features = 0;
  /** The settings it was made with (logged as params by autolog). */
  abstract readonly options: object;

  fit(X: Matrix, y: readonly Label[]): this {
    checkXy(`${this.constructor.name}.fit`, X, y);
    const { classes, codes } = encodeLabels(y);
    return autologged(this, this.options, X, y, () => {
      this.classes = classes;
      this.features = (X[0] as readonly number[]).length;
      this.train(X, codes);
    });
  }

  predictProba(X: Matrix): number[][] {
    this.checkFitted(X);
    return this.probabilities(X);
  }

  predict(X: Matrix): Label[] {
    return this.predictProba(X).map((p) => this.classes[argmax(p)] as Label);
  }

  score(X: Matrix, y: readonly Label[]): number {
    return accuracy(y, this.predict(X));
  }

  protected abstract train(X: Matrix, codes: readonly number[]): void;
  protected abstract probabilities(X: Matrix): number[][];

  private checkFitted(X: Matrix): void {
    if (!this.classes.length) throw new Error(`${this.constructor.name} is not trained yet: call fit(X, y) first.`);
    checkMatrix(`${this.constructor.name}.predict`, X, this.features);
  }
}
