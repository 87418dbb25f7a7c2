// `track` against an MLflow tracking server: with MLFLOW_TRACKING_URI an http(s) address, the same
// synchronous API goes over MLflow's REST API and artifact proxy. The server is a fake
// (test/fixtures/fake-mlflow-server.ts) that checks requests as MLflow does and records them;
// no real MLflow can be installed here.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIME, type TablePayload } from '../../contracts/mime';
import { nn, track } from '../../sdk';
import { toMimeBundle } from '../../sdk/display/bundle';
import { MlflowClient } from '../../tracking/rest';
import { RestStore } from '../../tracking/restStore';
import { launchFakeMlflow, type FakeMlflow, type FakeRun } from '../fixtures/fake-mlflow-server';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((done) => probe.once('listening', done));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

describe('track (MLflow tracking server, over REST)', function () {
  this.timeout(60_000);
  let server: FakeMlflow;
  before(async () => {
    server = await launchFakeMlflow();
  });
  after(() => server.stop());
  beforeEach(() => {
    process.env.MLFLOW_TRACKING_URI = server.uri;
  });
  afterEach(() => {
    track.activeRun()?.end();
    delete process.env.MLFLOW_TRACKING_URI;
    delete process.env.MLFLOW_TRACKING_TOKEN;
  });

  it('logs a run’s params, metrics with their steps, tags and status to the server', async () => {
    const experiment = track.experiment('spam filter');
    assert.equal(experiment.artifactLocation, `mlflow-artifacts:/${experiment.id}`);
    let id = '';
    await track.run('baseline', (run) => {
      id = run.id;
      run.logParams({ lr: 0.01, layers: [16, 2], optimizer: 'adam' });
      run.logMetric('loss', 0.5).logMetric('loss', 0.25).logMetric('accuracy', 0.9, 7).logMetric('best', Number.POSITIVE_INFINITY);
      run.setTag('stage', 'baseline');
    });
    const state = await server.state();
    const run = state.runs.find((r) => r.info.run_id === id) as FakeRun;
    assert.equal(run.info.experiment_id, experiment.id);
    assert.equal(run.info.run_name, 'baseline');
    assert.equal(run.info.status, 'FINISHED');
    assert.ok((run.info.end_time as number) >= run.info.start_time);
    assert.deepEqual(run.params, { lr: '0.01', layers: '[16,2]', optimizer: 'adam' });
    assert.deepEqual(
      run.metrics.map((m) => [m.key, m.value, m.step]),
      [
        ['loss', 0.5, 0],
        ['loss', 0.25, 1],
        ['accuracy', 0.9, 7],
        ['best', 'Infinity', 0],
      ],
    );
    assert.ok(run.metrics.every((m) => Number.isInteger(m.timestamp) && m.timestamp >= run.info.start_time));
    assert.equal(run.tags['mlflow.source.type'], 'LOCAL');
    assert.equal(run.tags.stage, 'baseline');
    assert.ok(run.tags['mlflow.user']);
    const created = state.requests.find((r) => r.endpoint === 'runs/create' && (r.body as { run_name: string }).run_name === 'baseline');
    assert.deepEqual(
      Object.keys(created?.body as object).sort(),
      ['experiment_id', 'run_name', 'start_time', 'tags', 'user_id'],
      'the run and its tags in one request',
    );
    assert.ok(
      state.requests.some(
        (r) =>
          r.endpoint === 'runs/update' &&
          (r.body as { run_id: string; status: string }).run_id === id &&
          (r.body as { status: string }).status === 'FINISHED',
      ),
    );
    assert.deepEqual(new RestStore(server.uri).history({ experimentId: experiment.id, runId: id }), {
      loss: [
        [0, 0.5],
        [1, 0.25],
      ],
      accuracy: [[7, 0.9]],
      best: [[0, Number.POSITIVE_INFINITY]],
    });
  });

  it('lists, shows and compares the server’s runs in a terminal (aielab runs --store <address>)', async () => {
    track.experiment('terminal');
    const ids = [];
    for (const [name, loss] of [
      ['first', 0.5],
      ['second', 0.25],
    ] as const)
      ids.push(await track.run(name, (run) => run.logParam('loss_goal', 0.1).logMetric('loss', loss).id));
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(__dirname, '..', '..', 'cli', 'main.ts'),
          'runs',
          ...args,
          '--store',
          server.uri,
          '--experiment',
          'terminal',
        ],
        { encoding: 'utf8' },
      );
    const listed = cli('list');
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`2 runs in ${server.uri.replace(/[.]/g, '\\.')}`));
    assert.match(listed.stdout, /terminal\s+second\s+\w{8}\s+finished/);
    const shown = cli('show', ids[0] as string);
    assert.match(shown.stdout, /param\s+loss_goal\s+0\.1/);
    assert.match(shown.stdout, /artifacts: mlflow-artifacts:\/.* \(on the server\)/);
    assert.match(cli('compare', ids[0] as string, ids[1] as string).stdout, /loss\s+0\.5\s+0\.25/);
  });

  it('nests sweep trials under the sweep run (mlflow.parentRunId) and reads runs back with runs/search', async () => {
    const experiment = track.experiment('grid');
    const result = await track.sweep(
      { lr: [0.1, 0.01], units: [8, 16] },
      async (p) => ({ accuracy: Number(p.units) / 16 - Number(p.lr) }),
      { metric: 'accuracy', name: 'lr × units' },
    );
    assert.deepEqual(result.best.params, { lr: 0.01, units: 16 });
    const runs = (await server.state()).runs.filter((r) => r.info.experiment_id === experiment.id);
    assert.equal(runs.length, 5);
    const parent = runs.find((r) => r.info.run_id === result.runId) as FakeRun;
    assert.equal(parent.tags['aielab.sweep.bestRunId'], result.best.runId);
    assert.equal(parent.tags['mlflow.parentRunId'], undefined);
    for (const child of runs.filter((r) => r !== parent)) {
      assert.equal(child.tags['mlflow.parentRunId'], result.runId);
      assert.equal(child.info.status, 'FINISHED');
    }
    assert.equal(runs.find((r) => r.info.run_id === result.best.runId)?.params.units, '16');

    const shown = toMimeBundle(track.runs('grid'))[MIME.table] as TablePayload;
    assert.match(shown.title ?? '', new RegExp(`^grid: 5 runs in ${escape(server.uri)}$`));
    const column = (name: string) => shown.columns.findIndex((c) => c.name === name);
    assert.deepEqual(
      shown.rows.map((r) => r[column('status')]),
      ['finished', 'finished', 'finished', 'finished', 'finished'],
    );
    assert.deepEqual(shown.rows.map((r) => r[column('run')]).sort(), [
      'lr × units',
      'lr × units · trial 1',
      'lr × units · trial 2',
      'lr × units · trial 3',
      'lr × units · trial 4',
    ]);
    assert.ok(
      shown.rows.every((r) => typeof r[column('accuracy')] === 'number' || r[column('run')] === 'lr × units'),
      'latest metrics come back with the runs',
    );
  });

  it('logs a model, registers versions with aliases and loads models:/name@champion through the artifact proxy', async () => {
    await nn.backend();
    track.experiment('registry');
    for (const units of [2, 3]) {
      await track.run(`units ${units}`, async (run) => {
        nn.seed(units);
        const model = nn.sequential([
          nn.layers.dense({ units, activation: 'relu', inputShape: [2] }),
          nn.layers.dense({ units: 2, activation: 'softmax' }),
        ]);
        await run.logModel(model);
        run.logText(`${units} units`, 'notes/readme.txt');
        track.registerModel('quadrants', { run, description: `${units} hidden units`, ...(units === 3 ? { alias: 'champion' } : {}) });
      });
    }
    const state = await server.state();
    const model = state.models.find((m) => m.name === 'quadrants');
    assert.deepEqual(
      model?.versions.map((v) => [v.version, v.description]),
      [
        ['1', '2 hidden units'],
        ['2', '3 hidden units'],
      ],
    );
    assert.deepEqual(model?.aliases, { champion: '2' });
    const [first] = model?.versions ?? [];
    const run = state.runs.find((r) => r.info.run_id === first?.run_id) as FakeRun;
    assert.equal(first?.source, `${run.info.artifact_uri}/model`);
    const root = run.info.artifact_uri.replace('mlflow-artifacts:/', '');
    assert.deepEqual(
      Object.keys(state.artifacts)
        .filter((p) => p.startsWith(`${root}/`))
        .sort(),
      [`${root}/model/model.json`, `${root}/model/weights.bin`, `${root}/notes/readme.txt`],
    );

    // Loading must fetch the files from the server, not find the copies this process logged.
    rmSync(new RestStore(server.uri).mirror, { recursive: true, force: true });
    const path = track.modelPath('models:/quadrants@champion');
    assert.ok(path.startsWith(tmpdir()));
    assert.equal((await track.loadModel('models:/quadrants@champion')).layers[0]?.countParams(), 2 * 3 + 3);
    assert.equal((await track.loadModel('models:/quadrants/1')).layers[0]?.countParams(), 2 * 2 + 2);
    assert.equal((await track.loadModel('models:/quadrants')).layers[0]?.countParams(), 9, 'no alias or version: the latest');
    track.setAlias('quadrants', 'champion', 1);
    assert.equal((await track.loadModel('models:/quadrants@champion')).layers[0]?.countParams(), 6);
    assert.ok(
      (await server.state()).requests.some(
        (r) => r.method === 'GET' && r.endpoint === `mlflow-artifacts/artifacts/* ${root}/model/weights.bin`,
      ),
    );

    const table = toMimeBundle(track.models('quadrants'))[MIME.table] as TablePayload;
    assert.deepEqual(
      table.rows.map((r) => [r[0], r[1]]),
      [
        [1, 'champion'],
        [2, ''],
      ],
    );
    assert.throws(() => track.modelPath('models:/quadrants@staging'), /model "quadrants" has no alias "staging" \(aliases: champion\)/);
    assert.throws(() => track.modelPath('models:/nothing'), /no registered model "nothing"/);
    assert.throws(() => track.setAlias('quadrants', 'x', 9), /has no version 9 \(it has 1, 2\)/);
    const bare = track.startRun({ name: 'no model' });
    assert.throws(
      () => track.registerModel('quadrants', { run: bare }),
      /run no model has no artifact "model" \(mlflow-artifacts:\/.*\/artifacts\/model\)/,
    );
    bare.end();
  });

  it('says to start the server or unset MLFLOW_TRACKING_URI when nothing answers, and gives up on a silent one', async () => {
    const port = await freePort();
    process.env.MLFLOW_TRACKING_URI = `http://127.0.0.1:${port}/`;
    assert.throws(
      () => track.startRun({ name: 'offline' }),
      new RegExp(
        `^Error: track: cannot reach the MLflow server at http://127\\.0\\.0\\.1:${port} \\(MLFLOW_TRACKING_URI\\): ECONNREFUSED\\. Start it \\(mlflow server --host 127\\.0\\.0\\.1 --port 5000\\), or unset MLFLOW_TRACKING_URI to log to a local mlruns/ folder\\.$`,
      ),
    );
    assert.equal(track.activeRun(), undefined);
    const silent = new MlflowClient(`${server.uri}/hang`, 300);
    const started = Date.now();
    assert.throws(
      () => silent.get('experiments/get-by-name', { experiment_name: 'x' }),
      /the MLflow server at http:\/\/127\.0\.0\.1:\d+\/hang did not answer experiments\/get-by-name within 0\.3 s\. Check that it is running and reachable from here, or unset MLFLOW_TRACKING_URI/,
    );
    assert.ok(Date.now() - started < 5000);
    assert.equal(
      new MlflowClient(server.uri).get<{ experiment: { name: string } }>('experiments/get-by-name', { experiment_name: 'Default' })
        .experiment.name,
      'Default',
      'the next request is answered',
    );
  });

  it('turns the server’s errors into errors naming the endpoint, its message and the fix', async () => {
    track.experiment('errors');
    const run = track.startRun({ name: 'checks' });
    run.logParam('lr', 0.1).logParam('lr', 0.1);
    const refused = (endpoint: string, said: string) =>
      new RegExp(`^Error: track: the MLflow server at ${escape(server.uri)} refused ${escape(endpoint)}: ${said}`);
    assert.throws(
      () => run.logParam('lr', 0.2),
      refused(
        'runs/log-batch',
        "Changing param values is not allowed\\. Param with key='lr' was already logged with value='0\\.1' .* Attempted logging new value '0\\.2' \\(INVALID_PARAMETER_VALUE\\)\\. Change the value the message names\\.$",
      ),
    );
    assert.throws(() => run.logMetric('acc', '0.9' as unknown as number), /metric "acc" must be a number/);
    // NaN is a value MLflow keeps (a diverged loss); protobuf's JSON spells it "NaN".
    run.logMetric('diverged', Number.NaN);
    assert.throws(() => run.logMetric('acc', 1, 0.5), /metric "acc" needs a whole-number step; got 0\.5/);
    assert.throws(() => run.setTag('a\\b', 'x'), refused('runs/log-batch', "Invalid tag name: 'a\\\\b'"));

    await server.fail({ endpoint: 'runs/log-batch', status: 500, error_code: 'INTERNAL_ERROR', message: 'database is locked' });
    assert.throws(
      () => run.logMetric('acc', 1),
      refused(
        'runs/log-batch',
        'database is locked \\(INTERNAL_ERROR\\)\\. The server could not do it; its message, or the terminal running mlflow server, says why\\.$',
      ),
    );

    await server.demandToken('s3cret');
    assert.throws(
      () => run.logMetric('acc', 1),
      refused(
        'runs/log-batch',
        'HTTP 401: You are not authenticated\\. .* on how to authenticate\\. The server wants credentials: set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD\\.$',
      ),
    );
    process.env.MLFLOW_TRACKING_TOKEN = 's3cret';
    run.logMetric('acc', 1);
    await server.fail({ endpoint: 'runs/update', status: 503, message: 'Service Unavailable' });
    assert.throws(() => run.end(), refused('runs/update', 'HTTP 503: Service Unavailable\\. The server could not do it'));
    assert.equal(track.activeRun(), run, 'a run whose end was not recorded stays active, to be ended again');
    assert.equal(run.status, 'RUNNING');
    run.end();
    assert.equal(track.activeRun(), undefined);
    await server.demandToken(undefined);
    const state = await server.state();
    assert.equal(state.requests.at(-1)?.authorization, 'Bearer s3cret');
    assert.equal(state.runs.find((r) => r.info.run_id === run.id)?.info.status, 'FINISHED');

    const other = `${server.uri}/not-mlflow`;
    process.env.MLFLOW_TRACKING_URI = other;
    assert.throws(
      () => track.startRun(),
      new RegExp(
        `^Error: track: the MLflow server at ${escape(other)} refused experiments/get-by-name: HTTP 404: <!doctype html> .*Not Found.*\\. Is ${escape(other)} an MLflow tracking server \\(MLflow 2 or later\\)\\? MLFLOW_TRACKING_URI should be its root address, such as http://127\\.0\\.0\\.1:5000\\.$`,
      ),
    );
  });

  it('the fake server refuses malformed requests as MLflow does, so the tests above mean something', () => {
    const client = new MlflowClient(server.uri);
    const { run } = client.post<{ run: { info: { run_id: string } } }>('runs/create', { experiment_id: '0', run_name: 'malformed' });
    const batches: Array<[object, RegExp]> = [
      [{ metrics: [{ key: 'm', value: '0.5', timestamp: 1 }] }, /Invalid value "0\.5" for parameter 'metrics\[0\]\.value' supplied/],
      [{ metrics: [{ key: 'm', value: 0.5, timestamp: 1, step: 1.5 }] }, /Invalid value 1\.5 for parameter 'metrics\[0\]\.step' supplied/],
      [{ metrics: [{ key: 'm', value: 0.5, timestamp: 1.5 }] }, /Invalid value 1\.5 for parameter 'metrics\[0\]\.timestamp' supplied/],
      [{ metrics: [{ key: 'm', value: 0.5 }] }, /Missing value for required parameter 'metrics\[0\]\.timestamp'/],
      [{ params: [{ key: 'p', value: 1 }] }, /Invalid value 1 for parameter 'params\[0\]\.value' supplied/],
      [{ tags: [{ value: 'x' }] }, /Missing value for required parameter 'tags\[0\]\.key'/],
    ];
    for (const [batch, message] of batches)
      assert.throws(() => client.post('runs/log-batch', { run_id: run.info.run_id, ...batch }), message);
    assert.throws(() => client.post('runs/log-batch', {}), /Missing value for required parameter 'run_id'/);
    assert.throws(
      () => client.post('runs/update', { run_id: run.info.run_id, end_time: '3.5' }),
      /Invalid value "3\.5" for parameter 'end_time'/,
    );
    assert.throws(
      () => client.post('registered-models/alias', { name: 'quadrants', alias: 'a', version: 1 }),
      /Invalid value 1 for parameter 'version' supplied/,
    );
    client.post('registered-models/create', { name: 'malformed' });
    assert.throws(
      () => client.post('model-versions/create', { name: 'malformed', source: '/tmp/model' }),
      /Invalid model version source: '\/tmp\/model'/,
    );
    assert.throws(
      () => client.post('model-versions/create', { name: 'malformed', source: 'mlflow-artifacts:/0/../../etc' }),
      /an absolute path must be provided without relative path references/,
    );
  });
});
