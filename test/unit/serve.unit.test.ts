// The inference server through HTTP, as clients reach it: the Open Inference Protocol v2 endpoints
// with the specification's request and response shapes, /predict with the model's preprocessing,
// dynamic batching, Triton-style repositories and config.pbtxt, API keys and rate limits, CORS
// off by default, size limits, /metrics, and a graceful stop that answers requests in flight.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nn, onnx, serve, text, track, type Served } from '../../sdk';
import { encodeModel } from '../../sdk/onnx/graph';
import { parsePbtxt, readConfig, writeConfig } from '../../server/pbtxt';
import { parseTraffic } from '../../server/traffic';

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

describe('aielab serve', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  let server: Served;
  const model = () =>
    nn.sequential([
      nn.layers.dense({ units: 5, activation: 'relu', inputShape: [4] }),
      nn.layers.dense({ units: 3, activation: 'softmax' }),
    ]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aielab-serve-'));
    await nn.backend();
    nn.seed(2);
    file = join(dir, 'iris.onnx');
    await onnx.export(model(), file, {
      labels: ['setosa', 'versicolor', 'virginica'],
      preprocessing: {
        features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
        mean: [5.8, 3.0, 3.7, 1.2],
        scale: [0.8, 0.4, 1.8, 0.8],
      },
    });
    server = await serve.start(file);
  });
  after(() => server?.close());

  it("answers the protocol's health, server metadata and model metadata endpoints", async () => {
    assert.deepEqual((await get(`${server.url}/v2/health/live`)).body, { live: true });
    assert.deepEqual((await get(`${server.url}/v2/health/ready`)).body, { ready: true });
    const meta = await get(`${server.url}/v2`);
    assert.equal(meta.body.name, 'aielab');
    assert.deepEqual(meta.body.extensions, []);
    const model = await get(`${server.url}/v2/models/iris`);
    assert.deepEqual(model.body, {
      name: 'iris',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'output', datatype: 'FP32', shape: [-1, 3] }],
      parameters: { labels: ['setosa', 'versicolor', 'virginica'], max_batch_size: 64 },
    });
    assert.deepEqual((await get(`${server.url}/v2/models/iris/versions/1`)).body, model.body);
    assert.deepEqual((await get(`${server.url}/v2/models/iris/ready`)).body, { name: 'iris', ready: true });
    const missing = await get(`${server.url}/v2/models/nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: 'no model named "nope"; this server has iris' });
    assert.equal((await get(`${server.url}/v2/models/iris/versions/7`)).body.error, 'model iris has no version 7; it has 1');
    assert.match(
      (await get(`${server.url}/v1/models`)).body.error as string,
      /^no route GET \/v1\/models; the API is described at \/openapi\.json$/,
    );
    const api = (await get(`${server.url}/openapi.json`)).body as { openapi: string; paths: Record<string, unknown> };
    assert.equal(api.openapi, '3.1.0');
    assert.ok(api.paths['/v2/models/{name}/infer'] && api.paths['/predict'] && api.paths['/metrics']);
  });

  it("infers on JSON tensors as the specification's examples send them: flat or nested data, an id, chosen outputs", async () => {
    const rows = [
      [5.1, 3.5, 1.4, 0.2],
      [6.7, 3.0, 5.2, 2.3],
    ];
    const expected = (await (await onnx.load(file)).run(rows)).output as number[][];
    const flat = await post(`${server.url}/v2/models/iris/infer`, {
      id: '42',
      inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: rows.flat() }],
    });
    assert.equal(flat.status, 200);
    assert.equal(flat.body.model_name, 'iris');
    assert.equal(flat.body.model_version, '1');
    assert.equal(flat.body.id, '42');
    const [output] = flat.body.outputs as Array<{ name: string; datatype: string; shape: number[]; data: number[] }>;
    assert.deepEqual({ ...output, data: undefined }, { name: 'output', datatype: 'FP32', shape: [2, 3], data: undefined });
    output!.data.forEach((v, i) => assert.ok(Math.abs(v - (expected.flat()[i] as number)) < 1e-6));
    const nested = await post(`${server.url}/v2/models/iris/versions/1/infer`, {
      inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: rows }],
      outputs: [{ name: 'output' }],
    });
    assert.deepEqual((nested.body.outputs as unknown[])[0], output);
    assert.equal(nested.body.id, undefined, 'no id asked, none echoed');
    assert.deepEqual(await server.infer('iris', rows), { output: expected.map((r) => r.map((v) => Math.fround(v))) });
  });

  it('refuses bad tensors with a 4xx that names the input and what the model takes', async () => {
    const infer = (body: unknown) => post(`${server.url}/v2/models/iris/infer`, body);
    const cases: Array<[unknown, number, RegExp]> = [
      [
        { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] },
        400,
        /^no input named "x"; iris takes input \(FP32 \[-1, 4\]\)$/,
      ],
      [
        { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP64', data: [1, 2, 3, 4] }] },
        400,
        /^input input has datatype "FP64"; the model takes FP32$/,
      ],
      [
        { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] },
        400,
        /^input input has shape \[1, 3\]; the model takes \[-1, 4\]/,
      ],
      [
        { inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] },
        400,
        /^input input has 4 values; shape \[2, 4\] needs 8$/,
      ],
      [
        { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 'two', 3, 4] }] },
        400,
        /^input input: value 1 is "two", not a finite number$/,
      ],
      [{ inputs: [] }, 400, /^"inputs" must be a non-empty list; iris takes input/],
      [
        { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }], outputs: [{ name: 'logits' }] },
        400,
        /^no output named "logits"; iris gives output$/,
      ],
      [
        { inputs: [{ name: 'input', shape: [2000, 4], datatype: 'FP32', data: new Array(8000).fill(0) }] },
        413,
        /^input input has 2000 rows; this server takes at most 1024 per request: split the request$/,
      ],
      ['{"inputs": [', 400, /^the body is not valid JSON/],
      [[1, 2], 400, /^the body must be a JSON object with "inputs"/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await infer(body);
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.match(answer.body.error as string, message);
      assert.deepEqual(Object.keys(answer.body), ['error'], 'an error and nothing else: no stack');
    }
  });

  it('answers a failure inside the model with a 500 that gives nothing away, and keeps serving', async () => {
    // A Gather over a table the graph computes (Identity of a weight): the server cannot see its
    // size, so id 99 reaches onnxruntime, which fails inside Gather.
    const ids = join(dir, 'ids.onnx');
    const graph = {
      name: 'ids',
      nodes: [
        { op: 'Cast', inputs: ['input'], outputs: ['ids'], name: 'cast', attributes: { to: 7 } },
        { op: 'Identity', inputs: ['table'], outputs: ['computed'], name: 'copy' },
        { op: 'Gather', inputs: ['computed', 'ids'], outputs: ['output'], name: 'lookup' },
      ],
      initializers: [{ name: 'table', dims: [10, 2], dtype: 'float32' as const, values: new Float32Array(20) }],
      inputs: [{ name: 'input', dtype: 'float32' as const, shape: ['N', 3] }],
      outputs: [{ name: 'output', dtype: 'float32' as const, shape: ['N', 3, 2] }],
    };
    writeFileSync(ids, encodeModel(graph, {}, 'test'));
    const words = await serve.start(ids);
    const logged: string[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.join(' '));
    try {
      const failed = await post(`${words.url}/v2/models/ids/infer`, {
        inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 99] }],
      });
      assert.equal(failed.status, 500);
      assert.deepEqual(failed.body, { error: 'the server failed to answer this request; its log has the details' });
      assert.match(logged.join('\n'), /POST \/v2\/models\/ids\/infer: .*(indices|out of|bounds)/i, 'the details go to the server log');
      assert.equal(await words.metric('aielab_inference_errors_total', { reason: 'internal' }), 1);
      assert.equal(
        (await post(`${words.url}/v2/models/ids/infer`, { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }))
          .status,
        200,
      );
    } finally {
      console.error = error;
      await words.close();
    }
  });

  it("predicts from plain rows, named features or texts, with the preprocessing and labels in the model's metadata", async () => {
    const raw = [5.1, 3.5, 1.4, 0.2];
    const scaled = raw.map((v, j) => (v - [5.8, 3.0, 3.7, 1.2][j]!) / [0.8, 0.4, 1.8, 0.8][j]!);
    const expected = ((await (await onnx.load(file)).run([scaled])).output as number[][])[0]!;
    const [byList, byName] = (await server.predict([
      raw,
      { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
    ])) as Array<{ label: string; probabilities: Record<string, number> }>;
    assert.deepEqual(byList, byName);
    assert.equal(byList!.label, ['setosa', 'versicolor', 'virginica'][expected.indexOf(Math.max(...expected))]);
    assert.ok(Math.abs(byList!.probabilities.versicolor! - expected[1]!) < 1e-6, 'standardised with the saved mean and scale');
    await assert.rejects(
      server.predict([{ sepal_length: 5.1 }]),
      /POST \/predict: 400 rows\[0\] lacks sepal_width, petal_length, petal_width; the model takes sepal_length, sepal_width, petal_length, petal_width/,
    );
    await assert.rejects(
      server.predict(['a text']),
      /rows\[0\] is a text, but iris has no vocabulary and idf in its preprocessing metadata: send numbers/,
    );
    await assert.rejects(server.predict([[1, 2, 3]]), /rows\[0\] has 3 values; the model takes 4 \(sepal_length/);

    // A text model: TF-IDF from the vocabulary and idf saved at export, as text.TfIdf computes it.
    const texts = ['win money now', 'meeting at noon', 'cheap money offer', 'lunch meeting today'];
    const tfidf = new text.TfIdf().fit(texts);
    nn.seed(4);
    const words = nn.sequential([nn.layers.dense({ units: 2, activation: 'softmax', inputShape: [tfidf.vocabulary.length] })]);
    const wordsFile = join(dir, 'words.onnx');
    await onnx.export(words, wordsFile, { labels: ['ham', 'spam'], preprocessing: { vocabulary: tfidf.vocabulary, idf: tfidf.idf } });
    const textServer = await serve.start(wordsFile);
    try {
      const [prediction] = (await textServer.predict(['cheap money now'])) as Array<{ probabilities: Record<string, number> }>;
      const direct = ((await (await onnx.load(wordsFile)).run(tfidf.transform(['cheap money now']))).output as number[][])[0]!;
      assert.ok(Math.abs(prediction!.probabilities.spam! - direct[1]!) < 1e-6);
    } finally {
      await textServer.close();
    }
  });

  it('batches concurrent requests into shared model calls, each client getting its own rows back', async () => {
    const batched = await serve.start(file, { maxQueueDelayMs: 30, maxBatchSize: 16 });
    try {
      const rows = Array.from({ length: 24 }, (_, i) => [[4 + (i % 5) * 0.5, 3, 1 + i * 0.2, 0.1 * i]]);
      const expected = (await (await onnx.load(file)).run(rows.flat())).output as number[][];
      const answers = await Promise.all(rows.map((r) => batched.infer('iris', r)));
      answers.forEach((a, i) =>
        (a.output as number[][])[0]!.forEach((v, k) => assert.ok(Math.abs(v - expected[i]![k]!) < 1e-6, `row ${i}`)),
      );
      const calls = await batched.metric('aielab_inference_batch_size_count');
      const rowsRun = await batched.metric('aielab_inference_batch_size_sum');
      assert.equal(rowsRun, 24, 'every row ran once');
      assert.ok(calls < 24 && calls >= 2, `24 requests in ${calls} model calls (at most 16 rows each)`);
      assert.equal(await batched.metric('aielab_inference_requests_total', { endpoint: 'infer', code: '200' }), 24);
    } finally {
      await batched.close();
    }
  });

  it('batches without waiting when the delay is 0: what queues while the model is busy runs together', async () => {
    const eager = await serve.start(file, { maxQueueDelayMs: 0 });
    try {
      const rows = Array.from({ length: 40 }, (_, i) => [[4 + (i % 5) * 0.5, 3, 1 + i * 0.1, 0.05 * i]]);
      const expected = (await (await onnx.load(file)).run(rows.flat())).output as number[][];
      const answers = await Promise.all(rows.map((r) => eager.infer('iris', r)));
      answers.forEach((a, i) =>
        (a.output as number[][])[0]!.forEach((v, k) => assert.ok(Math.abs(v - expected[i]![k]!) < 1e-6, `row ${i}`)),
      );
      assert.equal(await eager.metric('aielab_inference_batch_size_sum'), 40, 'every row ran once');
      const lone = await eager.infer('iris', [[5, 3, 1, 0]]);
      assert.equal((lone.output as number[][]).length, 1, 'a lone request runs at once, alone');
    } finally {
      await eager.close();
    }
  });

  it('load-tests from a worker thread: every request answered, throughput and ordered percentiles', async () => {
    const report = await server.loadTest({ path: '/predict', body: { rows: [[5, 3, 1, 0]] }, concurrency: 8, requests: 200 });
    assert.equal(report.requests, 200);
    assert.deepEqual(report.statuses, { 200: 200 });
    assert.equal(report.latenciesMs.length, 200);
    assert.ok(report.percentile(0.5) <= report.percentile(0.99) && report.percentile(0.99) <= report.percentile(1));
    assert.ok(report.throughput > 0);
    const failing = await server.loadTest({ path: '/predict', body: { rows: [[1]] }, concurrency: 2, requests: 10 });
    assert.deepEqual(failing.statuses, { 400: 10 });
    assert.equal(failing.ok, 0);
  });

  it("counts requests, rows, errors and latency in /metrics, in Prometheus' text format", async () => {
    const iris = { model: 'iris', version: '1' };
    const count = async () => ({
      ok: await server.metric('aielab_inference_requests_total', { ...iris, code: '200' }),
      refused: await server.metric('aielab_inference_requests_total', { ...iris, code: '400' }),
      errors: await server.metric('aielab_inference_errors_total', { ...iris, reason: 'bad_request' }),
    });
    const before = await count();
    await server.predict([[5, 3, 1, 0]]);
    // Refused in the handler (a wrong shape), by the JSON parser, and on /predict with no model named:
    // each is one request and one error of the model it was for, so their ratio per model is right.
    await post(`${server.url}/v2/models/iris/infer`, { inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] });
    assert.equal((await fetch(`${server.url}/v2/models/iris/infer`, { method: 'POST', body: '{"inputs": [' })).status, 400);
    assert.equal((await post(`${server.url}/predict`, { rows: [[1]] })).status, 400);
    assert.deepEqual(await count(), { ok: before.ok + 1, refused: before.refused + 3, errors: before.errors + 3 });
    const response = await fetch(`${server.url}/metrics`);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    for (const line of [
      '# TYPE aielab_inference_request_duration_seconds histogram',
      '# TYPE aielab_inference_in_flight_requests gauge',
      '# TYPE aielab_inference_rows_total counter',
      '# TYPE aielab_serve_process_resident_memory_bytes gauge',
    ])
      assert.ok(body.includes(line), line);
    assert.match(body, /aielab_inference_request_duration_seconds_bucket\{le="\+Inf",model="iris",version="1"\} \d+/);
  });

  it('serves a Triton-style repository: several models and versions, config.pbtxt written and read', async () => {
    const repo = join(dir, 'repo');
    nn.seed(11);
    const v2 = join(dir, 'iris-v2.onnx');
    await onnx.export(model(), v2, { labels: ['setosa', 'versicolor', 'virginica'] });
    await serve.saveRepository(repo, file, { name: 'iris', version: 1, maxQueueDelayMs: 2 });
    await serve.saveRepository(repo, v2, { name: 'iris', version: 2 });
    await serve.saveRepository(repo, v2, { name: 'other' });
    const written = readConfig(readFileSync(join(repo, 'iris', 'config.pbtxt'), 'utf8'));
    assert.deepEqual(written, {
      name: 'iris',
      platform: 'onnxruntime_onnx',
      maxBatchSize: 64,
      input: [{ name: 'input', dataType: 'TYPE_FP32', dims: [4] }],
      output: [{ name: 'output', dataType: 'TYPE_FP32', dims: [3] }],
      dynamicBatching: { maxQueueDelayMicroseconds: 0, preferredBatchSize: [] },
    });
    assert.match(readFileSync(join(repo, 'iris', 'config.pbtxt'), 'utf8'), /dynamic_batching \{\n {2}max_queue_delay_microseconds: 0\n\}/);
    const served = await serve.start(repo);
    try {
      assert.deepEqual((await served.metadata('iris')).versions, ['1', '2']);
      const row = [[5.1, 3.5, 1.4, 0.2]];
      const [one, two, latest] = await Promise.all([
        served.infer('iris', row, { version: '1' }),
        served.infer('iris', row, { version: '2' }),
        served.infer('iris', row),
      ]);
      assert.deepEqual(latest, two, 'no version: the latest');
      assert.notDeepEqual(one, two);
      await assert.rejects(served.predict([[1, 2, 3, 4]]), /this server has 2 models \(iris, other\): POST \/v2\/models\/<name>\/predict/);
      assert.equal(((await served.predict([[1, 2, 3, 4]], 'other')) as unknown[]).length, 1);
    } finally {
      await served.close();
    }
    writeFileSync(
      join(repo, 'other', 'config.pbtxt'),
      'name: "other"\nplatform: "onnxruntime_onnx"\nmax_batch_size: 8\ninput [ { name: "features" data_type: TYPE_FP32 dims: [ 4 ] } ]\n',
    );
    await assert.rejects(serve.start(repo), /config\.pbtxt: input "features" is not in the model, whose inputs are input\./);
    await assert.rejects(
      serve.start(join(dir, 'nothing-here')),
      /Nothing to serve at .*nothing-here: give an \.onnx file, a model repository folder, or models:\/<name>@<alias>\./,
    );
  });

  it('splits traffic between versions by weight, keeps a routing key on one version, and counts each version', async () => {
    const repo = join(dir, 'canary');
    nn.seed(12);
    const v2 = join(dir, 'canary-v2.onnx');
    await onnx.export(model(), v2, { labels: ['setosa', 'versicolor', 'virginica'] });
    await serve.saveRepository(repo, file, { name: 'iris', version: 1 });
    await serve.saveRepository(repo, v2, { name: 'iris', version: 2 });
    const served = await serve.start(repo, { traffic: { iris: { '1': 90, '2': 10 } } });
    try {
      const body = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] });
      const versionFor = async (headers: Record<string, string>, path = '/v2/models/iris/infer') => {
        const answer = await fetch(`${served.url}${path}`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', ...headers },
        });
        return ((await answer.json()) as { model_version: string }).model_version;
      };
      const users = Array.from({ length: 400 }, (_, i) => `user-${i}`);
      const first = await Promise.all(users.map((user) => versionFor({ 'x-routing-key': user })));
      const canary = first.filter((v) => v === '2').length / users.length;
      assert.ok(canary > 0.05 && canary < 0.15, `the canary got ${(100 * canary).toFixed(1)} % of the users`);
      assert.deepEqual(
        await Promise.all(users.slice(0, 40).map((user) => versionFor({ 'x-routing-key': user }))),
        first.slice(0, 40),
        'a user stays on their version',
      );
      assert.equal(await versionFor({}, '/v2/models/iris/versions/1/infer'), '1', 'a request naming its version gets it');
      const counted = (version: string) =>
        served.metric('aielab_inference_requests_total', { model: 'iris', version, code: '200', endpoint: 'infer' });
      assert.equal((await counted('1')) + (await counted('2')), 441);
      assert.equal(await counted('2'), first.filter((v) => v === '2').length + first.slice(0, 40).filter((v) => v === '2').length);
    } finally {
      await served.close();
    }
    await assert.rejects(
      serve.start(repo, { traffic: { iris: { '1': 90, '3': 10 } } }),
      /traffic: model iris has no version 3; it has 1, 2\./,
    );
    await assert.rejects(
      serve.start(repo, { traffic: { iris: { '1': 90, '2': 0 } } }),
      /the weight of iris version 2 must be a number above 0, not 0/,
    );
    await assert.rejects(serve.start(repo, { traffic: { iris: { '1': 1 } } }), /iris needs two versions or more to split between/);
    assert.deepEqual(parseTraffic(['iris=1:90, 2:10']), { iris: { '1': 90, '2': 10 } });
    assert.throws(() => parseTraffic(['iris:90']), /--traffic takes <model>=<version>:<weight>,<version>:<weight>, such as iris=1:90,2:10/);
  });

  it('serves a registered model by alias (models:/name@alias) under its registered name and version', async () => {
    const previous = process.env.MLFLOW_TRACKING_URI;
    const home = process.cwd();
    process.env.MLFLOW_TRACKING_URI = join(dir, 'mlruns');
    // Outside a git repository, so that tracking starts no git process.
    process.chdir(dir);
    try {
      const run = track.startRun({ name: 'export' });
      run.logArtifact(file, 'model');
      run.end();
      track.registerModel('iris-classifier', { run, artifactPath: 'model', alias: 'champion' });
      const registered = await serve.start('models:/iris-classifier@champion');
      try {
        const meta = await registered.metadata('iris-classifier');
        assert.deepEqual(meta.versions, ['1']);
        assert.equal(((await registered.predict([[5, 3, 1, 0]])) as Array<{ label: string }>)[0]!.label.length > 0, true);
      } finally {
        await registered.close();
      }
      await assert.rejects(serve.start('models:/iris-classifier@nobody'), /nobody/);
    } finally {
      process.chdir(home);
      if (previous === undefined) delete process.env.MLFLOW_TRACKING_URI;
      else process.env.MLFLOW_TRACKING_URI = previous;
    }
  });

  it('reads config.pbtxt as Triton writes it: comments, nested messages, lists, enums', () => {
    const config = readConfig(`# a model
name: "densenet_onnx"
platform: "onnxruntime_onnx"
max_batch_size : 8
input [
  {
    name: "data_0"
    data_type: TYPE_FP32
    format: FORMAT_NCHW
    dims: [ 3, 224, 224 ]
    reshape { shape: [ 1, 3, 224, 224 ] }
  }
]
output [ { name: "fc6_1", data_type: TYPE_FP32, dims: [ 1000 ] label_filename: "densenet_labels.txt" } ]
dynamic_batching { preferred_batch_size: [ 4, 8 ] max_queue_delay_microseconds: 100 }
instance_group [ { count: 2 kind: KIND_CPU } ]`);
    assert.deepEqual(config, {
      name: 'densenet_onnx',
      platform: 'onnxruntime_onnx',
      maxBatchSize: 8,
      input: [{ name: 'data_0', dataType: 'TYPE_FP32', dims: [3, 224, 224] }],
      output: [{ name: 'fc6_1', dataType: 'TYPE_FP32', dims: [1000] }],
      dynamicBatching: { maxQueueDelayMicroseconds: 100, preferredBatchSize: [4, 8] },
    });
    assert.deepEqual(readConfig(writeConfig(config)), config, 'what we write reads back the same');
    assert.throws(() => parsePbtxt('name: "x"\ninput [ { name: "a" }', 'bad.pbtxt'), /bad\.pbtxt, line 2: a list is not closed with \]/);
  });

  it('asks for an API key when given a keys file: hashed at rest, 401 without a valid one, 429 past its rate', async () => {
    const keysFile = join(dir, 'keys.json');
    const key = serve.createApiKey(keysFile, 'notebook', 3);
    assert.match(key, /^aielab_[\w-]{32}$/);
    assert.ok(!readFileSync(keysFile, 'utf8').includes(key), 'only the hash is stored');
    assert.throws(() => serve.createApiKey(keysFile, 'notebook'), /already has a key named notebook/);
    const guarded = await serve.start(file, { apiKeys: keysFile });
    try {
      const body = { rows: [[5, 3, 1, 0]] };
      assert.equal((await get(`${guarded.url}/v2/health/ready`)).status, 200, 'health stays open for probes');
      const none = await post(`${guarded.url}/predict`, body);
      assert.equal(none.status, 401);
      assert.equal(none.body.error, 'this server needs an API key: send "Authorization: Bearer <key>"');
      assert.equal((await post(`${guarded.url}/predict`, body, { authorization: 'Bearer aielab_wrong' })).status, 401);
      for (let i = 0; i < 3; i++) assert.equal((await post(`${guarded.url}/predict`, body, { 'x-api-key': key })).status, 200);
      const limited = await post(`${guarded.url}/predict`, body, { authorization: `Bearer ${key}` });
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error, 'rate limit of 3 requests per minute reached for key notebook');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal(await guarded.metric('aielab_inference_errors_total', { reason: 'rate_limited' }), 1);
      assert.equal(
        await guarded.metric('aielab_inference_requests_total', { model: 'iris', version: '1', code: '401' }),
        2,
        'refused before the handler, still counted as requests',
      );
      assert.equal(await guarded.metric('aielab_inference_requests_total', { model: 'iris', version: '1', code: '429' }), 1);
    } finally {
      await guarded.close();
    }
  });

  it('sends no CORS headers unless an origin is allowed, and limits the body size', async () => {
    const plain = await fetch(`${server.url}/v2/models/iris`, { headers: { origin: 'https://example.org' } });
    assert.equal(plain.headers.get('access-control-allow-origin'), null);
    const open = await serve.start(file, { cors: ['https://lab.example'], maxBodyBytes: 2048 });
    try {
      const allowed = await fetch(`${open.url}/v2/models/iris`, { headers: { origin: 'https://lab.example' } });
      assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://lab.example');
      const preflight = await fetch(`${open.url}/predict`, {
        method: 'OPTIONS',
        headers: { origin: 'https://lab.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(preflight.status, 204);
      const other = await fetch(`${open.url}/v2/models/iris`, { headers: { origin: 'https://evil.example' } });
      assert.equal(other.headers.get('access-control-allow-origin'), null);
      const big = await post(`${open.url}/predict`, { rows: new Array(400).fill([1, 2, 3, 4]) });
      assert.equal(big.status, 413);
      assert.equal(big.body.error, "the request body is larger than this server's limit of 2048 bytes");
    } finally {
      await open.close();
    }
  });

  it('stops gracefully: a request in flight is answered, new ones are refused', async () => {
    const slow = await serve.start(file, { maxQueueDelayMs: 400 });
    const pending = slow.infer('iris', [[5, 3, 1, 0]]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closing = slow.close();
    const answered = await pending;
    assert.equal((answered.output as number[][])[0]!.length, 3, 'answered while closing');
    await closing;
    await assert.rejects(fetch(`${slow.url}/v2/health/live`), /fetch failed/);
  });
});
