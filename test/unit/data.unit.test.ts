// `data` against pandas: the reference values come from test/fixtures/parity/data_reference.py
// (Debian's python3-pandas) on the shipped penguins and a seeded CSV with missing values.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIME, type ChartPayload, type TablePayload } from '../../contracts/mime';
import { data, type DataFrame } from '../../sdk';
import { toMimeBundle } from '../../sdk/display/bundle';

const PARITY = join(__dirname, '../fixtures/parity');
const reference = JSON.parse(readFileSync(join(PARITY, 'data.json'), 'utf8'));
const penguinsFile = join(__dirname, '../../labs/data/penguins.json');
const MASS = 'Body Mass (g)';
const BEAK = 'Beak Length (mm)';

/** Equal, numbers to 1e-9 relative; pandas' NaN arrives as null. */
function same(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${where}: ${actual} vs pandas ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${where}: ${actual.length} items vs pandas' ${expected.length}`);
    expected.forEach((e, i) => same(actual[i], e, `${where}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${where}: columns`);
    for (const [k, e] of Object.entries(expected)) same((actual as Record<string, unknown>)[k], e, `${where}.${k}`);
  } else {
    assert.equal(actual, expected, where);
  }
}

function describeColumns(frame: DataFrame): Record<string, unknown[]> {
  const records = frame.describe().toRecords();
  const stats = records.map((r) => r.statistic);
  assert.deepEqual(stats, ['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max']);
  return Object.fromEntries(
    frame
      .describe()
      .columns.filter((c) => c !== 'statistic')
      .map((c) => [c, records.map((r) => r[c])]),
  );
}

describe(`data matches pandas ${reference.pandas} to 1e-9`, () => {
  const penguins = data.readJson(penguinsFile);
  const p = reference.penguins;

  it('reads a messy CSV as pandas does: its missing values, its types, describe() and groupby', () => {
    const messy = data.readCsv(join(PARITY, 'messy.csv'));
    const m = reference.messy;
    same(messy.shape, m.shape, 'shape');
    same(messy.isna().sum(), m.nulls, 'isna().sum()');
    assert.deepEqual(messy.dtypes, { group: 'string', count: 'float64', score: 'float64', label: 'string' });
    same(describeColumns(messy), m.describe, 'describe');
    same(messy.groupby('group').mean().toRecords(), m.groupbyMean, 'groupby mean');
    same(
      messy
        .groupby(['group', 'label'])
        .agg({ count: ['sum'], score: ['std', 'count'], label: ['size'] })
        .toRecords(),
      m.groupbyAgg,
      'groupby agg',
    );
  });

  it('describe() on columns with missing values: count without them, std with ddof 1, linear quartiles', () => {
    same(penguins.shape, p.shape, 'shape');
    same(penguins.isna().sum(), p.nulls, 'isna().sum()');
    same(describeColumns(penguins), p.describe, 'describe');
    for (const [q, value] of Object.entries(p.quantiles)) same(penguins.col(MASS).quantile(Number(q)), value, `quantile ${q}`);
  });

  it('value counts, groupby with several aggregations, pivot tables', () => {
    same(penguins.col('Island').valueCounts().toRecords(), p.valueCounts, 'valueCounts');
    same(penguins.col('Species').valueCounts({ normalize: true }).toRecords(), p.proportions, 'valueCounts normalize');
    same(penguins.groupby('Species').mean().toRecords(), p.groupbyMean, 'groupby mean');
    const agg = penguins
      .groupby(['Species', 'Sex'])
      .agg({ [MASS]: ['mean', 'std', 'median'], [BEAK]: ['min', 'max', 'count'], Island: ['nunique'] });
    same(agg.toRecords(), p.groupbyAgg, 'groupby agg');
    same(penguins.pivot({ index: 'Species', columns: 'Island', values: MASS }).toRecords(), p.pivot, 'pivot mean');
    same(penguins.pivot({ index: 'Island', columns: 'Sex', values: BEAK, agg: 'count' }).toRecords(), p.pivotCount, 'pivot count');
  });

  it('merges inner, left, right and outer with pandas’ rows, order and suffixes', () => {
    const islands = data.frame({ Island: ['Biscoe', 'Dream', 'Anvers'], Area: [1, 2.5, 40], 'Flipper Length (mm)': [1, 2, 3] });
    same(penguins.merge(islands, { on: 'Island' }).toRecords(), p.mergeInner, 'inner');
    same(penguins.merge(islands, { on: 'Island', how: 'left' }).toRecords(), p.mergeLeft, 'left');
    const counts = penguins.groupby('Island').size();
    same(counts.merge(islands, { on: 'Island', how: 'outer' }).toRecords(), p.mergeOuter, 'outer');
    same(counts.merge(islands, { on: 'Island', how: 'right' }).toRecords(), p.mergeRight, 'right');
  });

  it('cleans: fillna, dropna, masks, outliers and sorting', () => {
    same(
      penguins
        .fillna({ [BEAK]: penguins.col(BEAK).median() })
        .col(BEAK)
        .mean(),
      p.fillnaMedian,
      'fillna median',
    );
    same(penguins.dropna().shape, p.dropna, 'dropna');
    same(penguins.dropna({ subset: [MASS] }).shape, p.dropnaSubset, 'dropna subset');
    same(penguins.col(BEAK).isOutlier().sum(), p.iqrOutliers, 'IQR outliers');
    same(penguins.filter(penguins.col(MASS).gt(4000).and(penguins.col('Species').eq('Adelie'))).length, p.heavyAdelie, 'filter');
    same(
      penguins
        .sortValues([MASS, BEAK], { ascending: [false, true] })
        .head(5)
        .toRecords(),
      p.sortedTop,
      'sortValues',
    );
  });
});

describe('data', () => {
  const frame = data.frame({ kind: ['a', 'b', 'a', null], size: [1, 2, null, 4] });

  it('names a missing column, the columns there are and the closest one', () => {
    assert.throws(() => frame.col('sise'), /no column "sise"\. Columns are: kind, size\. Did you mean "size"\?/);
    assert.throws(() => frame.groupby('knd'), /groupby: no column "knd"/);
    assert.throws(() => frame.merge(frame, { on: 'x' }), /merge \(left frame\): no column "x"/);
    assert.throws(() => frame.describe().col('kind'), /Columns are: statistic, size/);
  });

  it('says what to do with bad input', () => {
    assert.throws(() => data.readCsv('no-such.csv'), /readCsv: no file at .*no-such\.csv\. Relative paths start at the notebook's folder/);
    assert.throws(
      () => frame.toMatrix(['size']),
      /column "size" misses 1 values; fill them \(fillna\) or drop those rows \(dropna\) first/,
    );
    assert.throws(() => frame.toMatrix(['kind']), /column "kind" is string; encode it/);
    assert.throws(() => frame.col('kind').mean(), /column "kind" is string, not numbers/);
    assert.throws(() => frame.filter([true]), /the mask has 1 values for 4 rows/);
    assert.throws(() => data.frame({ a: [1], b: [1, 2] }), /columns must be arrays of one length; got a: 1, b: 2/);
    assert.throws(() => frame.groupby('kind').agg({ size: 'avg' as never }), /unknown aggregation "avg" for "size"/);
    assert.throws(() => data.frame({ a: ['1', 'x'] }).astype({ a: 'float64' }), /column "a" \(string\) cannot all be read as float64/);
  });

  it('compares missing values as pandas compares NaN: false, except "not equal"', () => {
    assert.deepEqual(frame.col('size').gt(1).toArray(), [false, true, false, true]);
    assert.deepEqual(frame.col('size').gt(1).not().toArray(), [true, false, true, false]);
    assert.deepEqual(frame.col('size').ne(2).toArray(), [true, false, true, true]);
    assert.deepEqual(frame.col('size').add(frame.col('size')).toArray(), [2, 4, null, 8]);
  });

  it('writes CSV and JSON that read back the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aielab-data-'));
    const back = data.readCsv(frame.toCsv(join(dir, 'f.csv')));
    assert.deepEqual(back.toRecords(), frame.toRecords());
    assert.deepEqual(data.readJson(frame.toJson(join(dir, 'f.json'))).toRecords(), frame.toRecords());
    writeFileSync(join(dir, 'lines.json'), '{"a": 1}\n{"a": null}\n');
    assert.deepEqual(data.readJson(join(dir, 'lines.json')).toRecords(), [{ a: 1 }, { a: null }]);
  });

  it('lets every row decide a CSV column’s type, as pandas does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aielab-data-'));
    const lines = Array.from({ length: 300 }, (_, i) => `${i},${i < 250 ? '' : i / 2},${i === 280 ? 'x' : i}`);
    writeFileSync(join(dir, 'late.csv'), `id,late,text\n${lines.join('\n')}\n`);
    const late = data.readCsv(join(dir, 'late.csv'));
    assert.deepEqual(late.dtypes, { id: 'int64', late: 'float64', text: 'string' });
    assert.equal(
      late.col('late').sum(),
      Array.from({ length: 50 }, (_, i) => (250 + i) / 2).reduce((a, b) => a + b),
    );
  });

  it('samples the same rows for the same seed', () => {
    const penguins = data.readJson(penguinsFile);
    assert.deepEqual(penguins.sample(5, { seed: 3 }).toRecords(), penguins.sample(5, { seed: 3 }).toRecords());
    assert.notDeepEqual(penguins.sample(5, { seed: 3 }).toRecords(), penguins.sample(5, { seed: 4 }).toRecords());
  });

  it('shows a frame as a table with its size, and plots through the chart protocol', () => {
    const penguins = data.readJson(penguinsFile);
    const shown = toMimeBundle(penguins.head(3))[MIME.table] as TablePayload;
    assert.equal(shown.title, '3 rows × 7 columns');
    assert.deepEqual(
      shown.columns.map((c) => c.type),
      ['string', 'string', 'number', 'number', 'number', 'number', 'string'],
    );
    const hist = toMimeBundle(penguins.plot.hist(MASS, { by: 'Species', bins: 10 }))[MIME.chart] as ChartPayload;
    assert.deepEqual(
      hist.series.map((s) => s.name),
      ['Adelie', 'Chinstrap', 'Gentoo'],
    );
    assert.equal(
      hist.series.reduce((n, s) => n + s.y.reduce((a, b) => a + b, 0), 0),
      342,
    );
    const scatter = toMimeBundle(penguins.plot.scatter(BEAK, MASS))[MIME.chart] as ChartPayload;
    assert.equal(scatter.series[0]?.x.length, 342);
    const bar = toMimeBundle(penguins.plot.bar('Island'))[MIME.chart] as ChartPayload;
    assert.deepEqual(bar.series[0]?.x, ['Biscoe', 'Dream', 'Torgersen']);
    assert.deepEqual(bar.series[0]?.y, [168, 124, 52]);
  });
});
