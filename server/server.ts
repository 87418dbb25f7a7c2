// The inference server: the Open Inference Protocol v2 over HTTP (health, server and model
// metadata, infer, per model and version), /predict for plain JSON rows, /metrics for Prometheus
// and /openapi.json, on Fastify with onnxruntime-node behind it. Bad requests get a 4xx that says
// what was expected, never a stack trace; close() stops taking requests and finishes those in
// flight before the models are released.
//
// Where things are: the Fastify app and the order of its plugins in app.ts; one plugin per concern
// in plugins/ (auth.ts: the API-key check; cors.ts; body.ts: the JSON parser; errors.ts: the error
// and not-found handlers; oip.ts, predict.ts, drift.ts, metrics.ts, docs.ts: the routes;
// inference.ts: what answering an inference request counts). Beside this file, what the plugins
// use: the keys (auth.ts), the request formats (oip.ts, predict.ts), the error statuses
// (errors.ts), the models (repository.ts, model.ts, batcher.ts) and their monitoring (metrics.ts,
// driftWindow.ts).
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createApp } from './app';
import { ApiKeys, readKeys } from './auth';
import { DriftWatch } from './driftWindow';
import { ServerMetrics } from './metrics';
import type { ServedModel } from './model';
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

export async function startServer(target: string, options: ServeOptions = {}): Promise<RunningServer> {
  const repository = await loadRepository(target, options);
  const keys = options.apiKeys ? new ApiKeys(readKeys(options.apiKeys)) : undefined;
  const served = [...repository.values()].flatMap((versions) => [...versions.values()]);
  const drift = new DriftWatch(served, { capacity: options.driftWindow ?? 1000, logFile: options.logRequests });
  const metrics = new ServerMetrics(
    () => served.map((m) => ({ model: m.name, version: m.version, rows: m.queued })),
    () => drift.sources(),
  );
  const app = createApp({
    repository,
    metrics,
    drift,
    keys,
    cors: options.cors ?? [],
    maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
    maxRows: options.maxRows ?? 1024,
  });
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8000 });
  return { url: urlOf(app), repository, metrics, close: () => stop(app, drift, served) };
}

function urlOf(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
}

async function stop(app: FastifyInstance, drift: DriftWatch, served: readonly ServedModel[]): Promise<void> {
  // A keep-alive connection whose request is answered while closing would hold the close open
  // until it times out: idle connections are closed as soon as they are idle.
  const idle = setInterval(() => app.server.closeIdleConnections(), 20);
  await app.close().finally(() => clearInterval(idle));
  await drift.close();
  await Promise.all(served.map((m) => m.close()));
}
