import { strict as assert } from 'node:assert';
import {
  MIME,
  type ChartPayload,
  type ConfusionPayload,
  type MetricsPayload,
  type ProgressPayload,
  type TablePayload,
} from '../../contracts/mime';
import { chart, confusion, image, metrics, table } from '../../sdk';
import { toMimeBundle } from '../../sdk/display/bundle';
import { useDisplaySink } from '../../sdk/display/display';
import { Progress } from '../../sdk/display/progress';
import { alignedTable, formatNumber, progressBar, sparkline } from '../../sdk/display/text';
import type { MimeBundle } from '../../contracts/protocol';

describe('display payloads and their text', () => {
  it('formats numbers, aligned tables, sparklines and bars for a terminal', () => {
    assert.deepEqual([0.123456, 42, 1e-7, 2.5e9, -3.14159].map(formatNumber), ['0.1235', '42', '1.000e-7', '2500000000', '-3.142']);
    assert.equal(
      alignedTable(
        ['name', 'rows'],
        [
          ['iris', 150],
          ['wine', 178.5],
        ],
      ),
      'name   rows\n────  ─────\niris    150\nwine  178.5',
    );
    assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), '▁▂▃▄▅▆▇█');
    assert.equal(sparkline([5, 5, 5]), '▄▄▄');
    assert.equal(sparkline(Array.from({ length: 100 }, (_, i) => i)).length, 24);
    assert.equal(progressBar(0.5, 10), '▕█████░░░░░▏');
  });

  it('builds tables from records or columns, typed, cut to a maximum and counted', () => {
    const t = table(
      [
        { a: 1, b: 'x' },
        { a: 2, c: true },
        { a: null, b: new Date(0) },
      ],
      { title: 'T' },
    ).data;
    const payload = t[MIME.table] as TablePayload;
    assert.deepEqual(payload.columns, [
      { name: 'a', type: 'number' },
      { name: 'b', type: 'string' },
      { name: 'c', type: 'boolean' },
    ]);
    assert.deepEqual(payload.rows, [
      [1, 'x', null],
      [2, null, true],
      [null, '1970-01-01T00:00:00.000Z', null],
    ]);
    assert.match(t['text/plain'], /^T\na {2}b {25}c\n/);
    assert.match(String(t['text/html']), /^<table><caption>T<\/caption><thead><tr><th>a<\/th>/);
    const big = table({ n: Array.from({ length: 50 }, (_, i) => i) }, { maxRows: 30 }).data;
    assert.equal((big[MIME.table] as TablePayload).rows.length, 30);
    assert.equal((big[MIME.table] as TablePayload).totalRows, 50);
    assert.match(big['text/plain'], /… 30 more rows \(50 in all\)$/);
    assert.throws(() => table({ a: [1, 2], b: [1] }), /columns must have the same length; found a: 2, b: 1/);
  });

  it('spreads a field of flat objects over one column per key, and keeps deeper or mixed values as JSON', () => {
    // What a served classifier answers: a label and its probabilities by class.
    const predictions = [
      { label: 'versicolor', probabilities: { setosa: 0.0637, versicolor: 0.7071, virginica: 0.2292 } },
      { label: 'setosa', probabilities: { setosa: 0.98, versicolor: 0.02 } },
    ];
    const payload = table(predictions).data[MIME.table] as TablePayload;
    assert.deepEqual(
      payload.columns.map((c) => `${c.name}:${c.type}`),
      ['label:string', 'probabilities.setosa:number', 'probabilities.versicolor:number', 'probabilities.virginica:number'],
    );
    assert.deepEqual(payload.rows[1], ['setosa', 0.98, 0.02, null]);
    const kept = table([
      { a: { b: { c: 1 } }, d: { e: 1 } },
      { a: { b: { c: 2 } }, d: 3 },
    ]).data[MIME.table] as TablePayload;
    assert.deepEqual(kept.rows, [
      ['{"b":{"c":1}}', '{"e":1}'],
      ['{"b":{"c":2}}', 3],
    ]);
  });

  it('shows records and column objects as tables when they are a result, anything else as the REPL does', () => {
    assert.ok(MIME.table in toMimeBundle([{ a: 1 }, { a: 2 }]));
    assert.ok(MIME.table in toMimeBundle({ a: [1, 2], b: [3, 4] }));
    assert.deepEqual(toMimeBundle([1, 2]), { 'text/plain': '[ 1, 2 ]' });
    assert.deepEqual(toMimeBundle({ a: 1 }), { 'text/plain': '{ a: 1 }' });
    assert.deepEqual(toMimeBundle([]), { 'text/plain': '[]' });
    assert.deepEqual(toMimeBundle(new Map([[1, 2]])), { 'text/plain': 'Map(1) { 1 => 2 }' });
  });

  it('builds line, bar, scatter and histogram charts with summaries in text', () => {
    const line = chart.line({ loss: [1, 0.5, 0.25] }, { title: 'Loss' }).data;
    assert.deepEqual((line[MIME.chart] as ChartPayload).series, [{ name: 'loss', x: [0, 1, 2], y: [1, 0.5, 0.25] }]);
    assert.equal(line['text/plain'], 'Loss (line, 1 series, 3 points)\n  loss  █▃▁  1 → 0.25  (min 0.25, max 1)');
    const bar = chart.bar({ a: 2, b: 4 }).data;
    assert.deepEqual((bar[MIME.chart] as ChartPayload).series[0], { name: 'value', x: ['a', 'b'], y: [2, 4] });
    const grouped = chart.bar({ precision: [1, 0.8], recall: [0.9, 0.7] }, { x: ['cat', 'dog'] }).data[MIME.chart] as ChartPayload;
    assert.deepEqual(
      grouped.series.map((s) => [s.name, s.x, s.y]),
      [
        ['precision', ['cat', 'dog'], [1, 0.8]],
        ['recall', ['cat', 'dog'], [0.9, 0.7]],
      ],
    );
    const scatter = chart.scatter([[1, 2], { x: 3, y: 4 }]).data[MIME.chart] as ChartPayload;
    assert.deepEqual(scatter.series[0], { name: 'points', x: [1, 3], y: [2, 4] });
    const histogram = chart.histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { bins: 2 }).data;
    const h = histogram[MIME.chart] as ChartPayload;
    assert.deepEqual([h.series[0]?.x, h.series[0]?.y, h.binWidth], [[0, 4.5], [5, 5], 4.5]);
    assert.match(histogram['text/plain'], /0–4\.5 +5 {2}█+\n4\.5–9 +5 {2}█+$/);
    assert.throws(() => chart.line({ loss: [1, 'x' as unknown as number] }), /chart series "loss" must hold numbers; item 1 is "x"/);
    assert.throws(() => chart.histogram([]), /needs at least one finite number/);
  });

  it('builds metrics with per-class rows, and checks a confusion matrix is square', () => {
    const m = metrics({ accuracy: 0.9 }, { perClass: { cat: { precision: 1, recall: 0.8 }, dog: { recall: 1 } } }).data;
    assert.deepEqual((m[MIME.metrics] as MetricsPayload).classes, {
      columns: ['precision', 'recall'],
      rows: [
        { label: 'cat', values: [1, 0.8] },
        { label: 'dog', values: [NaN, 1] },
      ],
    });
    assert.match(m['text/plain'], /^accuracy {2}0\.9\n\n/);
    const c = confusion(
      [
        [3, 1],
        [0, 4],
      ],
      ['cat', 'dog'],
    ).data;
    assert.deepEqual((c[MIME.confusion] as ConfusionPayload).matrix, [
      [3, 1],
      [0, 4],
    ]);
    assert.match(c['text/plain'], /actual \\ predicted {2}cat {2}dog\n.*\ncat +3 +1\ndog +0 +4$/);
    assert.throws(() => confusion([[1, 2]], ['a', 'b']), /needs a 2×2 matrix for 2 labels; got 1 rows of 2/);
    assert.throws(() => metrics({ accuracy: '0.9' as unknown as number }), /metrics\(\) takes numbers; "accuracy" is "0.9"/);
  });

  it('describes a PNG by its size and refuses other bytes', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000280000001e008060000', 'hex');
    assert.deepEqual(image(png, { alt: 'plot' }).data, { 'image/png': png.toString('base64'), 'text/plain': '[image: plot, 640×480 PNG]' });
    assert.throws(() => image(Buffer.from('GIF89a')), /takes the bytes of a PNG file/);
  });

  it('redraws progress in place at most every 100 ms, and always its final state', async () => {
    const shown: MimeBundle[] = [];
    const updates: MimeBundle[] = [];
    useDisplaySink({ show: (data) => shown.push(data), update: (_, data) => updates.push(data) });
    const run = new Progress({ title: 'Fit', total: 1000, unit: 'batch' });
    for (let i = 1; i <= 1000; i++) run.log({ loss: 1 / i });
    assert.ok(updates.length < 5, `${updates.length} redraws for 1,000 steps in a tight loop`);
    run.done();
    const last = updates[updates.length - 1]?.[MIME.progress] as ProgressPayload;
    assert.equal(shown.length, 1);
    assert.deepEqual([last.step, last.status, last.metrics[0]?.points.length], [1000, 'done', 1000]);
    assert.match(updates[updates.length - 1]?.['text/plain'] ?? '', /^Fit\nbatch 1000\/1000 ▕█{20}▏ 100% {2}loss 0\.001 /);
  });
});
