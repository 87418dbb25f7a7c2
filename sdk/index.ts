// The `aielab` module cells import: `import { display, table, chart } from 'aielab'`. It grows a
// namespace per capability (data, ml, nn, text, metrics, onnx, track, serve) as those land.
export { chart, type ChartOptions, type HistogramOptions, type LineOptions } from './display/chart';
export { display, type DisplayHandle } from './display/display';
export { image, type ImageOptions } from './display/image';
export { confusion, type ConfusionOptions, type MetricsOptions } from './display/metrics';
export { metrics, ClassificationReport, ConfusionMatrix, Curve, type Average, type Averaged, type Label, type PerClass } from './metrics';
export { progress, Progress, type ProgressOptions } from './display/progress';
export { table, type TableOptions } from './display/table';
export { checks, CheckFailed, type ChecksOptions } from './check/checks';
export { digest, expect, Expectation, ExpectationFailed, type CloseOptions } from './check/expect';
export {
  data,
  ColumnError,
  DataFrame,
  GroupBy,
  Series,
  type Aggregation,
  type CsvOptions,
  type DType,
  type MergeOptions,
  type OutlierOptions,
  type PivotOptions,
  type Scalar,
} from './data';
export { nn, BackendReport, FitResult, type BackendName, type FitOptions } from './nn';
export { text, TfIdf, Vocabulary, type PadOptions, type TfIdfOptions, type TokenizeOptions, type VocabularyOptions } from './text';
export { track, Run, type StartRunOptions } from './track';
export type { ModelVersion } from '../tracking/registry';
export {
  ml,
  Classifier,
  type CrossValidation,
  type Estimator,
  type Grid,
  type GridSearch,
  type Split,
  type SplitOptions,
  type Transformer,
} from './ml';
export { project } from './project';
export { serve, Served, ServeClient, type Prediction } from './serve';
export {
  monitor,
  DriftReport,
  type DriftOptions,
  type DriftThresholds,
  type FeatureDrift,
  type PredictionDrift,
  type Reference,
} from './monitor';
export { LoadReport, type LoadOptions } from '../server/load';
export { onnx, ExportReport, OnnxSession, type ExportOptions, type ModelInfo, type Nested, type TensorInfo } from './onnx';
