// Feature scaling and label encoding with scikit-learn's definitions (population standard
// deviation; a constant feature is left unscaled instead of divided by zero).
import { sortedLabels } from '../metrics/labels';
import { checkMatrix, type Label, type Matrix } from './data';
import type { Transformer } from './model';

abstract class FittedTransformer implements Transformer {
  protected fitted = false;

  abstract fit(X: Matrix): this;
  protected abstract apply(row: readonly number[]): number[];

  transform(X: Matrix): number[][] {
    if (!this.fitted) throw new Error(`${this.constructor.name} is not fitted yet: call fit(X) (on the training rows only) first.`);
    checkMatrix(`${this.constructor.name}.transform`, X, this.width());
    return X.map((row) => this.apply(row));
  }

  fitTransform(X: Matrix): number[][] {
    return this.fit(X).transform(X);
  }

  protected abstract width(): number;
}

export class StandardScaler extends FittedTransformer {
  mean: number[] = [];
  scale: number[] = [];

  fit(X: Matrix): this {
    checkMatrix('StandardScaler.fit', X);
    const n = X.length;
    const width = (X[0] as readonly number[]).length;
    this.mean = Array.from({ length: width }, (_, j) => X.reduce((s, row) => s + (row[j] as number), 0) / n);
    this.scale = this.mean.map((m, j) => {
      const sd = Math.sqrt(X.reduce((s, row) => s + ((row[j] as number) - m) ** 2, 0) / n);
      return sd === 0 ? 1 : sd;
    });
    this.fitted = true;
    return this;
  }

  protected apply(row: readonly number[]): number[] {
    return row.map((x, j) => (x - (this.mean[j] as number)) / (this.scale[j] as number));
  }

  protected width(): number {
    return this.mean.length;
  }
}

export class MinMaxScaler extends FittedTransformer {
  min: number[] = [];
  max: number[] = [];

  fit(X: Matrix): this {
    checkMatrix('MinMaxScaler.fit', X);
    const width = (X[0] as readonly number[]).length;
    this.min = Array.from({ length: width }, (_, j) => Math.min(...X.map((row) => row[j] as number)));
    this.max = Array.from({ length: width }, (_, j) => Math.max(...X.map((row) => row[j] as number)));
    this.fitted = true;
    return this;
  }

  protected apply(row: readonly number[]): number[] {
    return row.map((x, j) => {
      const range = (this.max[j] as number) - (this.min[j] as number);
      return range === 0 ? 0 : (x - (this.min[j] as number)) / range;
    });
  }

  protected width(): number {
    return this.min.length;
  }
}

/** Labels ↔ 0…k−1 in sorted order. */
export class LabelEncoder {
  classes: Label[] = [];

  fit(y: readonly Label[]): this {
    this.classes = sortedLabels(y);
    return this;
  }

  transform(y: readonly Label[]): number[] {
    return y.map((v) => {
      const code = this.classes.indexOf(v);
      if (code < 0)
        throw new RangeError(
          `LabelEncoder: ${JSON.stringify(v)} was not seen in fit (known: ${this.classes.map((c) => JSON.stringify(c)).join(', ')}).`,
        );
      return code;
    });
  }

  fitTransform(y: readonly Label[]): number[] {
    return this.fit(y).transform(y);
  }

  inverseTransform(codes: readonly number[]): Label[] {
    return codes.map((c) => this.classes[c] as Label);
  }
}

/** One column of categories → one 0/1 column per category (sorted); unknown categories are all zeros. */
export class OneHotEncoder {
  categories: Label[] = [];

  fit(values: readonly Label[]): this {
    this.categories = new LabelEncoder().fit(values).classes;
    return this;
  }

  transform(values: readonly Label[]): number[][] {
    if (!this.categories.length) throw new Error('OneHotEncoder is not fitted yet: call fit(values) first.');
    return values.map((v) => this.categories.map((c) => (c === v ? 1 : 0)));
  }

  fitTransform(values: readonly Label[]): number[][] {
    return this.fit(values).transform(values);
  }

  /** Column names: `${prefix}_${category}`. */
  names(prefix: string): string[] {
    return this.categories.map((c) => `${prefix}_${String(c)}`);
  }
}
