// describe() and info(): pandas' summaries. describe covers the numeric columns with count (missing
// values excluded), mean, std (ddof = 1), min, the quartiles (linear interpolation) and max.
import { isNumeric } from './dtypes';
import { polars, type Expr, type PlFrame } from './polars';

export const STATISTICS = ['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'] as const;

const STATISTIC: Record<(typeof STATISTICS)[number], (c: Expr) => Expr> = {
  count: (c) => c.count(),
  mean: (c) => c.mean(),
  std: (c) => c.std(),
  min: (c) => c.min(),
  '25%': (c) => c.quantile(0.25, 'linear'),
  '50%': (c) => c.quantile(0.5, 'linear'),
  '75%': (c) => c.quantile(0.75, 'linear'),
  max: (c) => c.max(),
};

export function describeFrame(frame: PlFrame): PlFrame {
  const pl = polars();
  const numeric = frame.getColumns().filter(isNumeric).map((s) => s.name);
  if (!numeric.length) throw new TypeError(`describe: no numeric columns (columns: ${frame.columns.join(', ')}). Use valueCounts() on text columns, or astype("float64") on numbers read as text.`);
  const exprs = numeric.flatMap((name, i) => STATISTICS.map((stat, j) => STATISTIC[stat](pl.col(name).cast(pl.Float64)).alias(`${i}:${j}`)));
  const row = frame.select(...exprs).toRecords()[0] as Record<string, number | null>;
  const columns: Record<string, unknown[]> = { statistic: [...STATISTICS] };
  numeric.forEach((name, i) => (columns[name] = STATISTICS.map((_, j) => row[`${i}:${j}`] ?? null)));
  return pl.DataFrame(columns, { schema: { statistic: pl.String, ...Object.fromEntries(numeric.map((n) => [n, pl.Float64])) } });
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
