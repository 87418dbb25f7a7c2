// The model over HTTP with the Open Inference Protocol (KServe v2), which KServe, Triton and
// Seldon speak too: GET /v2/health/live|ready, GET /v2/models/<name>, POST /v2/models/<name>/infer.
// A request carries one tensor per raw column (shape [n]); the answer, the predicted class and
// the class probabilities per row. With a request log (`npm run serve -- --log-requests
// requests.jsonl`), each answered inference is one JSON line: the model's inputs and predictions,
// in the format of `aielab serve --log-requests`, which `npm run retrain` checks for drift.
import { chmodSync, createWriteStream, openSync, type WriteStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { Row } from './data';
import { transform } from './features';
import { loadPackaged, predict, type PackagedModel } from './model';

const MAX_BODY = 1 << 20;

interface Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface Serving {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** One line of the request log. */
export interface LoggedRequest {
  time: string;
  model: string;
  version: string;
  /** The model's inputs, one row of numbers per request row (features.ts's transform). */
  rows: number[][];
  predictions: string[];
}

export async function startServer(options: { modelDir: string; port?: number; host?: string; requestLog?: string }): Promise<Serving> {
  const packaged = await loadPackaged(options.modelDir);
  const log = options.requestLog ? openLog(options.requestLog) : undefined;
  const server = createServer((req, res) => {
    handle(packaged, req, log)
      .then((body) => send(res, 200, body))
      .catch((error: Error) => send(res, error instanceof BadRequest ? error.status : 500, { error: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 8080, options.host ?? '0.0.0.0', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => (log ? log.end(resolve) : resolve()))),
  };
}

/** The clients' data: readable by its owner alone (0600, also when the file existed before). */
function openLog(file: string): WriteStream {
  const fd = openSync(file, 'a', 0o600);
  chmodSync(file, 0o600);
  return createWriteStream(file, { fd });
}

async function handle(packaged: PackagedModel, req: IncomingMessage, log: WriteStream | undefined): Promise<unknown> {
  const { name, version } = packaged.card;
  const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
  if (req.method === 'GET' && path === '/v2/health/live') return { live: true };
  if (req.method === 'GET' && path === '/v2/health/ready') return { ready: true };
  if (req.method === 'GET' && path === '/v2') return { name: 'pipeline-server', version: '1', extensions: [] };
  const model = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/infer)?$/.exec(path);
  if (!model) throw new BadRequest(`no route ${req.method} ${path}; try POST /v2/models/${name}/infer`, 404);
  if (decodeURIComponent(model[1] as string) !== name || (model[2] && model[2] !== String(version)))
    throw new BadRequest(`no model ${model[1]}${model[2] ? ` version ${model[2]}` : ''}; this server has ${name} version ${version}`, 404);
  if (!model[3]) {
    if (req.method !== 'GET') throw new BadRequest(`use GET for model metadata`, 405);
    return {
      name,
      versions: [String(version)],
      platform: 'tensorflowjs',
      inputs: [
        ...packaged.spec.numeric.map((f) => ({ name: f.name, datatype: 'FP32', shape: [-1] })),
        ...packaged.spec.categorical.map((f) => ({ name: f.name, datatype: 'BYTES', shape: [-1] })),
      ],
      outputs: [
        { name: packaged.spec.target, datatype: 'BYTES', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, packaged.spec.classes.length] },
      ],
    };
  }
  if (req.method !== 'POST') throw new BadRequest('use POST to infer', 405);
  const request = parse(await body(req));
  const rows = toRows(packaged, request.inputs);
  const predictions = predict(packaged, rows);
  if (log && rows.length) {
    const line: LoggedRequest = {
      time: new Date().toISOString(),
      model: name,
      version: String(version),
      rows: transform(packaged.spec, rows),
      predictions: predictions.map((p) => p.label),
    };
    log.write(`${JSON.stringify(line)}\n`);
  }
  return {
    model_name: name,
    model_version: String(version),
    ...(request.id === undefined ? {} : { id: request.id }),
    outputs: [
      { name: packaged.spec.target, datatype: 'BYTES', shape: [rows.length], data: predictions.map((p) => p.label) },
      {
        name: 'probabilities',
        datatype: 'FP32',
        shape: [rows.length, packaged.spec.classes.length],
        data: predictions.flatMap((p) => p.probabilities),
      },
    ],
  };
}

function parse(text: string): { id?: unknown; inputs: Tensor[] } {
  let request: { id?: unknown; inputs?: unknown };
  try {
    request = JSON.parse(text) as typeof request;
  } catch {
    throw new BadRequest('the body is not JSON; send {"inputs": [{"name", "shape", "datatype", "data"}, …]}');
  }
  if (!Array.isArray(request?.inputs))
    throw new BadRequest('the body needs "inputs": a list of tensors {"name", "shape", "datatype", "data"}');
  return request as { id?: unknown; inputs: Tensor[] };
}

/** Tensors by column name become rows; every column the model reads must be there, each of the same length. */
function toRows(packaged: PackagedModel, inputs: Tensor[]): Row[] {
  const columns = new Map(inputs.map((t) => [t?.name, t]));
  const wanted = [...packaged.spec.numeric.map((f) => f.name), ...packaged.spec.categorical.map((f) => f.name)];
  const missing = wanted.filter((name) => !columns.has(name));
  if (missing.length)
    throw new BadRequest(
      `missing input tensor(s) ${missing.join(', ')}; the model reads ${wanted.join(', ')} (GET /v2/models/${packaged.card.name} lists them)`,
    );
  const length = (columns.get(wanted[0] as string) as Tensor).data?.length;
  for (const name of wanted) {
    const tensor = columns.get(name) as Tensor;
    if (!Array.isArray(tensor.data) || tensor.data.length !== length)
      throw new BadRequest(`input ${name}: "data" must be a list of ${length} values, one per row, like the other inputs`);
    const numeric = packaged.spec.numeric.some((f) => f.name === name);
    const bad = tensor.data.findIndex(
      (v) => v !== null && (numeric ? typeof v !== 'number' || !Number.isFinite(v) : typeof v !== 'string'),
    );
    if (bad >= 0)
      throw new BadRequest(
        `input ${name}: value ${JSON.stringify(tensor.data[bad])} at ${bad} is not ${numeric ? 'a number' : 'a string'} (null means missing)`,
      );
  }
  return Array.from({ length: length ?? 0 }, (_, i) =>
    Object.fromEntries(wanted.map((name) => [name, (columns.get(name) as Tensor).data[i] as string | number | null])),
  );
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new BadRequest(`the body is over ${MAX_BODY} bytes; send fewer rows per request`, 413));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

if (require.main === module) {
  const modelDir = process.env.MODEL_DIR ?? 'model';
  const { values } = parseArgs({ options: { 'log-requests': { type: 'string' } } });
  const requestLog = values['log-requests'] ?? process.env.LOG_REQUESTS;
  startServer({
    modelDir,
    port: Number(process.env.PORT ?? 8080),
    host: process.env.HOST ?? '0.0.0.0',
    ...(requestLog ? { requestLog } : {}),
  }).then(
    (serving) => {
      console.log(`Serving ${modelDir} at ${serving.url}/v2/models (Open Inference Protocol). Ctrl+C stops.`);
      if (requestLog) console.log(`Logging each inference's model inputs and predictions to ${requestLog} (npm run retrain reads it).`);
      const stop = () => void serving.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (error: Error) => {
      console.error(`serve: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
