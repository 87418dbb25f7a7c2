// The server as a client sees it: a model trained and packaged here, then asked over HTTP.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { config } from '../src/config';
import { runPipeline } from '../src/pipeline';
import { startServer, type Serving } from '../src/serve';

let serving: Serving;
let dir: string;
const row = {
  bill_length_mm: [39.1, 46.5],
  bill_depth_mm: [18.7, 13.5],
  flipper_length_mm: [181, 210],
  body_mass_g: [3750, 4550],
  island: ['Torgersen', 'Biscoe'],
  sex: ['MALE', null],
};
const inputs = Object.entries(row).map(([name, data]) => ({
  name,
  shape: [2],
  datatype: typeof data[0] === 'number' ? 'FP32' : 'BYTES',
  data,
}));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serve-test-'));
  process.env.MLFLOW_TRACKING_URI = join(dir, 'mlruns');
  await runPipeline({ ...config, space: { units: [16], learningRate: [0.05] }, epochs: 30, modelDir: join(dir, 'model') });
  serving = await startServer({ modelDir: join(dir, 'model'), port: 0, host: '127.0.0.1' });
});
after(() => serving?.close());

async function call(path: string, body?: unknown) {
  const response = await fetch(
    serving.url + path,
    body === undefined ? {} : { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) },
  );
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

test('answers health and model metadata', async () => {
  assert.deepEqual(await call('/v2/health/ready'), { status: 200, body: { ready: true } });
  const { body } = await call(`/v2/models/${config.modelName}`);
  assert.deepEqual(
    body.inputs.map((i: { name: string }) => i.name),
    Object.keys(row),
  );
});

test('predicts a class and probabilities per row', async () => {
  const { status, body } = await call(`/v2/models/${config.modelName}/infer`, { id: 'r1', inputs });
  assert.equal(status, 200);
  assert.equal(body.id, 'r1');
  assert.deepEqual(body.outputs[0].data, ['Adelie', 'Gentoo']);
  assert.deepEqual(body.outputs[1].shape, [2, 3]);
  const first = body.outputs[1].data.slice(0, 3);
  assert.ok(Math.abs(first.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-5);
});

test('says what is wrong with a bad request', async () => {
  assert.match((await call(`/v2/models/${config.modelName}/infer`, 'nope')).body.error, /not JSON/);
  const missing = await call(`/v2/models/${config.modelName}/infer`, { inputs: inputs.slice(1) });
  assert.equal(missing.status, 400);
  assert.match(missing.body.error, /missing input tensor\(s\) bill_length_mm/);
  const text = await call(`/v2/models/${config.modelName}/infer`, {
    inputs: inputs.map((i) => (i.name === 'body_mass_g' ? { ...i, data: ['heavy', 1] } : i)),
  });
  assert.match(text.body.error, /input body_mass_g: value "heavy" at 0 is not a number/);
  assert.equal((await call('/v2/models/other/infer', { inputs })).status, 404);
});

test('with a request log, writes one JSON line per inference: the model inputs and predictions, readable by its owner only', async () => {
  const requestLog = join(dir, 'requests.jsonl');
  const logging = await startServer({ modelDir: join(dir, 'model'), port: 0, host: '127.0.0.1', requestLog });
  try {
    await fetch(`${logging.url}/v2/models/${config.modelName}/infer`, { method: 'POST', body: JSON.stringify({ inputs }) });
    await fetch(`${logging.url}/v2/models/${config.modelName}/infer`, { method: 'POST', body: 'nope' });
  } finally {
    await logging.close();
  }
  const lines = readFileSync(requestLog, 'utf8').trim().split('\n');
  assert.equal(lines.length, 1, 'the bad request is not logged');
  const entry = JSON.parse(lines[0] as string);
  assert.deepEqual([entry.model, entry.version, entry.predictions], [config.modelName, '1', ['Adelie', 'Gentoo']]);
  // 4 numbers, then one-hot islands (3 + unknown) and sexes (2 + unknown): the features the model reads.
  assert.deepEqual(
    entry.rows.map((r: number[]) => r.length),
    [11, 11],
  );
  assert.ok(!Number.isNaN(Date.parse(entry.time)));
  assert.equal(statSync(requestLog).mode & 0o777, 0o600);
});
