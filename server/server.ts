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
import { createApp, type SocketLimits } from './app';
import { ApiKeys, readKeys } from './auth';
import { DriftWatch } from './driftWindow';
import { ServerMetrics } from './metrics';
import type { ServedModel } from './model';
import type { Access } from './plugins/auth';
import { loadRepository, type Repository, type RepositoryOptions } from './repository';
import { SocketTracker } from './sockets';
import { TrafficSplit, type TrafficWeights } from './traffic';

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
  /** Appends every request's model inputs and predictions to this JSON-lines file (mode 0600). */
  logRequests?: string;
  /** The request log is rotated past this size: requests.jsonl becomes requests.1.jsonl… (default 64 MiB). */
  logMaxBytes?: number;
  /** Rotated request logs kept besides the current one (default 5). */
  logKeep?: number;
  /** With apiKeys: /metrics answers without a key too (a Prometheus scraping without one). */
  openMetrics?: boolean;
  /** With apiKeys: /docs and /openapi.json answer without a key too. */
  openDocs?: boolean;
  /** The whole request must arrive within this (default 30 s); a slower client gets 408. */
  requestTimeoutMs?: number;
  /** The headers must arrive within this (default 10 s, at most requestTimeoutMs). */
  headersTimeoutMs?: number;
  /** A socket silent this long is closed (default 120 s: longer than any model call should take). */
  connectionTimeoutMs?: number;
  /** An idle keep-alive socket is closed after this (default 72 s, above the 60 s idle timeout of common load balancers, so they never reuse a socket the server is closing). */
  keepAliveTimeoutMs?: number;
  /** Connections at once; more are closed as they arrive (default 512: well under the usual 1024 descriptors a process gets). */
  maxConnections?: number;
  /** A canary or A/B split: model → version → weight, for requests that name no version (see traffic.ts). */
  traffic?: TrafficWeights;
}

export interface RunningServer {
  url: string;
  repository: Repository;
  metrics: ServerMetrics;
  traffic: TrafficSplit;
  /** Stops taking requests, answers those in flight, then releases the models. */
  close(): Promise<void>;
}

export async function startServer(target: string, options: ServeOptions = {}): Promise<RunningServer> {
  const repository = await loadRepository(target, options);
  const traffic = new TrafficSplit(repository, options.traffic);
  const keys = options.apiKeys ? new ApiKeys(readKeys(options.apiKeys)) : undefined;
  const served = [...repository.values()].flatMap((versions) => [...versions.values()]);
  const drift = new DriftWatch(served, {
    capacity: options.driftWindow ?? 1000,
    log: options.logRequests ? { file: options.logRequests, maxBytes: options.logMaxBytes, keep: options.logKeep } : undefined,
  });
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
    open: [...(options.openMetrics ? ['metrics' as const] : []), ...(options.openDocs ? ['docs' as const] : [])] satisfies Access[],
    sockets: socketLimits(options),
    traffic,
  });
  const sockets = new SocketTracker(app.server);
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8000 });
  return { url: urlOf(app), repository, metrics, traffic, close: () => stop(app, sockets, drift, served) };
}

function socketLimits(options: ServeOptions): SocketLimits {
  const requestTimeoutMs = positive(options.requestTimeoutMs, 30_000, 'requestTimeoutMs');
  return {
    requestTimeoutMs,
    headersTimeoutMs: Math.min(requestTimeoutMs, positive(options.headersTimeoutMs, 10_000, 'headersTimeoutMs')),
    connectionTimeoutMs: positive(options.connectionTimeoutMs, 120_000, 'connectionTimeoutMs'),
    keepAliveTimeoutMs: positive(options.keepAliveTimeoutMs, 72_000, 'keepAliveTimeoutMs'),
    maxConnections: positive(options.maxConnections, 512, 'maxConnections'),
  };
}

/** 0 would mean "no limit" to Node: a limit is always set, so it must be a positive number. */
function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${name} must be a positive number, not ${value}.`);
  return value;
}

function urlOf(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
}

async function stop(app: FastifyInstance, sockets: SocketTracker, drift: DriftWatch, served: readonly ServedModel[]): Promise<void> {
  // A keep-alive connection whose request is answered while closing would hold the close open
  // until it times out, and so would a client still sending its headers: both are closed as soon
  // as they have no request being answered.
  sockets.dropUnanswered();
  const idle = setInterval(() => sockets.dropUnanswered(), 20);
  await app.close().finally(() => clearInterval(idle));
  await drift.close();
  await Promise.all(served.map((m) => m.close()));
}
