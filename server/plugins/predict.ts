// POST /predict (and per model and version): plain JSON rows to predictions. The rows are turned
// into the model's input, and the outputs into labelled predictions, in ../predict.ts.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parsePredict, predictResponse } from '../predict';
import { answer, routedModel, type InferenceContext } from './inference';

export const predict: FastifyPluginAsync<InferenceContext> = async (app, context) => {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    // /predict names no model: it serves the server's only one.
    const model = routedModel(context, request);
    return answer(context, model, reply, {
      endpoint: 'predict',
      parse: () => parsePredict(request.body, model, context.limits),
      respond: (outputs) => predictResponse(model, outputs),
    });
  };
  const route = { config: { endpoint: 'predict' as const } };
  app.post('/predict', route, handler);
  app.post('/v2/models/:name/predict', route, handler);
  app.post('/v2/models/:name/versions/:version/predict', route, handler);
};
