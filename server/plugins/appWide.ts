// Fastify runs a registered plugin in an encapsulated context of its own: its hooks, handlers and
// body parsers reach only the routes it declares. The body parser, CORS, the key check and the
// error handlers must reach every route (and the not-found handler), so their plugins run on the
// instance they are registered on: the symbols fastify-plugin sets, without the dependency.
import type { FastifyPluginAsync, FastifyPluginOptions } from 'fastify';

export function appWide<Options extends FastifyPluginOptions>(
  name: string,
  plugin: FastifyPluginAsync<Options>,
): FastifyPluginAsync<Options> {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
}
