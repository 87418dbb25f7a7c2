// Rich output payloads, one MIME type each: the kernel's SDK builds them, notebooks store them,
// the extension pins them to panels and webview-ui renders them. Pure types and constants, so the
// browser bundles can import this module too. Every payload travels in a bundle that also has a
// readable text/plain (and, for tables, text/html).

export const MIME = {
  table: 'application/vnd.aielab.table+json',
  chart: 'application/vnd.aielab.chart+json',
  metrics: 'application/vnd.aielab.metrics+json',
  confusion: 'application/vnd.aielab.confusion+json',
  progress: 'application/vnd.aielab.progress+json',
  check: 'application/vnd.aielab.check+json',
} as const;

export type RichMime = (typeof MIME)[keyof typeof MIME];
export const RICH_MIMES: readonly RichMime[] = Object.values(MIME);

export type CellValue = string | number | boolean | null;

export interface TableColumn {
  name: string;
  type: 'number' | 'string' | 'boolean' | 'mixed';
}

export interface TablePayload {
  title?: string;
  columns: TableColumn[];
  rows: CellValue[][];
  /** Rows in the data; more than `rows.length` when the payload was cut to a maximum. */
  totalRows: number;
}

export type ChartKind = 'line' | 'bar' | 'scatter' | 'histogram';

export interface ChartSeries {
  name: string;
  /** Category labels (bar), x values (line, scatter) or bin starts (histogram). */
  x: Array<number | string>;
  y: number[];
}

export interface ChartPayload {
  kind: ChartKind;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  series: ChartSeries[];
  /** Histogram bins' width, for labels. */
  binWidth?: number;
}

export interface MetricsPayload {
  title?: string;
  values: Array<{ name: string; value: number }>;
  /** Per-class rows, e.g. precision / recall / F1 / support per label. */
  classes?: { columns: string[]; rows: Array<{ label: string; values: number[] }> };
}

export interface ConfusionPayload {
  title?: string;
  labels: string[];
  /** matrix[actual][predicted] */
  matrix: number[][];
}

export interface ProgressPayload {
  title?: string;
  /** What one step is: "epoch", "batch", "step". */
  unit: string;
  step: number;
  total?: number;
  metrics: Array<{ name: string; points: Array<[number, number]> }>;
  status: 'running' | 'done' | 'stopped';
  elapsedMs: number;
}

/** What a lab's check cell found: each check passed or not, with what is wrong. */
export interface CheckPayload {
  title?: string;
  items: Array<{ name: string; passed: boolean; message?: string }>;
  passed: number;
  total: number;
}

export interface RichPayloads {
  [MIME.table]: TablePayload;
  [MIME.chart]: ChartPayload;
  [MIME.metrics]: MetricsPayload;
  [MIME.confusion]: ConfusionPayload;
  [MIME.progress]: ProgressPayload;
  [MIME.check]: CheckPayload;
}

// The Weight Inspector's data: a model's weights read from its .onnx file (`aielab inspect --json`).

export interface TensorSignature {
  name: string;
  /** ONNX's element type name: float32, int64, … */
  dtype: string;
  /** Sizes, or the names of dimensions that vary (the batch). */
  shape: Array<number | string>;
}

export interface TensorStats {
  name: string;
  dtype: string;
  dims: number[];
  size: number;
  /** Absent for tensors whose values are not float32 (shapes, quantised weights…). */
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
  /** Share of values that are exactly 0. */
  sparsity?: number;
  histogram?: { from: number; to: number; counts: number[] };
}

export interface ClassifierHead {
  /** The weight tensor feeding the output: [inputs, classes]. */
  weights: string;
  bias?: string;
  /** Per class: `top` are the inputs with the largest weights (evidence for it), `against` the most negative (evidence against). */
  classes: Array<{
    label: string;
    norm: number;
    bias: number;
    top: Array<{ input: number; weight: number }>;
    against: Array<{ input: number; weight: number }>;
  }>;
}

/** What an .onnx file says about itself: versions, producer, metadata, inputs and outputs. */
export interface ModelHeader {
  irVersion: number;
  /** Operator set version by domain ("ai.onnx" for the standard operators). */
  opsets: Record<string, number>;
  producer: string;
  metadata: Record<string, string>;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

export interface Inspection extends ModelHeader {
  file: string;
  bytes: number;
  operators: Record<string, number>;
  parameters: number;
  tensors: TensorStats[];
  head?: ClassifierHead;
}

export interface TensorDiff {
  name: string;
  dims: number[];
  /** Largest |a − b|, mean |a − b|, and ‖a − b‖ / ‖a‖. */
  maxAbs: number;
  meanAbs: number;
  relative: number;
}

export interface ModelDiff {
  a: string;
  b: string;
  tensors: TensorDiff[];
  onlyInA: string[];
  onlyInB: string[];
  /** Same name, other shape or type. */
  changedShape: string[];
}
