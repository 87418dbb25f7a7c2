// GET /metrics: the server's registry (../metrics.ts) in Prometheus' text format.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerMetrics } from '../metrics';

export interface MetricsOptions {
  metrics: ServerMetrics;
}

export const metrics: FastifyPluginAsync<MetricsOptions> = async (app, { metrics: server }) => {
  app.get('/metrics', { config: { access: 'metrics' } }, async (_request, reply) =>
    reply.header('content-type', server.registry.contentType).send(await server.registry.metrics()),
  );
};
