// GET /v2/models/:name/drift (and per version): the drift of the rows served recently against the
// reference saved in the model file, or how many rows it still waits for. The windows are kept in
// ../driftWindow.ts; /metrics exports the same reports as gauges.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { MIN_DRIFT_ROWS, type DriftWatch } from '../driftWindow';
import { RequestError } from '../errors';
import { findModel, type ModelRoute, type Repository } from '../repository';

export interface DriftOptions {
  repository: Repository;
  drift: DriftWatch;
}

export const drift: FastifyPluginAsync<DriftOptions> = async (app, { repository, drift: watch }) => {
  const report = async (request: FastifyRequest) => {
    const model = findModel(repository, request.params as ModelRoute);
    const window = watch.windowOf(model);
    if (!window)
      throw new RequestError(
        `model ${model.name} has no reference statistics to compare with: export it with onnx.export(model, file, { reference: xTrain })`,
        404,
      );
    const found = window.report();
    return {
      model_name: model.name,
      model_version: model.version,
      rows: window.size,
      ...(found
        ? { features: found.features, drifted: found.drifted.map((f) => f.feature), predictions: found.predictions ?? null }
        : { waiting: `drift is computed from ${MIN_DRIFT_ROWS} rows on; ${window.size} so far` }),
    };
  };
  app.get('/v2/models/:name/drift', report);
  app.get('/v2/models/:name/versions/:version/drift', report);
};
