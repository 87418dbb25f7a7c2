// describe() and info(): pandas' summaries. describe covers the numeric columns with count (missing
// values excluded), mean, std (ddof = 1), min, the quartiles (linear interpolation) and max.
// Statistics are asked of each column directly where polars' Series has them: a polars expression
// costs about a millisecond to build, which would make describe() on a small table slow.
import { isNumeric } from './dtypes';
import { polars, type PlFrame, type PlSeries } from './polars';

export const STATISTICS = ['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'] as const;

export function describeFrame(frame: PlFrame): PlFrame {
  const pl = polars();
  const numeric = frame.getColumns().filter(isNumeric);
  if (!numeric.length)
    throw new TypeError(
      `describe: no numeric columns (columns: ${frame.columns.join(', ')}). Use valueCounts() on text columns, or astype("float64") on numbers read as text.`,
    );
  // One expression per column (not per statistic): polars' std beats copying a large column out.
  const std = frame.select(...numeric.map((s) => pl.col(s.name).cast(pl.Float64).std().alias(s.name))).toRecords()[0] as Record<
    string,
    number | null
  >;
  const columns: Record<string, unknown[]> = { statistic: [...STATISTICS] };
  for (const series of numeric) columns[series.name] = describeSeries(series, std[series.name] ?? null);
  return pl.DataFrame(columns, { schema: { statistic: pl.String, ...Object.fromEntries(numeric.map((s) => [s.name, pl.Float64])) } });
}

function describeSeries(series: PlSeries, std: number | null): Array<number | null> {
  const count = series.len() - series.nullCount();
  if (!count) return [0, null, null, null, null, null, null, null];
  const value = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  // polars finds quantiles of a sorted column at once; sorting first beats three selections.
  const sorted = series.sort();
  const quartiles = [0.25, 0.5, 0.75].map((q) => value(sorted.quantile(q, 'linear')));
  return [count, value(series.mean()), std, value(series.min()), ...quartiles, value(series.max())];
}

/** Variance with ddof = 1 over the values present, two-pass; null under two values. */
export function sampleVariance(series: PlSeries): number | null {
  const values = series.dropNulls().cast(polars().Float64).toTypedArray() as Float64Array;
  if (values.length < 2) return null;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return squares / (values.length - 1);
}

export function infoFrame(frame: PlFrame, dtype: (name: string) => string): PlFrame {
  const pl = polars();
  const columns = frame.getColumns();
  return pl.DataFrame({
    column: columns.map((s) => s.name),
    dtype: columns.map((s) => dtype(s.name)),
    'non-null': columns.map((s) => s.len() - s.nullCount()),
    null: columns.map((s) => s.nullCount()),
  });
}
