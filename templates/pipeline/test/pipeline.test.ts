// The pipeline end to end on the real data with a smaller sweep, into a temporary mlruns/.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { config } from '../src/config';
import { runPipeline } from '../src/pipeline';

/** A run's folder in a store (MLflow's layout: mlruns/<experiment id>/<run id>). */
function runDir(store: string, runId: string): string {
  const experiment = readdirSync(store).find((d) => existsSync(join(store, d, runId)));
  assert.ok(experiment, `run ${runId} is in the store`);
  return join(store, experiment, runId);
}

test('chooses the best run on the validation split, tests only that one, registers it as champion and packages it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-test-'));
  process.env.MLFLOW_TRACKING_URI = join(dir, 'mlruns');
  const result = await runPipeline({
    ...config,
    space: { units: [8], learningRate: [0.05, 0.01] },
    epochs: 25,
    modelDir: join(dir, 'model'),
  });

  assert.equal(result.runs.length, 2);
  const best = Math.max(...result.runs.map((r) => r.val_accuracy));
  assert.equal(result.champion.metrics.val_accuracy, best);
  const testAccuracy = result.champion.metrics.test_accuracy as number;
  assert.ok(testAccuracy >= config.minAccuracy, `test_accuracy ${testAccuracy}`);
  for (const file of ['model.json', 'features.json', 'model-card.json']) assert.ok(existsSync(join(dir, 'model', file)), file);
  const card = JSON.parse(readFileSync(join(dir, 'model', 'model-card.json'), 'utf8'));
  assert.equal(card.runId, result.champion.runId);
  assert.match(card.dataSha256, /^[0-9a-f]{64}$/);
  assert.equal(card.metrics.test_accuracy, testAccuracy);
  assert.deepEqual(Object.keys(card.splits), ['train', 'validation', 'test']);
  assert.match(card.splits.test.use, /quality gate reads test_accuracy/);
  // MLflow's layout: the registry points the alias at the version, the run has its params and metrics.
  assert.equal(
    readFileSync(join(dir, 'mlruns', 'models', config.modelName, 'aliases', 'champion'), 'utf8').trim(),
    String(result.champion.version),
  );
  const store = join(dir, 'mlruns');
  const run = runDir(store, result.champion.runId);
  assert.equal(readFileSync(join(run, 'params', 'units'), 'utf8'), '8');
  assert.equal(readFileSync(join(run, 'params', 'val_size'), 'utf8'), String(config.valSize));
  for (const metric of ['val_accuracy', 'val_f1_macro', 'test_accuracy', 'test_f1_macro'])
    assert.match(readFileSync(join(run, 'metrics', metric), 'utf8'), /^\d+ [\d.]+ 0\n$/, metric);
  // The run not chosen was never scored on the test split.
  const other = result.runs.find((r) => r.runId !== result.champion.runId);
  assert.ok(other);
  assert.ok(existsSync(join(runDir(store, other.runId), 'metrics', 'val_accuracy')));
  assert.ok(!existsSync(join(runDir(store, other.runId), 'metrics', 'test_accuracy')), 'a run not chosen has no test_accuracy');
});

test('the quality gate reads the test split: below it, the test score is logged and nothing is registered', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-gate-'));
  process.env.MLFLOW_TRACKING_URI = join(dir, 'mlruns');
  await assert.rejects(
    runPipeline({ ...config, space: { units: [8], learningRate: [0.05] }, epochs: 5, minAccuracy: 1.01, modelDir: join(dir, 'model') }),
    /quality gate: the chosen run \(best val_accuracy [\d.]+ of 1\) reached test_accuracy [\d.]+, below 1\.01; nothing was registered/,
  );
  const store = join(dir, 'mlruns');
  const tested = readdirSync(store).flatMap((e) =>
    existsSync(join(store, e, 'meta.yaml'))
      ? readdirSync(join(store, e)).filter((r) => existsSync(join(store, e, r, 'metrics', 'test_accuracy')))
      : [],
  );
  assert.equal(tested.length, 1, 'the chosen run has its test_accuracy');
  assert.ok(!existsSync(join(store, 'models')), 'no model registered');
  assert.ok(!existsSync(join(dir, 'model')), 'nothing packaged');
});
