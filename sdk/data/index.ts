// `data`: pandas' DataFrame workflow in TypeScript: read, inspect, clean, reshape and plot tables,
// with pandas' numbers (missing values skipped, std with ddof = 1, linear quantiles).
import { DataFrame } from './frame';
import { fromColumns, fromRecords, readCsv, readJson, type CsvOptions } from './io';
import type { Scalar } from './series';

export const data = {
  /** `data.readCsv("penguins.csv")`, as pandas.read_csv. */
  readCsv: (path: string, options?: CsvOptions) => new DataFrame(readCsv(path, options)),
  /** A JSON array of records, or JSON lines. */
  readJson: (path: string) => new DataFrame(readJson(path)),
  /** From columns (`{ a: [1, 2] }`) or records (`[{ a: 1 }, { a: 2 }]`). */
  frame(values: Readonly<Record<string, readonly Scalar[]>> | ReadonlyArray<Record<string, Scalar>>): DataFrame {
    return new DataFrame(
      Array.isArray(values)
        ? fromRecords(values as Record<string, Scalar>[], 'data.frame')
        : fromColumns(values as Record<string, readonly Scalar[]>),
    );
  },
};

export { DataFrame } from './frame';
export { GroupBy, type Aggregation } from './groupby';
export { Series, type OutlierOptions, type Scalar } from './series';
export { ColumnError } from './errors';
export type { CsvOptions } from './io';
export type { DType } from './dtypes';
export type { MergeOptions, PivotOptions } from './reshape';
