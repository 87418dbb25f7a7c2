// The API described: GET /openapi.json (../openapi.ts) for client generators, GET /docs (../docs.ts)
// for people, both with the served models' own input names and shapes.
import type { FastifyPluginAsync } from 'fastify';
import { docsPage } from '../docs';
import { openApi } from '../openapi';
import type { Repository } from '../repository';

export interface DocsOptions {
  repository: Repository;
  /** Whether inference needs an API key: the examples then send one. */
  keys: boolean;
}

export const docs: FastifyPluginAsync<DocsOptions> = async (app, { repository, keys }) => {
  const route = { config: { access: 'docs' as const } };
  app.get('/openapi.json', route, async () => openApi(repository, keys));
  app.get('/docs', route, async (request, reply) =>
    reply.header('content-type', 'text/html; charset=utf-8').send(docsPage(repository, `${request.protocol}://${request.host}`, keys)),
  );
};
