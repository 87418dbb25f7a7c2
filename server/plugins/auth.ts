// The API-key check. With a keys file, a request must present one of its keys ("Authorization:
// Bearer <key>" or "X-API-Key: <key>") within that key's rate limit, unless the route it was
// routed to is in the open set; the keys, kept as hashes, and their token buckets are in
// ../auth.ts. A refusal (401, or 429 with Retry-After) goes to the error handler like any other,
// so it is counted under its model.
//
// The decision is made on the route Fastify matched, never on the URL string: the router decodes
// %72, folds what its options fold and strips the query, so any test of the raw URL disagrees
// with it somewhere (POST /v2/models/iris/infe%72 reached infer without a key when the check
// matched /infer$ on the URL). Fastify routes before the onRequest hooks run, so
// request.routeOptions.config is the matched route's own config there. Routes are closed unless
// they say otherwise: a route added later needs a key until someone decides it should not.
import { presentedKey, type ApiKeys } from '../auth';
import { RequestError } from '../errors';
import { appWide } from './appWide';

/** What a route reveals, for the open set: health (nothing), metrics (/metrics), docs (/docs, /openapi.json). */
export type Access = 'health' | 'metrics' | 'docs';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the routes that may be left open when keys are on; a route without it always needs a key. */
    access?: Access;
  }
}

export interface AuthOptions {
  /** undefined: no keys file, every request passes. */
  keys: ApiKeys | undefined;
  /**
   * What stays open with keys on. Health always does: orchestrators probe /v2/health/live and
   * /v2/health/ready without credentials, and they say nothing about the models. /metrics names
   * the models, versions and features and counts their traffic, and /docs and /openapi.json give
   * every model's inputs: open them only when the network already limits who can reach the server
   * (a Prometheus scraping without a key needs metrics open; one with a key can send it instead).
   */
  open: readonly Access[];
}

export const auth = appWide('aielab-auth', async (app, { keys, open }: AuthOptions) => {
  // A hook costs every request something: without a keys file there is none.
  if (!keys) return;
  const openSet = new Set<Access>(['health', ...open]);
  app.addHook('onRequest', (request, reply, done) => {
    // A route that does not exist gets 401 too, not 404: without a key nothing tells which paths
    // (and so which models, in /v2/models/<name>/…) the server has. With a key, the 404 says.
    const access = request.routeOptions.config?.access;
    if (access && openSet.has(access)) return done();
    const verdict = keys.check(presentedKey(request.headers));
    if ('key' in verdict) return done();
    if (verdict.retryAfter !== undefined) reply.header('retry-after', String(verdict.retryAfter));
    done(new RequestError(verdict.message, verdict.status));
  });
});
