// DataFrame: pandas' vocabulary (head, describe, isna, fillna, groupby, merge, pivot…) in camelCase,
// computed by polars. Every method returns a new frame; a frame shows itself as a table.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { seeded, shuffled } from '../ml/random';
import { dtypeOf, isNumeric, type DType } from './dtypes';
import { checkColumns, missingColumn } from './errors';
import { GroupBy } from './groupby';
import { writeCsv } from './io';
import { Plot } from './plot';
import { polars, type PlFrame } from './polars';
import { merge, pivot, type MergeOptions, type PivotOptions } from './reshape';
import { Series, type Scalar } from './series';
import { describeFrame, infoFrame } from './summary';

const SHOWN_ROWS = 10_000;

export class DataFrame {
  /** `df.plot.hist("bill_length_mm", { by: "species" })`, `.scatter(x, y)`, `.bar(x)`. */
  readonly plot = new Plot(this);

  constructor(readonly inner: PlFrame) {}

  get shape(): [rows: number, columns: number] {
    return [this.inner.height, this.inner.width];
  }

  get length(): number {
    return this.inner.height;
  }

  get columns(): string[] {
    return this.inner.columns;
  }

  get dtypes(): Record<string, DType | string> {
    return Object.fromEntries(this.inner.getColumns().map((s) => [s.name, dtypeOf(s)]));
  }

  /** One column, as `df["name"]` in pandas. */
  col(name: string): Series {
    if (!this.columns.includes(name)) throw missingColumn(name, this.columns);
    return new Series(this.inner.getColumn(name));
  }

  head(n = 5): DataFrame {
    return new DataFrame(this.inner.head(n));
  }

  tail(n = 5): DataFrame {
    return new DataFrame(this.inner.tail(n));
  }

  /** `n` rows drawn without replacement, the same ones for the same seed. */
  sample(n: number, options: { seed?: number } = {}): DataFrame {
    const rows = shuffled(
      Array.from({ length: this.length }, (_, i) => i),
      seeded(options.seed ?? 0),
    ).slice(0, n);
    return this.take(rows);
  }

  /** Each column's type and how many values it has and misses. */
  info(): DataFrame {
    return new DataFrame(infoFrame(this.inner, (name) => dtypeOf(this.inner.getColumn(name))));
  }

  /** count, mean, std, min, quartiles and max of each numeric column, as pandas' describe(). */
  describe(): DataFrame {
    return new DataFrame(describeFrame(this.inner));
  }

  isna(): DataFrame {
    return this.eachColumn((s) => s.isNull());
  }

  notna(): DataFrame {
    return this.eachColumn((s) => s.isNotNull());
  }

  /** Column totals of the numeric and true/false columns: `df.isna().sum()` counts missing values. */
  sum(): Record<string, number> {
    return this.reduce((s) => s.sum());
  }

  /** Column means of the numeric and true/false columns. */
  mean(): Record<string, number | null> {
    return this.reduce((s) => s.mean());
  }

  /** One value for every missing one, or a value per column: `{ age: df.col("age").median() }`. */
  fillna(value: Scalar | Readonly<Record<string, Scalar>>): DataFrame {
    const pl = polars();
    if (value !== null && typeof value === 'object') {
      checkColumns(Object.keys(value), this.columns, 'fillna');
      return new DataFrame(this.inner.withColumns(...Object.entries(value).map(([c, v]) => pl.col(c).fillNull(pl.lit(v)))));
    }
    const fillable = this.inner
      .getColumns()
      .filter((s) =>
        typeof value === 'string' ? dtypeOf(s) === 'string' : isNumeric(s) || (typeof value === 'boolean' && dtypeOf(s) === 'bool'),
      );
    return new DataFrame(this.inner.withColumns(...fillable.map((s) => pl.col(s.name).fillNull(pl.lit(value)))));
  }

  /** Rows without missing values (in `subset`, if given); with how: "all", rows missing everything go. */
  dropna(options: { subset?: readonly string[]; how?: 'any' | 'all' } = {}): DataFrame {
    const pl = polars();
    const columns = options.subset ? [...options.subset] : this.columns;
    checkColumns(columns, this.columns, 'dropna');
    if (options.how !== 'all') return new DataFrame(this.inner.dropNulls(columns));
    return new DataFrame(this.inner.filter(columns.map((c) => pl.col(c).isNotNull()).reduce((a, b) => a.or(b))));
  }

  /** Rows where `mask` is true, as `df[mask]`: `df.filter(df.col("body_mass_g").gt(4000))`. */
  filter(mask: Series | readonly boolean[]): DataFrame {
    const values = mask instanceof Series ? mask.inner : polars().Series('mask', [...mask]);
    if (values.len() !== this.length)
      throw new RangeError(
        `filter: the mask has ${values.len()} values for ${this.length} rows; build it from this frame's columns (df.col(…).gt(…)).`,
      );
    return new DataFrame(this.inner.filter(values as never));
  }

  /** Sorted by one or more columns; missing values last, as pandas. */
  sortValues(by: string | readonly string[], options: { ascending?: boolean | readonly boolean[] } = {}): DataFrame {
    const keys = typeof by === 'string' ? [by] : [...by];
    checkColumns(keys, this.columns, 'sortValues');
    const ascending = options.ascending ?? true;
    const descending = typeof ascending === 'boolean' ? keys.map(() => !ascending) : ascending.map((a) => !a);
    return new DataFrame(this.inner.sort(keys, descending, true, true));
  }

  groupby(by: string | readonly string[]): GroupBy {
    return new GroupBy(this.inner, by);
  }

  merge(right: DataFrame, options: MergeOptions = {}): DataFrame {
    return new DataFrame(merge(this.inner, right.inner, options));
  }

  /** pandas' pivot_table: one row per `index` value, one column per `columns` value, `values` aggregated. */
  pivot(options: PivotOptions): DataFrame {
    return new DataFrame(pivot(this.inner, options));
  }

  /** New or replaced columns: a Series built from this frame's columns, an array, or one value for every row. */
  assign(columns: Readonly<Record<string, Series | readonly Scalar[] | Scalar>>): DataFrame {
    const pl = polars();
    const series = Object.entries(columns).map(([name, value]) => {
      if (value instanceof Series) return value.inner.rename(name);
      if (Array.isArray(value)) return pl.Series(name, [...value]);
      return pl.Series(
        name,
        Array.from({ length: this.length }, () => value),
      );
    });
    for (const s of series)
      if (s.len() !== this.length) throw new RangeError(`assign: "${s.name}" has ${s.len()} values for ${this.length} rows.`);
    return new DataFrame(this.inner.withColumns(...series));
  }

  astype(types: Readonly<Record<string, DType>>): DataFrame {
    return this.assign(Object.fromEntries(Object.entries(types).map(([name, dtype]) => [name, this.col(name).astype(dtype)])));
  }

  select(columns: readonly string[]): DataFrame {
    checkColumns(columns, this.columns, 'select');
    return new DataFrame(this.inner.select(...columns));
  }

  drop(columns: string | readonly string[]): DataFrame {
    const names = typeof columns === 'string' ? [columns] : [...columns];
    checkColumns(names, this.columns, 'drop');
    return new DataFrame(this.inner.drop(names));
  }

  rename(mapping: Readonly<Record<string, string>>): DataFrame {
    checkColumns(Object.keys(mapping), this.columns, 'rename');
    return new DataFrame(this.inner.rename({ ...mapping }));
  }

  /** Rows that repeat an earlier row (on `subset`) removed, first occurrence kept. */
  dropDuplicates(subset?: readonly string[]): DataFrame {
    if (subset) checkColumns(subset, this.columns, 'dropDuplicates');
    return new DataFrame(this.inner.unique(subset ? [...subset] : undefined, 'first', true));
  }

  toRecords(): Record<string, Scalar>[] {
    return this.inner.toRecords() as Record<string, Scalar>[];
  }

  /** Numeric columns as rows of numbers, what `ml` models take; missing values are an error. */
  toMatrix(columns: readonly string[] = this.columns): number[][] {
    checkColumns(columns, this.columns, 'toMatrix');
    const arrays = columns.map((name) => {
      const s = this.inner.getColumn(name);
      if (!isNumeric(s) && dtypeOf(s) !== 'bool')
        throw new TypeError(`toMatrix: column "${name}" is ${dtypeOf(s)}; encode it (ml.OneHotEncoder, ml.LabelEncoder) or leave it out.`);
      if (s.nullCount())
        throw new TypeError(
          `toMatrix: column "${name}" misses ${s.nullCount()} values; fill them (fillna) or drop those rows (dropna) first.`,
        );
      return s.cast(polars().Float64).toArray() as number[];
    });
    return Array.from({ length: this.length }, (_, i) => arrays.map((a) => a[i] as number));
  }

  /** Writes CSV; returns the absolute path. */
  toCsv(path: string): string {
    return writeCsv(this.inner, path);
  }

  /** Writes JSON records (an array of objects); returns the absolute path. */
  toJson(path: string): string {
    const file = resolve(path);
    writeFileSync(file, `${JSON.stringify(this.toRecords(), null, 1)}\n`);
    return file;
  }

  [RICH_VIEW](): Rich {
    const [rows, columns] = this.shape;
    return table(this.inner.head(SHOWN_ROWS).toObject() as Record<string, unknown[]>, {
      title: `${rows} row${rows === 1 ? '' : 's'} × ${columns} column${columns === 1 ? '' : 's'}`,
      maxRows: SHOWN_ROWS,
    });
  }

  [inspect.custom](): string {
    return this[RICH_VIEW]().data['text/plain'];
  }

  private take(rows: readonly number[]): DataFrame {
    const pl = polars();
    const indexed = this.inner.withRowIndex('__row');
    const order = pl.DataFrame({ __row: rows }, { schema: { __row: pl.UInt32 } });
    return new DataFrame(order.join(indexed, { on: '__row', how: 'left' } as never).drop('__row') as PlFrame);
  }

  private eachColumn(fn: (s: ReturnType<PlFrame['getColumn']>) => ReturnType<PlFrame['getColumn']>): DataFrame {
    return new DataFrame(polars().DataFrame(this.inner.getColumns().map((s) => fn(s).rename(s.name))));
  }

  private reduce<T>(fn: (s: Series) => T): Record<string, T> {
    const columns = this.inner.getColumns().filter((s) => isNumeric(s) || dtypeOf(s) === 'bool');
    return Object.fromEntries(columns.map((s) => [s.name, fn(new Series(s))]));
  }
}
