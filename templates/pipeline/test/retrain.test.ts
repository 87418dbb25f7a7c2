// When `npm run retrain` reruns the pipeline: the decision on its own, drift read from a request
// log, and the rerun, which promotes only through the quality gate.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { monitor } from 'aielab';
import { config } from '../src/config';
import { fileSha256, loadData } from '../src/data';
import { featureNames, fitFeatures, transform } from '../src/features';
import { decide, readServed, retrain, type ServedState } from '../src/retrain';
import type { LoggedRequest } from '../src/serve';

const policy = { ...config.retrain, minRows: 100, maxAgeDays: 30 };
const now = new Date('2026-06-30T00:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000).toISOString();
const card = (days: number, dataSha256 = 'old') => ({ name: 'penguins', version: 3, packagedAt: daysAgo(days), dataSha256 });
const calm = { rows: 500, drifted: [] };

test('decide: no champion, drift or a champion past maxAgeDays calls for retraining on new data', () => {
  assert.deepEqual(decide({ loggedRows: 0, dataSha256: 'new' }, policy, now), {
    verdict: 'retrain',
    reasons: ['no champion is packaged: train one'],
  });
  const drifted: ServedState = { card: card(2), loggedRows: 800, drift: { rows: 500, drifted: ['bill_length_mm'] }, dataSha256: 'new' };
  assert.deepEqual(decide(drifted, policy, now), {
    verdict: 'retrain',
    reasons: ['drift over the newest 500 logged rows in bill_length_mm'],
  });
  const stale = decide({ card: card(30), loggedRows: 800, drift: calm, dataSha256: 'new' }, policy, now);
  assert.equal(stale.verdict, 'retrain');
  assert.deepEqual(stale.reasons, ['penguins version 3 is 30.0 days old, at or past maxAgeDays (30)']);
});

test('decide: a champion under maxAgeDays with calm inputs, or too few logged rows to judge, is kept', () => {
  assert.deepEqual(decide({ card: card(29), loggedRows: 800, drift: calm, dataSha256: 'new' }, policy, now), {
    verdict: 'keep',
    reasons: ['penguins version 3 is 29.0 days old, under maxAgeDays (30)', 'no drift over the newest 500 logged rows'],
  });
  // 99 rows are too few: on small windows a calm feature's PSI passes 0.25 by chance.
  const few = decide({ card: card(1), loggedRows: 99, drift: { rows: 99, drifted: ['sex=MALE'] }, dataSha256: 'new' }, policy, now);
  assert.equal(few.verdict, 'keep');
  assert.match(few.reasons[1] ?? '', /^99 rows logged since it was packaged, under minRows \(100\): too few to judge drift$/);
  const unlogged = decide({ card: card(1), loggedRows: 0, unmeasured: 'no request log at requests.jsonl', dataSha256: 'new' }, policy, now);
  assert.deepEqual(unlogged.reasons.slice(1), ['no request log at requests.jsonl']);
});

test('decide: called for on the data the champion trained on, it asks for new data instead of retraining', () => {
  const same = decide(
    { card: card(40, 'same'), loggedRows: 800, drift: { rows: 500, drifted: ['island=Dream'] }, dataSha256: 'same' },
    policy,
    now,
  );
  assert.equal(same.verdict, 'needs-data');
  assert.equal(same.reasons.length, 3);
  assert.match(same.reasons[2] ?? '', /the same sha256.*add newly labelled rows/);
});

/** A packaged champion's card and reference, from the real training rows, in a new folder. */
function packaged(packagedAt: string) {
  const dir = mkdtempSync(join(tmpdir(), 'retrain-served-'));
  const dataset = loadData(config);
  const spec = fitFeatures(dataset.train, config);
  const reference = monitor.reference(transform(spec, dataset.train), { features: featureNames(spec) });
  writeFileSync(join(dir, 'model-card.json'), JSON.stringify({ name: 'penguins', version: 1, packagedAt, dataSha256: dataset.hash }));
  writeFileSync(join(dir, 'reference.json'), JSON.stringify(reference));
  // Rows the model never trained on, as its server would log them: calm inputs.
  const holdout = transform(spec, [...dataset.validation, ...dataset.test]);
  return { dir, spec, holdout };
}

function writeLog(file: string, entries: Array<Pick<LoggedRequest, 'time' | 'model' | 'rows'> & { version?: string }>): string {
  writeFileSync(file, entries.map((e) => JSON.stringify({ version: '1', predictions: e.rows.map(() => 'Adelie'), ...e })).join('\n'));
  return file;
}

test("readServed: drift of the champion's own logged rows since it was packaged, against its training rows", () => {
  const { dir, spec, holdout } = packaged('2026-06-01T00:00:00Z');
  const shifted = monitor.shift(holdout, { bill_length_mm: { add: 1.5 } }, featureNames(spec));
  const entries = (rows: number[][]) =>
    rows.map((row, i) => ({ time: `2026-06-02T00:00:${String(i % 60).padStart(2, '0')}Z`, model: 'penguins', rows: [row] }));
  // Ignored: rows logged before the champion was packaged, another model's and another version's.
  const ignored = [
    { time: '2026-05-31T23:59:59Z', model: 'penguins', rows: shifted },
    { time: '2026-06-03T00:00:00Z', model: 'other', rows: shifted },
    { time: '2026-06-03T00:00:00Z', model: 'penguins', version: '2', rows: shifted },
  ];
  // Logged predictions are all one class, unlike the training rows' shares: only drift of the
  // features is checked here, since the reference above has no predictions.
  const quiet = readServed(config, { modelDir: dir, requestLog: writeLog(join(dir, 'calm.jsonl'), [...ignored, ...entries(holdout)]) });
  assert.equal(quiet.loggedRows, holdout.length);
  assert.deepEqual(quiet.drift, { rows: holdout.length, drifted: [] });
  assert.equal(quiet.dataSha256, fileSha256(config.dataPath));
  const moved = readServed(config, { modelDir: dir, requestLog: writeLog(join(dir, 'moved.jsonl'), entries(shifted)) });
  assert.deepEqual(moved.drift, { rows: holdout.length, drifted: ['bill_length_mm'] });
  assert.match(
    readServed(config, { modelDir: dir, requestLog: join(dir, 'none.jsonl') }).unmeasured ?? '',
    /no request log at .*none\.jsonl/,
  );
});

test('retrain: a stale champion and new data rerun the pipeline, promoted through the quality gate only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'retrain-run-'));
  process.env.MLFLOW_TRACKING_URI = join(dir, 'mlruns');
  const modelDir = join(dir, 'model');
  mkdirSync(modelDir);
  const stale = JSON.stringify({ name: 'penguins', version: 1, packagedAt: daysAgo(45), dataSha256: '0'.repeat(64) });
  writeFileSync(join(modelDir, 'model-card.json'), stale);
  const small = { ...config, space: { units: [8], learningRate: [0.05] }, epochs: 25 };
  const options = { modelDir, requestLog: join(dir, 'requests.jsonl'), now };

  // Below the gate: the retrained model is not registered, and the champion stays in model/.
  await assert.rejects(retrain({ ...small, minAccuracy: 1.01 }, options), /quality gate: .* nothing was registered/);
  assert.equal(readFileSync(join(modelDir, 'model-card.json'), 'utf8'), stale);
  assert.ok(!existsSync(join(dir, 'mlruns', 'models')), 'no model registered');

  const { decision, pipeline } = await retrain(small, options);
  assert.equal(decision.verdict, 'retrain');
  assert.match(decision.reasons[0] ?? '', /is 4\d+\.\d days old, at or past maxAgeDays \(30\)/);
  assert.ok(pipeline, 'the pipeline ran');
  const promoted = JSON.parse(readFileSync(join(modelDir, 'model-card.json'), 'utf8'));
  assert.equal(promoted.runId, pipeline.champion.runId);
  assert.ok(promoted.metrics.test_accuracy >= config.minAccuracy);
  assert.ok(existsSync(join(modelDir, 'reference.json')), 'the new champion has its reference');

  // Just packaged, no requests logged yet: kept.
  const again = await retrain(small, { ...options, now: new Date() });
  assert.equal(again.decision.verdict, 'keep');
  assert.equal(again.pipeline, undefined);
});
