// The pipeline end to end on the real data with a smaller sweep, into a temporary mlruns/.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { config } from '../src/config';
import { runPipeline } from '../src/pipeline';

test('tracks a run per configuration, registers the best as champion and packages it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-test-'));
  process.env.MLFLOW_TRACKING_URI = join(dir, 'mlruns');
  const result = await runPipeline({
    ...config,
    space: { units: [8], learningRate: [0.05, 0.01] },
    epochs: 25,
    modelDir: join(dir, 'model'),
  });

  assert.equal(result.runs.length, 2);
  const best = Math.max(...result.runs.map((r) => r.accuracy));
  assert.equal(result.champion.metrics.accuracy, best);
  assert.ok(best >= config.minAccuracy, `accuracy ${best}`);
  for (const file of ['model.json', 'features.json', 'model-card.json']) assert.ok(existsSync(join(dir, 'model', file)), file);
  const card = JSON.parse(readFileSync(join(dir, 'model', 'model-card.json'), 'utf8'));
  assert.equal(card.runId, result.champion.runId);
  assert.match(card.dataSha256, /^[0-9a-f]{64}$/);
  // MLflow's layout: the registry points the alias at the version, the run has its params and metrics.
  assert.equal(
    readFileSync(join(dir, 'mlruns', 'models', config.modelName, 'aliases', 'champion'), 'utf8').trim(),
    String(result.champion.version),
  );
  const experiment = readdirSync(join(dir, 'mlruns')).find((d) => existsSync(join(dir, 'mlruns', d, result.champion.runId)));
  assert.ok(experiment, 'the champion run is in the store');
  const run = join(dir, 'mlruns', experiment, result.champion.runId);
  assert.equal(readFileSync(join(run, 'params', 'units'), 'utf8'), '8');
  assert.match(readFileSync(join(run, 'metrics', 'accuracy'), 'utf8'), /^\d+ [\d.]+ 0\n$/);
});
