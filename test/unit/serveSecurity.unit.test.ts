// The inference server against a security probe's attacks (issue 20, "The server"): API keys
// that no spelling of a path gets around, a batch that one bad request cannot fail, inputs
// refused before the model (FP32 overflow, ragged or deep nesting), slow clients that cannot
// hold sockets or a stop, a bounded /docs, and a private, rotated request log. Each test sends the
// attack itself, over loopback, with the exact bytes (node:http, which leaves paths as written).
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nn, onnx, serve, type Served } from '../../sdk';
import { exportTokenClassifier } from '../helpers/models';
import { encodeModel } from '../../sdk/onnx/graph';
import { Batcher, type Feeds, type Tensor } from '../../server/batcher';

interface Answer {
  status: number;
  body: string;
}

/** One request with the path exactly as given (fetch would resolve dot segments and more). */
function send(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const { hostname, port } = new URL(url);
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: hostname,
        port,
        method,
        path,
        headers: {
          ...(text !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) } : {}),
          ...headers,
        },
      },
      (response) => {
        let received = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (received += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: received }));
      },
    );
    sent.on('error', reject);
    sent.end(text);
  });
}

const errorOf = (answer: Answer) => (JSON.parse(answer.body) as { error: string }).error;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const row = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] };

describe('aielab serve against attacks', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  let keysFile: string;
  let key: string;
  let guarded: Served;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aielab-serve-security-'));
    await nn.backend();
    nn.seed(3);
    file = join(dir, 'iris.onnx');
    await onnx.export(nn.sequential([nn.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]), file, {
      labels: ['a', 'b', 'c'],
    });
    keysFile = join(dir, 'keys.json');
    key = serve.createApiKey(keysFile, 'probe', 10_000);
    guarded = await serve.start(file, { apiKeys: keysFile });
  });
  after(() => guarded?.close());

  it('asks a key of every spelling of an inference path: percent-encoding, slashes, case, ;, .., trailing slash', async () => {
    const spellings = [
      '/v2/models/iris/infe%72',
      '/v2/models/iris/%69nfer',
      '/v2/models/iri%73/infer',
      '/v2/models/iris/versions/1/infe%72',
      '/v2/models/iris%2Finfer',
      '/v2/models/iris%2fversions%2f1%2finfer',
      '//v2/models/iris/infer',
      '/v2//models/iris/infer',
      '/v2/models/iris/infer/',
      '/V2/models/iris/INFER',
      '/v2/models/iris/infer;key=1',
      '/v2/models/iris/x/../infer',
      '/v2/models/iris/./infer',
      '/pre%64ict',
      '/predict?then=/v2/health/live',
    ];
    for (const path of spellings) {
      const answer = await send(guarded.url, 'POST', path, row);
      assert.equal(answer.status, 401, `POST ${path} without a key: ${answer.body}`);
    }
    // The encoded paths do reach infer: with a key they are answered.
    for (const path of ['/v2/models/iris/infe%72', '/v2/models/iri%73/infer', '/v2/models/iris/versions/1/infe%72'])
      assert.equal((await send(guarded.url, 'POST', path, row, { 'x-api-key': key })).status, 200, path);
  });

  it('counts an encoded path against its key’s rate limit', async () => {
    const limitedFile = join(dir, 'limited.json');
    const limited = serve.createApiKey(limitedFile, 'few', 2);
    const server = await serve.start(file, { apiKeys: limitedFile });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await send(server.url, 'POST', '/v2/models/iris/infe%72', row, { authorization: `Bearer ${limited}` })).status);
      assert.deepEqual(statuses, [200, 200, 429]);
    } finally {
      await server.close();
    }
  });

  it('asks a key of what reveals a model (metadata, readiness, drift, /docs, /openapi.json, /metrics), in every method; health stays open', async () => {
    const closed: Array<[string, string]> = [
      ['GET', '/v2'],
      ['GET', '/v2/models/iris'],
      ['GET', '/v2/models/iris/versions/1'],
      ['GET', '/v2/models/iris/ready'],
      ['GET', '/v2/models/iris/drift'],
      ['GET', '/docs'],
      ['GET', '/openapi.json'],
      ['GET', '/metrics'],
      ['GET', '/metric%73'],
      ['HEAD', '/v2/models/iris'],
      ['HEAD', '/metrics'],
      ['OPTIONS', '/v2/models/iris/infer'],
    ];
    for (const [method, path] of closed) assert.equal((await send(guarded.url, method, path)).status, 401, `${method} ${path}`);
    for (const [method, path] of closed.slice(0, 8))
      assert.equal(
        (await send(guarded.url, method, path, undefined, { 'x-api-key': key })).status,
        method === 'GET' && path.endsWith('/drift') ? 404 : 200,
        `${method} ${path} with a key`,
      );
    for (const [method, path] of [
      ['GET', '/v2/health/live'],
      ['GET', '/v2/health/ready'],
      ['HEAD', '/v2/health/ready'],
    ] as const)
      assert.equal((await send(guarded.url, method, path)).status, 200, `${method} ${path} stays open for orchestrators`);
  });

  it('answers unknown routes and models 401 without a key (nothing tells what exists), 404 with one', async () => {
    for (const path of ['/v1/models', '/v2/models/secret-model', '/v2/models/secret-model/ready', '/admin']) {
      const without = await send(guarded.url, 'GET', path);
      assert.equal(without.status, 401, path);
      assert.equal(errorOf(without), 'this server needs an API key: send "Authorization: Bearer <key>"');
      assert.equal((await send(guarded.url, 'GET', path, undefined, { 'x-api-key': key })).status, 404, `${path} with a key`);
    }
    const missing = await send(guarded.url, 'POST', '/v2/models/secret-model/infer', row);
    assert.equal(missing.status, 401, 'an unknown model on a known route: no hint that it is unknown');
  });

  it('opens /metrics alone to a keyless Prometheus with openMetrics (and /docs with openDocs)', async () => {
    const scraped = await serve.start(file, { apiKeys: keysFile, openMetrics: true });
    try {
      assert.equal((await send(scraped.url, 'GET', '/metrics')).status, 200);
      for (const path of ['/docs', '/openapi.json', '/v2/models/iris'])
        assert.equal((await send(scraped.url, 'GET', path)).status, 401, path);
      assert.equal((await send(scraped.url, 'POST', '/v2/models/iris/infer', row)).status, 401);
    } finally {
      await scraped.close();
    }
    const documented = await serve.start(file, { apiKeys: keysFile, openDocs: true });
    try {
      for (const path of ['/docs', '/openapi.json']) assert.equal((await send(documented.url, 'GET', path)).status, 200, path);
      assert.equal((await send(documented.url, 'GET', '/metrics')).status, 401);
    } finally {
      await documented.close();
    }
  });

  it('refuses ids outside the embedding table with a 400 naming the range, and answers the others of the batch', async () => {
    const ids = join(dir, 'ids.onnx');
    await exportTokenClassifier(ids);
    // A delay long enough that the four requests below share one model call.
    const words = await serve.start(ids, { maxQueueDelayMs: 150 });
    try {
      // The helper's embedding has 10 rows: the input reaches its Gather through a Cast.
      const tokens = [
        [1, 2, 3],
        [4, 5, 6],
        [1, 2, 10],
        [7, 8, 9],
      ];
      const answers = await Promise.all(
        tokens.map((data) =>
          send(words.url, 'POST', '/v2/models/ids/infer', { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data }] }),
        ),
      );
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200, 400, 200],
      );
      assert.match(answers[2]?.body ?? '', /input input: value 2 is 10, outside the ids the model knows \(-10 to 9\)/);
    } finally {
      await words.close();
    }
  });

  it('fails only the request whose rows break the model call, answering the others that shared it', async () => {
    const poison = 13;
    let calls = 0;
    const batcher = new Batcher(
      async (feeds) => {
        calls++;
        const x = feeds.x as Tensor;
        if ([...(x.data as Float32Array)].includes(poison)) throw new Error('the model failed');
        return { y: { dims: x.dims, data: (x.data as Float32Array).map((v) => 2 * v) } };
      },
      8,
      50,
    );
    const row = (v: number): Feeds => ({ x: { dims: [1, 1], data: new Float32Array([v]) } });
    const settled = await Promise.allSettled([1, 2, poison, 4].map((v) => batcher.submit(row(v), 1)));
    assert.deepEqual(
      settled.map((s) => (s.status === 'fulfilled' ? [...(s.value.outputs.y?.data as Float32Array)] : 'failed')),
      [[2], [4], 'failed', [8]],
    );
    assert.equal(calls, 5, 'one call for the four, then one each, alone');
  });

  it('refuses values past FP32 with a 400 naming the input, rather than answering nulls', async () => {
    const big = await send(
      guarded.url,
      'POST',
      '/v2/models/iris/infer',
      { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 1e39, 1, 1] }] },
      { 'x-api-key': key },
    );
    assert.equal(big.status, 400, big.body);
    assert.equal(errorOf(big), "input input: value 1 is 1e+39, outside FP32's range (±3.4028235e38)");
    const rows = await send(guarded.url, 'POST', '/predict', { rows: [[1, 2, -1e39, 4]] }, { 'x-api-key': key });
    assert.equal(rows.status, 400, rows.body);
    assert.equal(errorOf(rows), "rows[0][2] is -1e+39, outside FP32's range (±3.4028235e38)");
  });

  it('refuses ragged nested data whose count happens to fit the shape', async () => {
    const ragged = await send(
      guarded.url,
      'POST',
      '/v2/models/iris/infer',
      {
        inputs: [
          {
            name: 'input',
            shape: [2, 4],
            datatype: 'FP32',
            data: [
              [1, 2, 3],
              [4, 5, 6, 7, 8],
            ],
          },
        ],
      },
      { 'x-api-key': key },
    );
    assert.equal(ragged.status, 400, ragged.body);
    assert.match(
      errorOf(ragged),
      /^input input: nested "data" must have the shape \[2, 4\], but level 2 has a list of 3 where a list of 4 belongs/,
    );
    const mixed = await send(
      guarded.url,
      'POST',
      '/v2/models/iris/infer',
      { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [[1, 2, 3, [4]]] }] },
      { 'x-api-key': key },
    );
    assert.equal(mixed.status, 400, mixed.body);
    assert.match(errorOf(mixed), /goes deeper than its shape/);
  });

  it('refuses a body nested 50,000 deep with a 400, not a 500', async () => {
    const deep = `${'['.repeat(50_000)}1${']'.repeat(50_000)}`;
    const inData = await send(
      guarded.url,
      'POST',
      '/v2/models/iris/infer',
      `{"inputs":[{"name":"input","shape":[1,1],"datatype":"FP32","data":${deep}}]}`,
      { 'x-api-key': key },
    );
    assert.equal(inData.status, 400, inData.body);
    assert.match(errorOf(inData), /^the body nests lists or objects more than 32 levels deep/);
    const inName = await send(guarded.url, 'POST', '/v2/models/iris/infer', `{"inputs":[{"name":${deep}}]}`, { 'x-api-key': key });
    assert.equal(inName.status, 400, inName.body);
    const brackets = await send(guarded.url, 'POST', '/v2/models/iris/infer', { id: '['.repeat(100), ...row }, { 'x-api-key': key });
    assert.equal(brackets.status, 200, 'brackets inside strings do not count');
  });

  it('cuts a client sending its headers a byte at a time, and stops at once despite three of them', async () => {
    const slow = await serve.start(file, { headersTimeoutMs: 1000 });
    const sockets: Socket[] = [];
    const closedAt: number[] = [];
    const started = performance.now();
    const timers = [];
    for (let i = 0; i < 3; i++) {
      const socket = connect(Number(new URL(slow.url).port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => closedAt.push(performance.now() - started));
      socket.write('POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      timers.push(setInterval(() => socket.writable && socket.write('a'), 100));
      sockets.push(socket);
    }
    try {
      await sleep(2500);
      assert.equal(closedAt.length, 3, 'the server cut them once their headers were late');
      assert.ok(closedAt.every((t) => t < 2500));
      // Three more, then a stop while they trickle: it does not wait for them.
      const more = Array.from({ length: 3 }, () => {
        const socket = connect(Number(new URL(slow.url).port), '127.0.0.1');
        socket.on('error', () => undefined);
        socket.write('GET /v2/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
        timers.push(setInterval(() => socket.writable && socket.write('a'), 100));
        sockets.push(socket);
        return socket;
      });
      await sleep(300);
      const stopping = performance.now();
      await slow.close();
      assert.ok(performance.now() - stopping < 500, `the stop took ${Math.round(performance.now() - stopping)} ms`);
      await sleep(50);
      assert.ok(
        more.every((s) => s.destroyed || s.readableEnded),
        'their sockets are closed',
      );
    } finally {
      timers.forEach(clearInterval);
      sockets.forEach((s) => s.destroy());
    }
  });

  it('closes connections past maxConnections as they arrive, and serves again once they go', async () => {
    const capped = await serve.start(file, { maxConnections: 3 });
    const sockets: Socket[] = [];
    let closed = 0;
    try {
      for (let i = 0; i < 8; i++) {
        const socket = connect(Number(new URL(capped.url).port), '127.0.0.1');
        socket.on('error', () => undefined);
        socket.on('close', () => closed++);
        sockets.push(socket);
        await new Promise((resolve) => socket.once('connect', resolve));
      }
      await sleep(300);
      assert.equal(closed, 5, 'five of eight refused');
      sockets.forEach((s) => s.destroy());
      await sleep(100);
      assert.equal((await send(capped.url, 'GET', '/v2/health/live')).status, 200);
    } finally {
      sockets.forEach((s) => s.destroy());
      await capped.close();
    }
  });

  it('shows a cut example on /docs and /openapi.json for a 50M-wide input, and says so', async () => {
    // One ReduceMean over a fixed 50M-wide input, written directly: no weights, a file of a few bytes.
    const wide = join(dir, 'wide.onnx');
    const graph = {
      name: 'wide',
      nodes: [{ op: 'ReduceMean', inputs: ['input'], outputs: ['output'], name: 'mean', attributes: { axes: [1], keepdims: 0 } }],
      initializers: [],
      inputs: [{ name: 'input', dtype: 'float32' as const, shape: ['N', 50_000_000] }],
      outputs: [{ name: 'output', dtype: 'float32' as const, shape: ['N'] }],
    };
    writeFileSync(wide, encodeModel(graph, {}, 'test'));
    const server = await serve.start(wide);
    try {
      const page = await send(server.url, 'GET', '/docs');
      assert.equal(page.status, 200);
      assert.ok(page.body.length < 100_000, `the page is ${page.body.length} characters`);
      assert.match(page.body, /The examples show 1024 values of input's 50000000: a request must send all of them\./);
      const api = await send(server.url, 'GET', '/openapi.json');
      assert.ok(api.body.length < 100_000, `the document is ${api.body.length} characters`);
    } finally {
      await server.close();
    }
  });

  it('keeps the request log private (0600) and rotates it past its size, keeping the newest files', async () => {
    const log = join(dir, 'requests.jsonl');
    const logged = await serve.start(file, { logRequests: log, logMaxBytes: 400, logKeep: 2 });
    try {
      for (let i = 0; i < 12; i++) assert.equal((await send(logged.url, 'POST', '/predict', { rows: [[i, 1, 2, 3]] })).status, 200);
    } finally {
      await logged.close();
    }
    const files = [log, join(dir, 'requests.1.jsonl'), join(dir, 'requests.2.jsonl')];
    for (const f of files) {
      assert.ok(existsSync(f), f);
      assert.equal(statSync(f).mode & 0o777, 0o600, `${f} is readable by its owner alone`);
      assert.ok(statSync(f).size <= 400, `${f} is ${statSync(f).size} bytes`);
    }
    assert.ok(!existsSync(join(dir, 'requests.3.jsonl')), 'only two rotated files are kept');
    const newest = readFileSync(log, 'utf8').trim().split('\n').pop() as string;
    assert.deepEqual((JSON.parse(newest) as { rows: number[][] }).rows, [[11, 1, 2, 3]], 'the current file has the latest request');
  });
});
