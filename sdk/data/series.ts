// Series: one column with pandas' manners: statistics skip missing values (std and var with
// ddof = 1, quantiles by linear interpolation), comparisons give a mask for DataFrame.filter
// (a missing value compares false, as NaN does), arithmetic keeps missing values missing.
import { inspect } from 'node:util';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { dtypeOf, isNumeric, polarsType, type DType } from './dtypes';
import { polars, type Expr, type PlSeries } from './polars';
import { DataFrame } from './frame';
import { sampleVariance } from './summary';

export type Scalar = number | string | boolean | null;
type Operand = Series | Scalar;

export interface OutlierOptions {
  /** "iqr" (Tukey's fences, the default) or "zscore". */
  method?: 'iqr' | 'zscore';
  /** IQR multiplier for the fences; default 1.5. */
  k?: number;
  /** |z| above this is an outlier; default 3. */
  threshold?: number;
}

export class Series {
  constructor(readonly inner: PlSeries) {}

  get name(): string {
    return this.inner.name;
  }

  get dtype(): DType | string {
    return dtypeOf(this.inner);
  }

  get length(): number {
    return this.inner.len();
  }

  toArray(): Scalar[] {
    return [...this.inner.toArray()].map((v) => (typeof v === 'bigint' ? Number(v) : v)) as Scalar[];
  }

  head(n = 5): Series {
    return new Series(this.inner.head(n));
  }

  rename(name: string): Series {
    return new Series(this.inner.rename(name));
  }

  /** Values that are not missing. */
  count(): number {
    return this.inner.len() - this.inner.nullCount();
  }

  nullCount(): number {
    return this.inner.nullCount();
  }

  sum(): number {
    this.requireNumeric('sum');
    return Number(this.numbers().sum() ?? 0);
  }

  mean(): number | null {
    this.requireNumeric('mean');
    return this.count() ? Number(this.numbers().mean()) : null;
  }

  median(): number | null {
    return this.quantile(0.5);
  }

  /** Sample standard deviation (ddof = 1), as pandas. */
  std(): number | null {
    const variance = this.var();
    return variance === null ? null : Math.sqrt(variance);
  }

  var(): number | null {
    this.requireNumeric('var');
    return sampleVariance(this.inner);
  }

  min(): Scalar {
    return this.count() ? scalar(this.inner.min()) : null;
  }

  max(): Scalar {
    return this.count() ? scalar(this.inner.max()) : null;
  }

  /** The q-quantile (0 ≤ q ≤ 1) by linear interpolation, as pandas and numpy. */
  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be between 0 and 1; got ${q}.`);
    this.requireNumeric('quantile');
    return this.count() ? Number(this.inner.quantile(q, 'linear')) : null;
  }

  /** Distinct values in order of appearance, missing values left out. */
  unique(): Scalar[] {
    return new Series(this.inner.dropNulls().unique(true)).toArray();
  }

  nUnique(): number {
    return this.inner.dropNulls().nUnique();
  }

  /** How often each value occurs, most frequent first (ties by value), missing values left out. */
  valueCounts(options: { normalize?: boolean } = {}): DataFrame {
    const pl = polars();
    const name = this.name || 'value';
    const column = options.normalize ? 'proportion' : 'count';
    const present = this.inner.dropNulls().rename(name);
    const total = present.len();
    const counts = present.toFrame().groupBy(name).agg(pl.len().alias(column));
    const sorted = counts.sort([column, name], [true, false]);
    return new DataFrame(options.normalize ? sorted.withColumns(pl.col(column).div(pl.lit(total)).alias(column)) : sorted);
  }

  isna(): Series {
    return new Series(this.inner.isNull());
  }

  notna(): Series {
    return new Series(this.inner.isNotNull());
  }

  fillna(value: Scalar): Series {
    return this.map1((c) => c.fillNull(polars().lit(value)));
  }

  gt(other: Operand): Series {
    return this.compare(other, (a, b) => a.gt(b));
  }

  ge(other: Operand): Series {
    return this.compare(other, (a, b) => a.gtEq(b));
  }

  lt(other: Operand): Series {
    return this.compare(other, (a, b) => a.lt(b));
  }

  le(other: Operand): Series {
    return this.compare(other, (a, b) => a.ltEq(b));
  }

  eq(other: Operand): Series {
    return this.compare(other, (a, b) => a.eq(b));
  }

  /** True where a value is missing, as NaN != x is true in pandas. */
  ne(other: Operand): Series {
    return this.compare(other, (a, b) => a.neq(b), true);
  }

  isIn(values: readonly Scalar[]): Series {
    return this.map1((c) => c.isIn([...values]).fillNull(polars().lit(false)));
  }

  and(other: Series): Series {
    return this.map2(other, (a, b) => a.and(b));
  }

  or(other: Series): Series {
    return this.map2(other, (a, b) => a.or(b));
  }

  not(): Series {
    return this.map1((c) => c.not());
  }

  add(other: Operand): Series {
    return this.arithmetic(other, (a, b) => a.add(b));
  }

  sub(other: Operand): Series {
    return this.arithmetic(other, (a, b) => a.sub(b));
  }

  mul(other: Operand): Series {
    return this.arithmetic(other, (a, b) => a.mul(b));
  }

  div(other: Operand): Series {
    return this.arithmetic(other, (a, b) => a.cast(polars().Float64).div(b));
  }

  /** Each value through `fn` (missing values stay missing); for what the operators do not cover. */
  map(fn: (value: Scalar, index: number) => Scalar): Series {
    const values = this.toArray().map((v, i) => (v === null ? null : fn(v, i)));
    return new Series(polars().Series(this.name, values));
  }

  astype(dtype: DType): Series {
    try {
      return new Series(this.inner.cast(polarsType(dtype), true));
    } catch (error) {
      throw new TypeError(
        `astype: column "${this.name}" (${this.dtype}) cannot all be read as ${dtype}: ${(error as Error).message.split('\n')[0]}. Clean or fill the values that do not convert first.`,
        { cause: error },
      );
    }
  }

  /** A mask of outliers: outside Q1 − k·IQR … Q3 + k·IQR, or |z| > threshold. Missing is not an outlier. */
  isOutlier(options: OutlierOptions = {}): Series {
    this.requireNumeric('isOutlier');
    if ((options.method ?? 'iqr') === 'zscore') {
      const [mean, std, threshold] = [this.mean() ?? 0, this.std() ?? 0, options.threshold ?? 3];
      return this.map1((c) =>
        c
          .sub(mean)
          .div(std || 1)
          .abs()
          .gt(threshold)
          .fillNull(polars().lit(false)),
      );
    }
    const [q1, q3, k] = [this.quantile(0.25) ?? 0, this.quantile(0.75) ?? 0, options.k ?? 1.5];
    const iqr = q3 - q1;
    return this.map1((c) =>
      c
        .lt(q1 - k * iqr)
        .or(c.gt(q3 + k * iqr))
        .fillNull(polars().lit(false)),
    );
  }

  [RICH_VIEW](): Rich {
    return table({ [this.name]: this.inner.head(10_000).toArray() }, { title: `${this.name} · ${this.dtype} · ${this.length} values` });
  }

  [inspect.custom](): string {
    return this[RICH_VIEW]().data['text/plain'];
  }

  private requireNumeric(where: string): void {
    if (!isNumeric(this.inner) && this.dtype !== 'bool')
      throw new TypeError(
        `${where}: column "${this.name}" is ${this.dtype}, not numbers. Convert it with astype("float64") or pick a numeric column.`,
      );
  }

  /** true/false as 1/0, so that sum() counts and mean() gives a share. */
  private numbers(): PlSeries {
    return this.dtype === 'bool' ? this.inner.cast(polars().Int64) : this.inner;
  }

  private map1(fn: (c: Expr) => Expr): Series {
    const pl = polars();
    const frame = pl.DataFrame([this.inner.rename('a')]);
    return new Series(frame.select(fn(pl.col('a')).alias(this.name)).getColumn(this.name));
  }

  private map2(other: Series, fn: (a: Expr, b: Expr) => Expr): Series {
    if (other.length !== this.length)
      throw new RangeError(
        `"${this.name}" has ${this.length} values and "${other.name}" ${other.length}; columns of one DataFrame line up.`,
      );
    const pl = polars();
    const frame = pl.DataFrame([this.inner.rename('a'), other.inner.rename('b')]);
    return new Series(frame.select(fn(pl.col('a'), pl.col('b')).alias(this.name)).getColumn(this.name));
  }

  private operand(other: Operand, fn: (a: Expr, b: Expr) => Expr): Series {
    return other instanceof Series ? this.map2(other, fn) : this.map1((a) => fn(a, polars().lit(other)));
  }

  private compare(other: Operand, fn: (a: Expr, b: Expr) => Expr, missing = false): Series {
    return this.operand(other, (a, b) => fn(a, b).fillNull(polars().lit(missing)));
  }

  private arithmetic(other: Operand, fn: (a: Expr, b: Expr) => Expr): Series {
    this.requireNumeric('arithmetic');
    return this.operand(other, fn);
  }
}

function scalar(value: unknown): Scalar {
  return typeof value === 'bigint' ? Number(value) : ((value ?? null) as Scalar);
}
