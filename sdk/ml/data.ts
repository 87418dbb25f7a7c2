// What models take: a matrix of numbers (rows × features) and one label per row, checked with
// messages that say which row and feature is wrong.
import { sortedLabels, type Label } from '../metrics/labels';

export type Matrix = ReadonlyArray<readonly number[]>;
export type { Label };

export function checkMatrix(where: string, X: Matrix, features?: number): void {
  if (!Array.isArray(X) || !X.length) throw new TypeError(`${where}: X must be a non-empty array of rows, each an array of numbers.`);
  const width = features ?? (X[0] as readonly number[]).length;
  for (let i = 0; i < X.length; i++) {
    const row = X[i];
    if (!Array.isArray(row) || row.length !== width) {
      throw new RangeError(
        `${where}: row ${i} of X has ${Array.isArray(row) ? row.length : 'no'} features; every row needs ${width}${features === undefined ? ' (like row 0)' : ' (as in training)'}.`,
      );
    }
    for (let j = 0; j < width; j++) {
      if (typeof row[j] !== 'number' || !Number.isFinite(row[j]))
        throw new TypeError(
          `${where}: X[${i}][${j}] is ${JSON.stringify(row[j])}; models need finite numbers (fill or drop missing values first).`,
        );
    }
  }
}

export function checkXy(where: string, X: Matrix, y: readonly Label[]): void {
  checkMatrix(where, X);
  if (!Array.isArray(y) || y.length !== X.length)
    throw new RangeError(`${where}: X has ${X.length} rows and y ${Array.isArray(y) ? y.length : 'no'} labels; give one label per row.`);
}

/** The sorted classes and each row's class index. */
export function encodeLabels(y: readonly Label[]): { classes: Label[]; codes: number[] } {
  const classes = sortedLabels(y);
  const index = new Map(classes.map((c, i) => [c, i]));
  return { classes, codes: y.map((v) => index.get(v) as number) };
}

export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}
