// The Fastify app: the plugins in server/plugins/, in the order they must load. The app-wide ones
// (body parser, CORS, key check, error handlers) come first, so that the routes registered after
// them inherit their hooks and handlers.
import Fastify, { type FastifyInstance } from 'fastify';
import type { ApiKeys } from './auth';
import type { Access } from './plugins/auth';
import type { DriftWatch } from './driftWindow';
import type { ServerMetrics } from './metrics';
import { auth } from './plugins/auth';
import { jsonBody } from './plugins/body';
import { cors } from './plugins/cors';
import { docs } from './plugins/docs';
import { drift as driftRoutes } from './plugins/drift';
import { errors } from './plugins/errors';
import type { InferenceContext } from './plugins/inference';
import type { TrafficSplit } from './traffic';
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
  /** What stays open with keys on, besides health (see ./plugins/auth.ts for why). */
  open: readonly Access[];
  sockets: SocketLimits;
  traffic: TrafficSplit;
}

/** How long a client may take, and how many may hold a socket at once; all in milliseconds. */
export interface SocketLimits {
  /** The whole request, headers and body, must arrive within this (a slow client is cut off with 408). */
  requestTimeoutMs: number;
  /** The headers must arrive within this (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** A socket with nothing sent or received for this long is closed, model call or not. */
  connectionTimeoutMs: number;
  /** An idle keep-alive socket is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this are closed as they arrive. */
  maxConnections: number;
}

export function createApp(options: AppOptions): FastifyInstance {
  const { repository, metrics, drift, keys, maxBodyBytes } = options;
  const { sockets } = options;
  const app = Fastify({
    logger: false,
    bodyLimit: maxBodyBytes,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    requestTimeout: sockets.requestTimeoutMs,
    connectionTimeout: sockets.connectionTimeoutMs,
    keepAliveTimeout: sockets.keepAliveTimeoutMs,
    // Node checks the headers and request deadlines only every connectionsCheckingInterval (30 s
    // by default), which lets a byte-a-second client overstay them by that much.
    http: {
      headersTimeout: sockets.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, sockets.headersTimeoutMs / 4)),
    },
  });
  app.server.maxConnections = sockets.maxConnections;
  const inference: InferenceContext = { repository, metrics, drift, limits: { maxRows: options.maxRows }, traffic: options.traffic };
  void app.register(jsonBody);
  void app.register(cors, { origins: options.cors });
  void app.register(auth, { keys, open: options.open });
  void app.register(errors, { repository, metrics, maxBodyBytes });
  void app.register(oip, inference);
  void app.register(predict, inference);
  void app.register(driftRoutes, { repository, drift });
  void app.register(metricsRoute, { metrics });
  void app.register(docs, { repository, keys: Boolean(keys) });
  return app;
}
