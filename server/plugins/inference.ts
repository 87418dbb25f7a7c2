// Answering an inference request, the same for /infer and /predict: parse it, run the model (in a
// batch when batching is on), show the rows to drift detection and the request log, and count it
// in /metrics (requests, rows, latency, queue time, batch size). The endpoints only say how a
// request is parsed and how the outputs are written back.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Feeds } from '../batcher';
import type { DriftWatch } from '../driftWindow';
import type { ServerMetrics } from '../metrics';
import type { ServedModel } from '../model';
import type { Limits } from '../oip';
import { findModel, modelOf, type ModelRoute, type Repository } from '../repository';
import { ROUTING_KEY_HEADER, type TrafficSplit } from '../traffic';

/** The endpoint label of an inference route's requests in /metrics. */
export type Endpoint = 'infer' | 'predict';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the inference routes, and only on them: the requests the server counts as inference. */
    endpoint?: Endpoint;
  }
}

/** What the inference routes share. */
export interface InferenceContext {
  repository: Repository;
  metrics: ServerMetrics;
  drift: DriftWatch;
  limits: Limits;
  traffic: TrafficSplit;
}

/**
 * The model version an inference request runs on: the one its route names, else the one the
 * model's traffic split picks (by its routing key when it has one), else the latest.
 */
export function routedModel(context: InferenceContext, request: FastifyRequest): ServedModel {
  const params = request.params as Partial<ModelRoute>;
  const name = params.name ?? (context.repository.size === 1 ? [...context.repository.keys()][0] : undefined);
  if (name !== undefined && params.version === undefined) {
    const key = request.headers[ROUTING_KEY_HEADER];
    const version = context.traffic.pick(name, typeof key === 'string' ? key : undefined);
    if (version !== undefined) return findModel(context.repository, { name, version });
  }
  return modelOf(context.repository, params);
}

/** How one endpoint reads a request and writes the answer. */
export interface Exchange<Parsed extends { feeds: Feeds; rows: number }> {
  endpoint: Endpoint;
  parse(): Parsed;
  respond(outputs: Feeds, parsed: Parsed): unknown;
}

export async function answer<Parsed extends { feeds: Feeds; rows: number }>(
  context: InferenceContext,
  model: ServedModel,
  reply: FastifyReply,
  exchange: Exchange<Parsed>,
): Promise<FastifyReply> {
  const { metrics, drift } = context;
  const started = performance.now();
  metrics.inFlight.inc();
  const m = metrics.of(model.name, model.version);
  try {
    const parsed = exchange.parse();
    const result = await model.infer(parsed.feeds, parsed.rows);
    drift.observe(model, parsed.feeds, result.outputs);
    m.queue.observe(result.queueMs / 1000);
    if (result.leader) m.batchSize.observe(result.batchRows);
    m.rows.inc(parsed.rows);
    m.ok(exchange.endpoint).inc();
    return await reply.send(exchange.respond(result.outputs, parsed));
  } finally {
    metrics.inFlight.dec();
    m.latency.observe((performance.now() - started) / 1000);
  }
}
