// groupby(...).agg(...) with pandas' results: one row per group sorted by the keys, groups whose key
// is missing left out.
import { aggregation, type Aggregation } from './aggregations';
import { isNumeric } from './dtypes';
import { checkColumns } from './errors';
import { DataFrame } from './frame';
import { polars, type Expr, type PlFrame } from './polars';

export type { Aggregation };

export class GroupBy {
  private readonly keys: string[];

  constructor(
    private readonly frame: PlFrame,
    by: string | readonly string[],
  ) {
    this.keys = typeof by === 'string' ? [by] : [...by];
    checkColumns(this.keys, frame.columns, 'groupby');
  }

  /**
   * `{ body_mass_g: 'mean' }` keeps the column's name; `{ body_mass_g: ['mean', 'std'] }` names
   * the results body_mass_g_mean and body_mass_g_std.
   */
  agg(spec: Readonly<Record<string, Aggregation | readonly Aggregation[]>>): DataFrame {
    checkColumns(Object.keys(spec), this.frame.columns, 'agg');
    const exprs = Object.entries(spec).flatMap(([column, wanted]) => {
      const list = typeof wanted === 'string' ? [wanted] : wanted;
      return list.map((name) => aggregation(name, column, 'agg').alias(typeof wanted === 'string' ? column : `${column}_${name}`));
    });
    return this.run(exprs);
  }

  /** Rows per group, missing values included. */
  size(): DataFrame {
    return this.run([polars().len().alias('size')]);
  }

  count(): DataFrame {
    return this.every('count', () => true);
  }

  sum(): DataFrame {
    return this.every('sum');
  }

  mean(): DataFrame {
    return this.every('mean');
  }

  median(): DataFrame {
    return this.every('median');
  }

  min(): DataFrame {
    return this.every('min');
  }

  max(): DataFrame {
    return this.every('max');
  }

  std(): DataFrame {
    return this.every('std');
  }

  /** One aggregation over every other column (numeric ones only, unless `include` says otherwise). */
  private every(name: Aggregation, include = (column: string) => isNumeric(this.frame.getColumn(column))): DataFrame {
    const columns = this.frame.columns.filter((c) => !this.keys.includes(c) && include(c));
    return this.agg(Object.fromEntries(columns.map((c) => [c, name])));
  }

  private run(exprs: Expr[]): DataFrame {
    const pl = polars();
    const present = this.keys.reduce((frame, key) => frame.filter(pl.col(key).isNotNull()), this.frame);
    return new DataFrame(
      present
        .groupBy(this.keys)
        .agg(...exprs)
        .sort(this.keys),
    );
  }
}
