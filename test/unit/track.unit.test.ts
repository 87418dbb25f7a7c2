// `track` writes MLflow's file store: the layout mlflow ui reads, metrics as "timestamp value step"
// lines; an unreadable meta.yaml is reported, never removed. meta.yaml against PyYAML and two
// kernels logging at once start processes: they are in test/integration/trackFileStore.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshMlruns } from '../helpers/mlruns';
import { MIME, type TablePayload } from '../../contracts/mime';
import { nn, track } from '../../sdk';
import { toMimeBundle } from '../../sdk/display/bundle';
import { loadMeta } from '../../tracking/yaml';

describe('track (MLflow file store)', function () {
  this.timeout(60_000);
  const mlruns = freshMlruns();

  it('writes experiments and runs in the layout mlflow ui reads', async () => {
    const experiment = track.experiment('spam filter');
    assert.match(experiment.id, /^\d{18}$/);
    await track.run('baseline', (run) => {
      run.logParams({ lr: 0.01, layers: [16, 2], optimizer: 'adam' });
      run.logMetric('loss', 0.5).logMetric('loss', 0.25).logMetric('accuracy', 0.9, 7);
      run.logText('hello', 'notes/readme.txt');
    });
    const dir = join(mlruns(), experiment.id);
    const [runId] = readdirSync(dir).filter((d) => d !== 'meta.yaml');
    const run = join(dir, runId as string);
    assert.deepEqual(readdirSync(run).sort(), ['artifacts', 'meta.yaml', 'metrics', 'params', 'tags']);
    assert.equal(readFileSync(join(run, 'params', 'lr'), 'utf8'), '0.01');
    assert.equal(readFileSync(join(run, 'params', 'layers'), 'utf8'), '[16,2]');
    assert.equal(readFileSync(join(run, 'params', 'optimizer'), 'utf8'), 'adam');
    assert.match(readFileSync(join(run, 'metrics', 'loss'), 'utf8'), /^\d{13} 0\.5 0\n\d{13} 0\.25 1\n$/);
    assert.match(readFileSync(join(run, 'metrics', 'accuracy'), 'utf8'), /^\d{13} 0\.9 7\n$/);
    assert.equal(readFileSync(join(run, 'tags', 'mlflow.runName'), 'utf8'), 'baseline');
    assert.equal(readFileSync(join(run, 'artifacts', 'notes', 'readme.txt'), 'utf8'), 'hello');
    const meta = loadMeta(readFileSync(join(run, 'meta.yaml'), 'utf8'), 'meta.yaml');
    assert.equal(meta.status, 3, 'FINISHED');
    assert.equal(meta.run_id, runId);
    assert.equal(meta.experiment_id, experiment.id);
    assert.ok(existsSync(join(mlruns(), '.trash')));
  });

  it('nests child runs under the active one, and refuses a second top-level run', async () => {
    track.experiment('sweep');
    const parent = track.startRun({ name: 'sweep' });
    const child = track.startRun({ name: 'trial 1', nested: true });
    assert.throws(
      () => track.startRun({ name: 'another' }),
      /run "trial 1" is still active\. End it \(run\.end\(\)\) first, or pass \{ nested: true \}/,
    );
    child.end();
    parent.end();
    const tags = readFileSync(join(mlruns(), track.experiment('sweep').id, child.id, 'tags', 'mlflow.parentRunId'), 'utf8');
    assert.equal(tags, parent.id);
    await assert.rejects(
      track.run('fails', () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    const runs = (toMimeBundle(track.runs('sweep'))[MIME.table] as TablePayload).rows;
    assert.deepEqual(runs.map((r) => r[1]).sort(), ['failed', 'finished', 'finished']);
  });

  it('says what is wrong with a param changed in a run or a bad metric', () => {
    const run = track.startRun({ name: 'checks' });
    run.logParam('lr', 0.1);
    run.logParam('lr', 0.1);
    assert.throws(() => run.logParam('lr', 0.2), /param "lr" is already "0\.1" in this run; params do not change within a run/);
    assert.throws(() => run.logMetric('acc', '0.9' as unknown as number), /metric "acc" must be a number/);
    assert.throws(() => run.logMetric('../escape', 1), /metric name "\.\.\/escape" may hold letters, digits/);
    run.end();
  });

  it('reports an unreadable meta.yaml and skips it, leaving it as it was', async () => {
    const experiment = track.experiment('broken');
    await track.run('good', (run) => void run.logMetric('m', 1));
    const bad = join(mlruns(), experiment.id, 'deadbeef');
    for (const sub of ['params', 'metrics']) mkdirSync(join(bad, sub), { recursive: true });
    writeFileSync(join(bad, 'meta.yaml'), '{{{ not yaml');
    const shown = toMimeBundle(track.runs('broken'))[MIME.table] as TablePayload;
    assert.equal(shown.rows.length, 1);
    assert.match(shown.title ?? '', /1 unreadable meta\.yaml skipped: .*deadbeef\/meta\.yaml/);
    assert.equal(readFileSync(join(bad, 'meta.yaml'), 'utf8'), '{{{ not yaml');
  });

  it('sweeps a grid as child runs of one sweep run and returns the best', async () => {
    track.experiment('grid');
    const result = await track.sweep(
      { lr: [0.1, 0.01], units: [8, 16] },
      async (p) => ({ accuracy: Number(p.units) / 16 - Number(p.lr), loss: Number(p.lr) }),
      { metric: 'accuracy', name: 'lr × units' },
    );
    assert.equal(result.trials.length, 4);
    assert.deepEqual(result.best.params, { lr: 0.01, units: 16 });
    const dir = join(mlruns(), track.experiment('grid').id);
    const parentTags = join(dir, result.runId, 'tags');
    assert.equal(readFileSync(join(parentTags, 'aielab.sweep.bestRunId'), 'utf8'), result.best.runId);
    const children = readdirSync(dir).filter((d) => d !== 'meta.yaml' && d !== result.runId);
    assert.equal(children.length, 4);
    for (const child of children) assert.equal(readFileSync(join(dir, child, 'tags', 'mlflow.parentRunId'), 'utf8'), result.runId);
    assert.equal(readFileSync(join(dir, result.best.runId, 'params', 'units'), 'utf8'), '16');
    assert.match(
      (toMimeBundle(result)[MIME.table] as TablePayload).title ?? '',
      /4 trials, best accuracy 0\.99 with \{"lr":0\.01,"units":16\}/,
    );
  });

  it('trains every trial on the same seed unless told to give each its own', async () => {
    track.experiment('seeds');
    const same = await track.sweep({ units: [8, 16, 32] }, async () => ({ score: 1 }), { metric: 'score', seed: 7 });
    assert.deepEqual(
      same.trials.map((t) => t.seed),
      [7, 7, 7],
      'trials differ in their hyperparameters alone',
    );
    const dir = join(mlruns(), track.experiment('seeds').id);
    assert.equal(readFileSync(join(dir, same.trials[2]!.runId, 'params', 'seed'), 'utf8'), '7', 'the seed logged is the seed used');
    const spread = await track.sweep({ units: [8] }, async () => ({ score: 1 }), {
      metric: 'score',
      trials: 3,
      seed: 1,
      seeds: 'per trial',
    });
    assert.deepEqual(
      spread.trials.map((t) => t.seed),
      [1000, 1001, 1002],
    );
  });

  it('draws a random search from ranges with a seed, the same draws every time', async () => {
    const space = { lr: { min: 1e-4, max: 1e-1, log: true }, units: { min: 4, max: 64, int: true }, act: ['relu', 'tanh'] } as const;
    const draws = async () =>
      (await track.sweep(space, async (p) => ({ score: Number(p.units) }), { metric: 'score', trials: 5, seed: 3 })).trials.map(
        (t) => t.params,
      );
    const [a, b] = [await draws(), await draws()];
    assert.deepEqual(a, b);
    assert.ok(
      a.every((p) => Number(p.lr) >= 1e-4 && Number(p.lr) <= 0.1 && Number.isInteger(p.units) && ['relu', 'tanh'].includes(String(p.act))),
    );
    await assert.rejects(
      track.sweep(space, async () => ({ score: 1 }), { metric: 'score' }),
      /lr, units are ranges; a range needs a random search: pass \{ trials: 10 \}/,
    );
    await assert.rejects(
      track.sweep({ a: [1] }, async () => ({ other: 1 }), { metric: 'score' }),
      /must return \{ score: number, … \}; trial 1 returned \{"other":1\}/,
    );
  });

  it('autologs nn.fit into the active run: its settings and every epoch', async () => {
    track.experiment('autolog');
    await track.run('training', async (run) => {
      nn.seed(0);
      const model = nn.sequential([nn.layers.dense({ units: 2, activation: 'softmax', inputShape: [2] })]);
      model.compile({ optimizer: nn.tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      await nn.fit(
        model,
        [
          [0, 1],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
        [0, 1, 1, 0],
        { epochs: 3, title: false },
      );
      const dir = join(mlruns(), track.experiment('autolog').id, run.id);
      assert.equal(readFileSync(join(dir, 'params', 'epochs'), 'utf8'), '3');
      assert.equal(readFileSync(join(dir, 'params', 'optimizer'), 'utf8'), 'Adam');
      assert.equal(readFileSync(join(dir, 'params', 'learning_rate'), 'utf8'), '0.05');
      assert.deepEqual(
        readFileSync(join(dir, 'metrics', 'loss'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(' ')[2]),
        ['0', '1', '2'],
      );
      assert.ok(existsSync(join(dir, 'metrics', 'acc')));
    });
  });

  it('registers a run’s model as versions with aliases and lineage, and loads models:/name@alias', async () => {
    track.experiment('registry');
    const models = [];
    for (const units of [2, 3]) {
      await track.run(`units ${units}`, async (run) => {
        nn.seed(units);
        const model = nn.sequential([
          nn.layers.dense({ units, activation: 'relu', inputShape: [2] }),
          nn.layers.dense({ units: 2, activation: 'softmax' }),
        ]);
        await run.logModel(model);
        models.push(model);
        track.registerModel('quadrants', { run, description: `${units} hidden units`, ...(units === 3 ? { alias: 'champion' } : {}) });
      });
    }
    const dir = join(mlruns(), 'models', 'quadrants');
    assert.deepEqual(readdirSync(dir).sort(), ['aliases', 'meta.yaml', 'tags', 'version-1', 'version-2']);
    assert.equal(readFileSync(join(dir, 'aliases', 'champion'), 'utf8'), '2');
    const meta = loadMeta(readFileSync(join(dir, 'version-1', 'meta.yaml'), 'utf8'), 'meta.yaml');
    assert.equal(meta.version, 1);
    assert.equal(meta.status, 'READY');
    assert.match(String(meta.source), /^file:\/\/.*\/artifacts\/model$/);
    const champion = await track.loadModel('models:/quadrants@champion');
    assert.equal(champion.layers[0]?.countParams(), 2 * 3 + 3);
    assert.equal((await track.loadModel('models:/quadrants/1')).layers[0]?.countParams(), 2 * 2 + 2);
    assert.equal((await track.loadModel('models:/quadrants')).layers[0]?.countParams(), 9, 'no alias or version: the latest');
    track.setAlias('quadrants', 'champion', 1);
    assert.equal((await track.loadModel('models:/quadrants@champion')).layers[0]?.countParams(), 6);
    assert.throws(() => track.modelPath('models:/quadrants@staging'), /model "quadrants" has no alias "staging" \(aliases: champion\)/);
    assert.throws(() => track.modelPath('models:/nothing'), /no registered model "nothing"/);
    assert.throws(() => track.setAlias('quadrants', 'x', 9), /has no version 9 \(it has 1, 2\)/);
    const run = track.startRun({ name: 'no model' });
    assert.throws(() => track.registerModel('quadrants', { run }), /run no model has no artifact "model"/);
    run.end();
    // A run by its id, as a sweep reports its best trial.
    const firstRunId = readFileSync(join(dir, 'version-1', 'meta.yaml'), 'utf8').match(/^run_id: (\w+)$/m)?.[1] as string;
    assert.equal(track.registerModel('quadrants', { run: firstRunId, alias: 'rollback' }).version, 3);
    assert.equal(track.modelPath('models:/quadrants@rollback'), track.modelPath('models:/quadrants/1'));
    assert.throws(
      () => track.registerModel('quadrants', { run: 'f00d' }),
      /no run f00d in .*mlruns\. Pass the Run, or the id of a run logged there/,
    );
  });
});
