// The Open Inference Protocol v2 routes (KServe v2, Triton's HTTP API): health, server metadata,
// model metadata and readiness, and infer, each per model and per version. The JSON tensors are
// read and written in ../oip.ts.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { version as productVersion } from '../../package.json';
import { inferResponse, modelMetadata, parseInfer } from '../oip';
import { findModel, type ModelRoute } from '../repository';
import { answer, routedModel, type InferenceContext } from './inference';

export const oip: FastifyPluginAsync<InferenceContext> = async (app, context) => {
  const { repository, limits } = context;
  const health = { config: { access: 'health' as const } };
  app.get('/v2/health/live', health, async () => ({ live: true }));
  app.get('/v2/health/ready', health, async () => ({ ready: true }));
  app.get('/v2', async () => ({ name: 'aielab', version: productVersion, extensions: [] }));

  const metadata = async (request: FastifyRequest) => {
    const model = findModel(repository, request.params as ModelRoute);
    return modelMetadata(model, [...(repository.get(model.name)?.keys() ?? [])]);
  };
  app.get('/v2/models/:name', metadata);
  app.get('/v2/models/:name/versions/:version', metadata);
  const ready = async (request: FastifyRequest) => ({ name: findModel(repository, request.params as ModelRoute).name, ready: true });
  app.get('/v2/models/:name/ready', ready);
  app.get('/v2/models/:name/versions/:version/ready', ready);

  const infer = async (request: FastifyRequest, reply: FastifyReply) => {
    const model = routedModel(context, request);
    return answer(context, model, reply, {
      endpoint: 'infer',
      parse: () => parseInfer(request.body, model, limits),
      respond: (outputs, parsed) => inferResponse(model, outputs, parsed.wanted, parsed.id),
    });
  };
  const route = { config: { endpoint: 'infer' as const } };
  app.post('/v2/models/:name/infer', route, infer);
  app.post('/v2/models/:name/versions/:version/infer', route, infer);
};
