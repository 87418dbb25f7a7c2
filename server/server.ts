// The inference server: the Open Inference Protocol v2 over HTTP (health, server and model
// metadata, infer, per model and version), /predict for plain JSON rows, /metrics for Prometheus
// and /openapi.json, on Fastify with onnxruntime-node behind it. Bad requests get a 4xx that says
// what was expected, never a stack trace; close() stops taking requests and finishes those in
// flight before the models are released.
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { version as productVersion } from '../package.json';
import { ApiKeys, presentedKey, readKeys } from './auth';
import type { Feeds } from './batcher';
import { DriftWindow, MIN_DRIFT_ROWS, RequestLog, rowsOf } from './driftWindow';
import type { ServedModel } from './model';
import { ServerMetrics, reasonOf } from './metrics';
import { inferResponse, modelMetadata, parseInfer, RequestError, type Limits } from './oip';
import { docsPage } from './docs';
import { openApi } from './openapi';
import { parsePredict, predictResponse } from './predict';
import { loadRepository, type Repository, type RepositoryOptions } from './repository';

export interface ServeOptions extends RepositoryOptions {
  host?: string;
  /** 0 picks a free port. Default 8000. */
  port?: number;
  /** A keys file (aielab api-key add): every inference request must then carry one of its keys. */
  apiKeys?: string;
  /** Origins allowed to call from a browser; none by default (no CORS headers at all). */
  cors?: string[];
  /** Largest request body, in bytes (default 4 MiB). */
  maxBodyBytes?: number;
  /** Most rows in one request (default 1024). */
  maxRows?: number;
  /** Recent rows kept per model for drift against its reference (default 1000). */
  driftWindow?: number;
  /** Appends every request's model inputs and predictions to this JSON-lines file. */
  logRequests?: string;
}

export interface RunningServer {
  url: string;
  repository: Repository;
  metrics: ServerMetrics;
  /** Stops taking requests, answers those in flight, then releases the models. */
  close(): Promise<void>;
}

interface Route {
  name: string;
  version?: string;
}

export async function startServer(target: string, options: ServeOptions = {}): Promise<RunningServer> {
  const repository = await loadRepository(target, options);
  const keys = options.apiKeys ? new ApiKeys(readKeys(options.apiKeys)) : undefined;
  const limits: Limits = { maxRows: options.maxRows ?? 1024 };
  const served = [...repository.values()].flatMap((versions) => [...versions.values()]);
  const windows = new Map<ServedModel, DriftWindow>();
  for (const model of served) {
    const reference = model.reference;
    if (reference && model.inputs.length === 1 && model.inputs[0]?.shape.length === 2) windows.set(model, new DriftWindow(reference, options.driftWindow ?? 1000));
  }
  const log = options.logRequests ? new RequestLog(options.logRequests) : undefined;
  const observe = (model: ServedModel, feeds: Feeds, outputs: Feeds) => {
    const window = windows.get(model);
    if (!window && !log) return;
    const rows = rowsOf(feeds[model.inputs[0]?.name ?? ''], outputs[model.outputs[0]?.name ?? ''], model.labels?.length ?? 0);
    if (window && rows[0]?.row.length === window.reference.features.length) for (const r of rows) window.add(r.row, r.predicted);
    log?.write(model.name, model.version, rows, model.labels);
  };
  const metrics = new ServerMetrics(
    () => served.map((m) => ({ model: m.name, version: m.version, rows: m.queued })),
    () => [...windows].map(([m, w]) => ({ model: m.name, version: m.version, windowRows: w.size, report: w.report() })),
  );
  const app = Fastify({ logger: false, bodyLimit: options.maxBodyBytes ?? 4 * 1024 * 1024, forceCloseConnections: 'idle', return503OnClosing: true });
  // Clients that send JSON without saying so (curl -d) are read as JSON too.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch (error) {
      done(new RequestError(`the body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });

  const find = ({ name, version }: Route): ServedModel => {
    const versions = repository.get(name);
    if (!versions) throw new RequestError(`no model named ${JSON.stringify(name)}; this server has ${[...repository.keys()].join(', ')}`, 404);
    const model = version === undefined ? [...versions.values()].pop() : versions.get(version);
    if (!model) throw new RequestError(`model ${name} has no version ${version}; it has ${[...versions.keys()].join(', ')}`, 404);
    return model;
  };
  const only = (): ServedModel => {
    if (repository.size !== 1) throw new RequestError(`this server has ${repository.size} models (${[...repository.keys()].join(', ')}): POST /v2/models/<name>/predict`, 404);
    return find({ name: [...repository.keys()][0] as string });
  };

  // Every refused inference request counts once in requests_total and errors_total, under the model
  // it was for, wherever it was refused (key check, JSON parser, validation, the model itself), so
  // that errors / requests per model is the error ratio the alert rule and the dashboard compute.
  // A name the server does not have is counted under model="" rather than becoming a new series.
  const countRefused = (request: FastifyRequest, status: number) => {
    const endpoint = /\/(infer|predict)$/.exec(request.routeOptions.url ?? '')?.[1];
    if (!endpoint) return;
    const params = request.params as Partial<Route>;
    let model: ServedModel | undefined;
    try {
      model = params.name ? find(params as Route) : only();
    } catch {
      model = undefined;
    }
    const labels = { model: model?.name ?? '', version: model?.version ?? '' };
    metrics.requests.inc({ ...labels, endpoint, code: String(status) });
    metrics.errors.inc({ ...labels, reason: reasonOf(status) });
  };

  // Hooks cost every request something: only the ones this server's options need are added.
  if (options.cors?.length) {
    app.addHook('onRequest', (request, reply, done) => {
      const origin = request.headers.origin;
      if (!origin || !options.cors?.includes(origin)) return done();
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
      if (request.method !== 'OPTIONS') return done();
      void reply.header('access-control-allow-methods', 'GET, POST').header('access-control-allow-headers', 'content-type, authorization, x-api-key').code(204).send();
    });
  }
  if (keys) {
    app.addHook('onRequest', (request, reply, done) => {
      if (request.method === 'OPTIONS' || !/\/(infer|predict)$/.test(request.url.split('?')[0] as string)) return done();
      const verdict = keys.check(presentedKey(request.headers));
      if ('key' in verdict) return done();
      if (verdict.retryAfter !== undefined) reply.header('retry-after', String(verdict.retryAfter));
      done(new RequestError(verdict.message, verdict.status));
    });
  }

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error instanceof RequestError ? error.status : error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    countRefused(request, status);
    // A failure inside the server says only that it happened: its details stay in the server's log.
    if (status >= 500) console.error(`${request.method} ${request.url}: ${error.stack ?? error.message}`);
    void reply.code(status).send({ error: status >= 500 ? 'the server failed to answer this request; its log has the details' : status === 413 && !(error instanceof RequestError) ? `the request body is larger than this server's limit of ${options.maxBodyBytes ?? 4 * 1024 * 1024} bytes` : error.message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no route ${request.method} ${request.url}; the API is described at /openapi.json` });
  });

  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async () => ({ ready: true }));
  app.get('/v2', async () => ({ name: 'aielab', version: productVersion, extensions: [] }));
  const metadata = async (request: FastifyRequest) => {
    const model = find(request.params as Route);
    return modelMetadata(model, [...(repository.get(model.name)?.keys() ?? [])]);
  };
  app.get('/v2/models/:name', metadata);
  app.get('/v2/models/:name/versions/:version', metadata);
  const ready = async (request: FastifyRequest) => ({ name: find(request.params as Route).name, ready: true });
  app.get('/v2/models/:name/ready', ready);
  app.get('/v2/models/:name/versions/:version/ready', ready);

  const answer = async (model: ServedModel, endpoint: string, reply: FastifyReply, parse: () => { feeds: Parameters<ServedModel['infer']>[0]; rows: number }, respond: (outputs: Awaited<ReturnType<ServedModel['infer']>>['outputs']) => unknown) => {
    const started = performance.now();
    metrics.inFlight.inc();
    const m = metrics.of(model.name, model.version);
    try {
      const { feeds, rows } = parse();
      const result = await model.infer(feeds, rows);
      observe(model, feeds, result.outputs);
      m.queue.observe(result.queueMs / 1000);
      if (result.leader) m.batchSize.observe(result.batchRows);
      m.rows.inc(rows);
      m.ok(endpoint).inc();
      return await reply.send(respond(result.outputs));
    } finally {
      metrics.inFlight.dec();
      m.latency.observe((performance.now() - started) / 1000);
    }
  };
  const infer = async (request: FastifyRequest, reply: FastifyReply) => {
    const model = find(request.params as Route);
    let parsed: ReturnType<typeof parseInfer> | undefined;
    return answer(model, 'infer', reply, () => (parsed = parseInfer(request.body, model, limits)), (outputs) => inferResponse(model, outputs, parsed?.wanted, parsed?.id));
  };
  app.post('/v2/models/:name/infer', infer);
  app.post('/v2/models/:name/versions/:version/infer', infer);
  const predict = async (request: FastifyRequest, reply: FastifyReply) => {
    const model = (request.params as Partial<Route>).name ? find(request.params as Route) : only();
    return answer(model, 'predict', reply, () => parsePredict(request.body, model, limits), (outputs) => predictResponse(model, outputs));
  };
  app.post('/predict', predict);
  app.post('/v2/models/:name/predict', predict);
  app.post('/v2/models/:name/versions/:version/predict', predict);

  const driftRoute = async (request: FastifyRequest) => {
    const model = find(request.params as Route);
    const window = windows.get(model);
    if (!window) throw new RequestError(`model ${model.name} has no reference statistics to compare with: export it with onnx.export(model, file, { reference: xTrain })`, 404);
    const report = window.report();
    return { model_name: model.name, model_version: model.version, rows: window.size, ...(report ? { features: report.features, drifted: report.drifted.map((f) => f.feature), predictions: report.predictions ?? null } : { waiting: `drift is computed from ${MIN_DRIFT_ROWS} rows on; ${window.size} so far` }) };
  };
  app.get('/v2/models/:name/drift', driftRoute);
  app.get('/v2/models/:name/versions/:version/drift', driftRoute);

  app.get('/metrics', async (_request, reply) => reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.get('/openapi.json', async () => openApi(repository, Boolean(keys)));
  app.get('/docs', async (request, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(docsPage(repository, `${request.protocol}://${request.host}`, Boolean(keys))));

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8000 });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    repository,
    metrics,
    close: async () => {
      // A keep-alive connection whose request is answered while closing would hold the close open
      // until it times out: idle connections are closed as soon as they are idle.
      const idle = setInterval(() => app.server.closeIdleConnections(), 20);
      await app.close().finally(() => clearInterval(idle));
      await log?.close();
      await Promise.all([...repository.values()].flatMap((versions) => [...versions.values()].map((m) => m.close())));
    },
  };
}
