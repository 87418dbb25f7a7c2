// The API-key check. With a keys file, every inference request must present one of its keys
// ("Authorization: Bearer <key>" or "X-API-Key: <key>") within that key's rate limit; the keys,
// kept as hashes, and their token buckets are in ../auth.ts. A refusal (401, or 429 with
// Retry-After) goes to the error handler like any other, so it is counted under its model.
import type { FastifyRequest } from 'fastify';
import { presentedKey, type ApiKeys } from '../auth';
import { RequestError } from '../errors';
import { appWide } from './appWide';

export interface AuthOptions {
  /** undefined: no keys file, every request passes. */
  keys: ApiKeys | undefined;
}

/**
 * Whether a request must present a key: decided here alone, on the URL as sent. The inference
 * routes also name themselves in their route config (config.endpoint, see ./inference.ts), which
 * an onRequest hook reads from request.routeOptions.config.
 */
function needsKey(request: FastifyRequest): boolean {
  return request.method !== 'OPTIONS' && /\/(infer|predict)$/.test(request.url.split('?')[0] as string);
}

export const auth = appWide('aielab-auth', async (app, { keys }: AuthOptions) => {
  // A hook costs every request something: without a keys file there is none.
  if (!keys) return;
  app.addHook('onRequest', (request, reply, done) => {
    if (!needsKey(request)) return done();
    const verdict = keys.check(presentedKey(request.headers));
    if ('key' in verdict) return done();
    if (verdict.retryAfter !== undefined) reply.header('retry-after', String(verdict.retryAfter));
    done(new RequestError(verdict.message, verdict.status));
  });
});
