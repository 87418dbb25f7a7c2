// The statistics groupby and pivot apply to each group, skipping missing values as pandas does
// ("first" and "last" are the first and last values present).
import { polars, type Expr } from './polars';

export type Aggregation = 'count' | 'size' | 'sum' | 'mean' | 'median' | 'min' | 'max' | 'std' | 'var' | 'first' | 'last' | 'nunique';

const AGGREGATIONS: Record<Aggregation, (c: Expr) => Expr> = {
  count: (c) => c.count(),
  size: () => polars().len(),
  sum: (c) => c.sum(),
  mean: (c) => c.mean(),
  median: (c) => c.median(),
  min: (c) => c.min(),
  max: (c) => c.max(),
  std: (c) => c.std(),
  var: (c) => c.var(),
  first: (c) => c.dropNulls().first(),
  last: (c) => c.dropNulls().last(),
  nunique: (c) => c.dropNulls().nUnique(),
};

export function aggregation(name: Aggregation, column: string, where: string): Expr {
  const fn = AGGREGATIONS[name];
  if (!fn)
    throw new TypeError(`${where}: unknown aggregation "${name}" for "${column}". Use one of ${Object.keys(AGGREGATIONS).join(', ')}.`);
  return fn(polars().col(column));
}
