// CORS: off unless origins are given (no headers at all, so a browser page elsewhere cannot call
// the server). An allowed origin gets its own origin back, and its preflight is answered here.
import { appWide } from './appWide';

export interface CorsOptions {
  /** Origins allowed to call from a browser. */
  origins: readonly string[];
}

export const cors = appWide('aielab-cors', async (app, { origins }: CorsOptions) => {
  // A hook costs every request something: without allowed origins there is none.
  if (!origins.length) return;
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (!origin || !origins.includes(origin)) return done();
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (request.method !== 'OPTIONS') return done();
    void reply
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', 'content-type, authorization, x-api-key')
      .code(204)
      .send();
  });
});
