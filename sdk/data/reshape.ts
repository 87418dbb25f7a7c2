// merge() and pivot() with pandas' results: merge keeps pandas' documented row order (the left
// frame's for inner and left joins, the right's for right joins, sorted keys for outer) and its
// _x/_y suffixes;
// pivot is pandas' pivot_table (mean by default, rows and columns sorted).
import { checkColumns } from './errors';
import { polars, type PlFrame } from './polars';
import { aggregation, type Aggregation } from './aggregations';

export interface MergeOptions {
  /** Key column(s) in both frames; by default the columns they share. */
  on?: string | readonly string[];
  how?: 'inner' | 'left' | 'right' | 'outer';
  /** Added to other columns both frames have; default ["_x", "_y"]. */
  suffixes?: readonly [string, string];
}

export interface PivotOptions {
  index: string;
  columns: string;
  values: string;
  agg?: Extract<Aggregation, 'mean' | 'sum' | 'count' | 'min' | 'max' | 'median' | 'first' | 'last'>;
}

const LEFT_ROW = '__aielab_left_row';
const RIGHT_ROW = '__aielab_right_row';

export function merge(left: PlFrame, right: PlFrame, options: MergeOptions = {}): PlFrame {
  const pl = polars();
  const keys =
    options.on === undefined
      ? left.columns.filter((c) => right.columns.includes(c))
      : typeof options.on === 'string'
        ? [options.on]
        : [...options.on];
  if (!keys.length)
    throw new TypeError(
      `merge: the frames share no column to join on (left: ${left.columns.join(', ')}; right: ${right.columns.join(', ')}). Pass { on: "column" }.`,
    );
  checkColumns(keys, left.columns, 'merge (left frame)');
  checkColumns(keys, right.columns, 'merge (right frame)');
  const [leftSuffix, rightSuffix] = options.suffixes ?? ['_x', '_y'];
  const shared = left.columns.filter((c) => right.columns.includes(c) && !keys.includes(c));
  const renamedLeft = left.rename(Object.fromEntries(shared.map((c) => [c, c + leftSuffix]))).withRowIndex(LEFT_ROW);
  const renamedRight = right.rename(Object.fromEntries(shared.map((c) => [c, c + rightSuffix]))).withRowIndex(RIGHT_ROW);
  const how = options.how ?? 'inner';
  if (!['inner', 'left', 'right', 'outer'].includes(how))
    throw new TypeError(`merge: how must be "inner", "left", "right" or "outer"; got "${how}".`);
  const joined = renamedLeft.join(renamedRight, { on: keys, how: how === 'outer' ? 'full' : how, coalesce: true } as never) as PlFrame;
  const order = how === 'outer' ? [...keys, LEFT_ROW, RIGHT_ROW] : how === 'right' ? [RIGHT_ROW, LEFT_ROW] : [LEFT_ROW, RIGHT_ROW];
  const sorted = joined.sort(order, false, true);
  const columns = [
    ...renamedLeft.columns.filter((c) => c !== LEFT_ROW),
    ...renamedRight.columns.filter((c) => c !== RIGHT_ROW && !keys.includes(c)),
  ];
  return sorted.select(...columns.map((c) => pl.col(c)));
}

export function pivot(frame: PlFrame, options: PivotOptions): PlFrame {
  const pl = polars();
  const { index, columns, values } = options;
  checkColumns([index, columns, values], frame.columns, 'pivot');
  const agg = options.agg ?? 'mean';
  const present = frame.filter(pl.col(index).isNotNull().and(pl.col(columns).isNotNull()));
  const grouped = present.groupBy([index, columns]).agg(aggregation(agg, values, 'pivot').alias(values));
  const keys = grouped.getColumn(columns).toArray();
  // Column names as JavaScript writes the values (polars would name the column for 1 "1.0").
  const named = grouped.withColumns(pl.Series(columns, keys.map(String)));
  const wide = named.pivot(values, { index, on: columns, aggregateFunc: 'first' }).sort(index);
  const names = [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
  // pandas leaves out a column with no value at all (every combination missing).
  const kept = names.filter((n) => wide.getColumn(n).nullCount() < wide.height);
  return wide.select(pl.col(index), ...kept.map((n) => pl.col(n)));
}
