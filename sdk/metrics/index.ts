// `metrics`: call it to show named values as cards (`metrics({ accuracy: 0.95 })`), or use its
// functions to compute them with scikit-learn's definitions (`metrics.accuracy(yTrue, yPred)`).
import { metrics as card, type MetricsOptions } from '../display/metrics';
import type { Rich } from '../display/rich';
import { accuracy, classificationReport, confusionMatrix, f1, logLoss, precision, precisionRecallF1, recall } from './classification';
import { averagePrecision, calibrationCurve, precisionRecallCurve, rocAuc, rocCurve } from './curves';
import { mae, mse, r2, rmse } from './regression';

const measures = {
  accuracy,
  confusionMatrix,
  precisionRecallF1,
  precision,
  recall,
  f1,
  classificationReport,
  logLoss,
  rocCurve,
  rocAuc,
  precisionRecallCurve,
  averagePrecision,
  calibrationCurve,
  mae,
  mse,
  rmse,
  r2,
};

export const metrics: ((values: Readonly<Record<string, number>>, options?: MetricsOptions) => Rich) & typeof measures = Object.assign(
  (values: Readonly<Record<string, number>>, options?: MetricsOptions) => card(values, options),
  measures,
);

export { ClassificationReport, ConfusionMatrix, type Average, type Averaged, type PerClass } from './classification';
export { Curve } from './curves';
export type { Label } from './labels';
