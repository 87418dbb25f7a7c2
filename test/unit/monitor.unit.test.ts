// Drift detection: the tail probabilities against their textbook values, PSI by hand, no drift
// on fresh rows from the same distribution, drift on the classic unit bug (inches for
// centimetres) and on changed category shares, prediction drift, the reference saved by
// onnx.export, and the server's drift metrics, /drift and request log through HTTP.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ml, monitor, onnx, serve } from '../../sdk';
import { chiSquareTail, kolmogorovTail } from '../../sdk/monitor/distributions';
import { psi, type DriftThresholds } from '../../sdk/monitor/drift';
import { referenceOf } from '../../sdk/monitor';
import { seeded } from '../../sdk/ml/random';
import { edgeAt, shortFloat32 } from '../../sdk/monitor/reference';
import { loadLabCsv } from '../helpers/labData';

const iris = () => loadLabCsv('iris.csv', 'species');

/** Rows drawn with replacement, seeded: the same distribution, other rows. */
function resample<T>(rows: readonly T[], n: number, seed: number): T[] {
  const random = seeded(seed);
  return Array.from({ length: n }, () => rows[Math.floor(random() * rows.length)] as T);
}

describe('monitor: drift', function () {
  this.timeout(60_000);

  it('computes the KS and chi-square tail probabilities of the textbook tables', () => {
    assert.ok(Math.abs(chiSquareTail(3.841, 1) - 0.05) < 2e-4);
    assert.ok(Math.abs(chiSquareTail(11.07, 5) - 0.05) < 2e-4);
    assert.ok(Math.abs(chiSquareTail(23.209, 10) - 0.01) < 1e-4);
    assert.ok(Math.abs(chiSquareTail(2, 2) - Math.exp(-1)) < 1e-9, 'two degrees of freedom: exp(−x/2)');
    assert.equal(chiSquareTail(0, 3), 1);
    assert.ok(Math.abs(kolmogorovTail(1.358) - 0.05) < 5e-4);
    assert.ok(Math.abs(kolmogorovTail(1.628) - 0.01) < 2e-4);
    assert.equal(kolmogorovTail(0.1), 1);
    // PSI by hand: (0.6 − 0.5)·ln(0.6/0.5) + (0.4 − 0.5)·ln(0.4/0.5).
    assert.ok(Math.abs(psi([0.5, 0.5], [0.6, 0.4]) - (0.1 * Math.log(1.2) + 0.1 * Math.log(1.25))) < 1e-12);
  });

  it('writes float32 statistics as short decimals that read back the same, and edges that bin float32 values the same', () => {
    const random = seeded(12);
    const float32s = new Float32Array(1);
    const bits = new Uint32Array(float32s.buffer);
    const step = (f: number, by: number) => {
      float32s[0] = f;
      bits[0]! += f > 0 ? by : -by;
      return float32s[0] as number;
    };
    for (let i = 0; i < 20_000; i++) {
      const f = Math.fround((random() - 0.3) * 10 ** Math.floor(random() * 12 - 6));
      if (f === 0) continue;
      const short = shortFloat32(f);
      assert.equal(Math.fround(short), f);
      assert.ok(String(short).replace(/^-?0\.0*|e.*$|[-.]/g, '').length <= 9, String(short));
      const edge = edgeAt(f);
      for (const v of [step(f, -1), f, step(f, 1)]) assert.equal(v <= edge, v <= f, `${v} against the edge ${edge} written for ${f}`);
    }
    assert.equal(shortFloat32(Math.fround(14.24)), 14.24);
  });

  it('finds no drift in fresh rows of the same data, and the inches-for-centimetres bug in one feature', () => {
    const { X, features } = iris();
    const reference = monitor.reference(X, { features });
    assert.equal(reference.features[2]?.kind, 'numeric');
    assert.equal(reference.features[2]?.quantiles?.length, 101);
    const same = monitor.drift(reference, resample(X, 300, 1));
    assert.deepEqual(same.drifted, [], same.features.map((f) => `${f.feature} psi ${f.psi} p ${f.pValue}`).join('; '));
    for (const f of same.features) assert.ok(f.psi < 0.1 && f.pValue > 0.01, f.feature);
    const inches = monitor.shift(resample(X, 300, 2), { petal_length: { multiply: 1 / 2.54 } }, features);
    const report = monitor.drift(reference, inches);
    assert.deepEqual(
      report.drifted.map((f) => f.feature),
      ['petal_length'],
    );
    const petal = report.drifted[0]!;
    assert.ok(petal.psi > 0.25 && petal.pValue < 1e-6 && petal.test === 'ks', `${petal.psi} ${petal.pValue}`);
    assert.ok(Math.abs(petal.mean - petal.referenceMean / 2.54) < 0.3);
    assert.throws(() => monitor.drift(reference, [[1, 2]]), /row 0 has 2 values; the reference has 4 features/);
    assert.throws(
      () => monitor.shift(X, { petal_area: { add: 1 } }, features),
      /no feature petal_area \(features: sepal_length, sepal_width, petal_length, petal_width\)/,
    );
  });

  it('calls drift only when it is both big and real: calm small windows of wide data stay quiet, a moved feature does not', () => {
    const random = seeded(11);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const WIDTH = 30;
    const draw = (n: number) => Array.from({ length: n }, () => Array.from({ length: WIDTH }, normal));
    const reference = monitor.reference(draw(2000));
    const calm = Array.from({ length: 40 }, () => draw(50));
    const ringing = (options: DriftThresholds) => calm.filter((rows) => monitor.drift(reference, rows, options).drifted.length > 0).length;
    // PSI alone passes 0.25 on noise (its floor is about 9/50 per feature, and 30 features are tried);
    // p-values alone, uncorrected, ring on several windows; both together, corrected, on none.
    assert.ok(ringing({ pValue: 1 }) >= 30, `PSI alone: ${ringing({ pValue: 1 })} of 40`);
    assert.ok(ringing({ psi: 0, correction: 'none' }) >= 3, `p < 0.01 alone: ${ringing({ psi: 0, correction: 'none' })} of 40`);
    assert.equal(ringing({}), 0);
    const report = monitor.drift(reference, calm[0]!);
    for (const f of report.features) assert.equal(f.pAdjusted, Math.min(1, f.pValue * WIDTH), f.feature);
    const moved = calm.map((rows) => monitor.drift(reference, monitor.shift(rows, { 7: { add: 1 } })).drifted.map((f) => f.feature));
    assert.deepEqual(
      moved.filter((names) => names.join() !== 'f7'),
      [],
      'a feature moved by one standard deviation is found alone in every 50-row window',
    );
  });

  it('tests categorical features with chi-square, counting values the reference never had', () => {
    const random = seeded(3);
    const rows = Array.from({ length: 600 }, () => [Math.floor(random() * 3), random()]);
    const reference = monitor.reference(rows, { features: ['plan', 'usage'] });
    assert.deepEqual(
      reference.features.map((f) => f.kind),
      ['categorical', 'numeric'],
    );
    assert.deepEqual(monitor.drift(reference, resample(rows, 300, 4)).drifted, []);
    const mostlyPremium = rows.slice(0, 300).map(([, usage], i) => [i % 5 === 0 ? 0 : 2, usage as number]);
    const changed = monitor.drift(reference, mostlyPremium);
    assert.deepEqual(
      changed.drifted.map((f) => f.feature),
      ['plan'],
    );
    assert.equal(changed.drifted[0]?.test, 'chi2');
    const unseen = monitor.drift(
      reference,
      rows.slice(0, 300).map(([plan, usage], i) => [i % 4 === 0 ? 7 : (plan as number), usage as number]),
    );
    assert.ok(unseen.features[0]!.drifted, 'a new plan code is drift');
  });

  it('saves the reference at export, with the predicted classes, and compares new rows with the file', async () => {
    const { X, y, features } = iris();
    const model = new ml.Pipeline([new ml.StandardScaler(), new ml.LogisticRegression()]).fit(X, y);
    const dir = mkdtempSync(join(tmpdir(), 'aielab-monitor-'));
    const file = join(dir, 'iris.onnx');
    await onnx.export(model, file, { reference: X, preprocessing: { features } });
    const saved = JSON.parse(onnx.read(file).metadata.reference ?? '{}') as {
      rows: number;
      features: Array<{ name: string }>;
      predictions: { labels: string[]; proportions: number[] };
    };
    assert.equal(saved.rows, 150);
    assert.deepEqual(
      saved.features.map((f) => f.name),
      features,
    );
    assert.deepEqual(saved.predictions.labels, ['setosa', 'versicolor', 'virginica']);
    assert.ok(Math.abs(saved.predictions.proportions[0]! - 1 / 3) < 0.02);
    // Float32 values written short (5.8, not 5.800000190734863) and read back exactly.
    const text = onnx.read(file).metadata.reference ?? '';
    assert.doesNotMatch(text, /\d\.?\d{10,}/, 'no number longer than a float32 needs');
    assert.deepEqual(referenceOf(file).features, monitor.reference(X, { features }).features);
    const onlySetosa = X.slice(0, 50);
    const report = monitor.drift(file, onlySetosa, { predictions: model.predict(onlySetosa).map(String) });
    assert.ok(report.predictions?.drifted, 'every prediction is setosa now');
    assert.equal(report.predictions?.shares.setosa, 1);
    assert.throws(() => monitor.drift(join(dir, 'none.onnx'), X), /no such file|ENOENT|not a readable/);
    const plain = join(dir, 'plain.onnx');
    await onnx.export(model, plain);
    assert.throws(
      () => monitor.drift(plain, X),
      /has no reference statistics in its metadata; export it with onnx\.export\(model, file, \{ reference: xTrain \}\)/,
    );
  });

  it('serves drift: metrics per feature, GET …/drift, and a request log the batch job reads', async () => {
    const { X, y, features } = iris();
    const model = new ml.LogisticRegression().fit(X, y);
    const dir = mkdtempSync(join(tmpdir(), 'aielab-drift-serve-'));
    const file = join(dir, 'iris.onnx');
    await onnx.export(model, file, { reference: X, preprocessing: { features } });
    const log = join(dir, 'requests.jsonl');
    const server = await serve.start(file, { driftWindow: 200, logRequests: log });
    try {
      assert.match(
        JSON.stringify(await (await fetch(`${server.url}/v2/models/iris/drift`)).json()),
        /"waiting":"drift is computed from 30 rows on; 0 so far"/,
      );
      await assert.rejects(server.drift('iris'), /drift is computed from 30 rows on; 0 so far/);
      for (const rows of [resample(X, 60, 5), resample(X, 60, 6)]) await server.predict(rows);
      const calm = (await (await fetch(`${server.url}/v2/models/iris/drift`)).json()) as { rows: number; drifted: string[] };
      assert.equal(calm.rows, 120);
      assert.deepEqual(calm.drifted, []);
      await server.predict(monitor.shift(resample(X, 200, 7), { petal_length: { multiply: 1 / 2.54 } }, features));
      const shifted = (await (await fetch(`${server.url}/v2/models/iris/drift`)).json()) as { rows: number; drifted: string[] };
      assert.equal(shifted.rows, 200, 'the window keeps the newest 200 rows');
      assert.ok(shifted.drifted.includes('petal_length'), JSON.stringify(shifted.drifted));
      const report = await server.drift('iris');
      assert.deepEqual(
        report.drifted.map((f) => f.feature),
        shifted.drifted,
        "the client gives the server's report as monitor.drift's",
      );
      assert.equal(report.rows, 200);
      assert.match(JSON.stringify(report.chart()), /PSI per feature over 200 rows/);
      await assert.rejects(
        server.drift('iris', { version: '7' }),
        /GET \/v2\/models\/iris\/versions\/7\/drift: 404 model iris has no version 7/,
      );
      assert.ok((await server.metric('aielab_drift_psi', { feature: 'petal_length' })) > 0.25);
      assert.ok((await server.metric('aielab_drift_psi', { feature: 'sepal_width' })) < 0.25);
      assert.equal(
        await server.metric('aielab_drift_detected', { feature: 'petal_length' }),
        1,
        "the server's decision, which the alert rule follows",
      );
      assert.equal(await server.metric('aielab_drift_detected', { feature: 'sepal_width' }), 0);
      assert.equal(await server.metric('aielab_drift_features_drifted', { model: 'iris' }), shifted.drifted.length);
      assert.equal(await server.metric('aielab_drift_window_rows', { model: 'iris' }), 200);
    } finally {
      await server.close();
    }
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { model: string; rows: number[][]; predictions: string[] });
    assert.equal(lines.length, 3);
    assert.equal(lines[2]!.rows.length, 200);
    assert.equal(lines[2]!.predictions.length, 200);
    const batch = monitor.driftFromLog(file, log, { last: 200 });
    assert.deepEqual(
      batch.drifted.map((f) => f.feature),
      ['petal_length'],
    );
    assert.deepEqual(monitor.driftFromLog(file, log, { last: 120, model: 'iris' }).rows, 120);
    // A period of a log: yesterday's requests alone, by the time each line was logged.
    const days = join(dir, 'days.jsonl');
    const day = (time: string, rows: number[][]) => JSON.stringify({ time, model: 'iris', version: '1', rows });
    writeFileSync(
      days,
      `${day('2026-12-01T23:59:59.999Z', resample(X, 100, 8))}\n${day('2026-12-02T08:00:00Z', monitor.shift(resample(X, 100, 9), { petal_length: { multiply: 1 / 2.54 } }, features))}\n${day('2026-12-03T00:00:00Z', resample(X, 100, 10))}\n${JSON.stringify({ model: 'iris', version: '1', rows: resample(X, 50, 11) })}\n`,
    );
    const yesterday = monitor.driftFromLog(file, days, { since: '2026-12-02', until: new Date('2026-12-03T00:00:00Z') });
    assert.equal(yesterday.rows, 100);
    assert.deepEqual(
      yesterday.drifted.map((f) => f.feature),
      ['petal_length'],
    );
    assert.deepEqual(monitor.driftFromLog(file, days, { until: '2026-12-02' }).drifted, [], 'the day before was calm');
    assert.equal(monitor.driftFromLog(file, days, { since: '2026-12-01' }).rows, 300, 'a line with no time is in no period');
    assert.equal(monitor.driftFromLog(file, days).rows, 350);
    assert.throws(
      () => monitor.driftFromLog(file, days, { since: 'yesterday' }),
      /since "yesterday" is not a date; give a Date or an ISO 8601 time such as '2026-12-01'/,
    );
    assert.throws(() => monitor.driftFromLog(file, days, { since: '2026-12-04' }), /days\.jsonl has no logged rows since 2026-12-04\./);
  });
});
