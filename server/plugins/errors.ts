// Every refused or failed request is answered here, with the status and the message ../errors.ts
// gives its error, and a route that does not exist gets a 404 that points at the API description.
import type { FastifyRequest } from 'fastify';
import { clientMessage, reasonOf, statusOf } from '../errors';
import type { ServerMetrics } from '../metrics';
import type { ServedModel } from '../model';
import { modelOf, type ModelRoute, type Repository } from '../repository';
import { appWide } from './appWide';
import type { Endpoint } from './inference';

export interface ErrorsOptions {
  repository: Repository;
  metrics: ServerMetrics;
  /** The body limit, named in the 413 a larger body gets. */
  maxBodyBytes: number;
}

export const errors = appWide('aielab-errors', async (app, options: ErrorsOptions) => {
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = statusOf(error);
    countRefused(request, status, options);
    // A failure inside the server says only that it happened: its details stay in the server's log.
    if (status >= 500) console.error(`${request.method} ${request.url}: ${error.stack ?? error.message}`);
    void reply.code(status).send({ error: clientMessage(error, status, options.maxBodyBytes) });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no route ${request.method} ${request.url}; the API is described at /openapi.json` });
  });
});

/**
 * Every refused inference request counts once in requests_total and errors_total, under the model
 * it was for, wherever it was refused (key check, JSON parser, validation, the model itself), so
 * that errors / requests per model is the error ratio the alert rule and the dashboard compute.
 * A name the server does not have is counted under model="" rather than becoming a new series.
 */
function countRefused(request: FastifyRequest, status: number, { repository, metrics }: ErrorsOptions): void {
  const endpoint: Endpoint | undefined = request.routeOptions.config?.endpoint;
  if (!endpoint) return;
  let model: ServedModel | undefined;
  try {
    model = modelOf(repository, request.params as Partial<ModelRoute>);
  } catch {
    model = undefined;
  }
  const labels = { model: model?.name ?? '', version: model?.version ?? '' };
  metrics.requests.inc({ ...labels, endpoint, code: String(status) });
  metrics.errors.inc({ ...labels, reason: reasonOf(status) });
}
