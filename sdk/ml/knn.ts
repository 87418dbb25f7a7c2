// k nearest neighbours by Euclidean distance with uniform votes; a tie between classes goes to
// the first class in sorted order, as in scikit-learn.
import type { Matrix } from './data';
import { Classifier } from './model';

export class KNeighborsClassifier extends Classifier {
  private X: number[][] = [];
  private codes: number[] = [];

  constructor(readonly options: { k?: number } = {}) {
    super();
  }

  protected train(X: Matrix, codes: readonly number[]): void {
    const k = this.options.k ?? 5;
    if (!Number.isInteger(k) || k < 1 || k > X.length)
      throw new RangeError(`KNeighborsClassifier: k must be a whole number from 1 to the ${X.length} training rows, not ${k}.`);
    this.X = X.map((row) => [...row]);
    this.codes = [...codes];
  }

  protected probabilities(X: Matrix): number[][] {
    const k = this.options.k ?? 5;
    return X.map((row) => {
      const distances = this.X.map((train, i) => ({ i, d: train.reduce((s, x, j) => s + (x - (row[j] as number)) ** 2, 0) }));
      distances.sort((a, b) => a.d - b.d || a.i - b.i);
      const votes = new Array<number>(this.classes.length).fill(0);
      for (const { i } of distances.slice(0, k)) votes[this.codes[i] as number]! += 1 / k;
      return votes;
    });
  }
}
