// `ml` autolog: a model fitted while a track run is active logs its class and settings as params
// and its training scores as metrics, as mlflow.sklearn.autolog does (same metric names). Fits
// inside another fit (a Pipeline's model, cross-validation folds) are not logged on their own.
import { accuracy, f1, logLoss } from '../metrics/classification';
import { autologParams } from '../track/autolog';
import { track } from '../track';
import type { Label, Matrix } from './data';
import type { Estimator } from './pipeline';

let depth = 0;

/** Runs `fit` so the fits it makes are not autologged; then logs `estimator` if this was the outermost fit. */
export function autologged<T extends Estimator>(estimator: T, params: object, X: Matrix, y: readonly Label[], fit: () => void): T {
  depth++;
  try {
    fit();
  } finally {
    depth--;
  }
  const run = depth === 0 ? track.activeRun() : undefined;
  if (!run) return estimator;
  const name = estimator.constructor.name;
  autologParams(run, params);
  run.setTag('estimator_name', name).setTag('estimator_class', `aielab.ml.${name}`);
  const probabilities = estimator.predictProba(X);
  const predicted = probabilities.map((p) => estimator.classes[p.indexOf(Math.max(...p))] as Label);
  run.logMetrics({
    training_accuracy_score: accuracy(y, predicted),
    training_f1_score: f1(y, predicted, { average: 'weighted' }),
    training_log_loss: logLoss(y, probabilities, { labels: estimator.classes }),
  });
  return estimator;
}

/** Fits (cross-validation, a grid search) that are means to an end, not the model of the run. */
export function unlogged<T>(work: () => T): T {
  depth++;
  try {
    return work();
  } finally {
    depth--;
  }
}
