// The Fastify app: the plugins in server/plugins/, in the order they must load. The app-wide ones
// (body parser, CORS, key check, error handlers) come first, so that the routes registered after
// them inherit their hooks and handlers.
import Fastify, { type FastifyInstance } from 'fastify';
import type { ApiKeys } from './auth';
import type { DriftWatch } from './driftWindow';
import type { ServerMetrics } from './metrics';
import { auth } from './plugins/auth';
import { jsonBody } from './plugins/body';
import { cors } from './plugins/cors';
import { docs } from './plugins/docs';
import { drift as driftRoutes } from './plugins/drift';
import { errors } from './plugins/errors';
import type { InferenceContext } from './plugins/inference';
import { metrics as metricsRoute } from './plugins/metrics';
import { oip } from './plugins/oip';
import { predict } from './plugins/predict';
import type { Repository } from './repository';

export interface AppOptions {
  repository: Repository;
  metrics: ServerMetrics;
  drift: DriftWatch;
  /** undefined: no API keys asked for. */
  keys: ApiKeys | undefined;
  /** Origins allowed to call from a browser. */
  cors: readonly string[];
  maxBodyBytes: number;
  maxRows: number;
}

export function createApp(options: AppOptions): FastifyInstance {
  const { repository, metrics, drift, keys, maxBodyBytes } = options;
  const app = Fastify({ logger: false, bodyLimit: maxBodyBytes, forceCloseConnections: 'idle', return503OnClosing: true });
  const inference: InferenceContext = { repository, metrics, drift, limits: { maxRows: options.maxRows } };
  void app.register(jsonBody);
  void app.register(cors, { origins: options.cors });
  void app.register(auth, { keys });
  void app.register(errors, { repository, metrics, maxBodyBytes });
  void app.register(oip, inference);
  void app.register(predict, inference);
  void app.register(driftRoutes, { repository, drift });
  void app.register(metricsRoute, { metrics });
  void app.register(docs, { repository, keys: Boolean(keys) });
  return app;
}
