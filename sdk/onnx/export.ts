// onnx.export: write the model (nn, or a classical ml one) as ONNX, then prove the file right: onnxruntime runs it on sample
// inputs and its outputs must match the model's own within a tolerance, or the export fails.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { version } from '../../package.json';
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { seeded } from '../ml/random';
import { tf, type LayersModel, type Tensor } from '../nn/tf';
import type { Estimator } from '../ml/pipeline';
import { referenceStats, type Reference } from '../monitor/reference';
import { graphFromMl, isMlModel } from './fromMl';
import { graphFromNn } from './fromNn';
import { encodeModel, OPSET } from './graph';
import { OnnxSession, type Nested } from './session';

export interface ExportOptions {
  /** Class names, in the order of the model's outputs: saved in the file's metadata. */
  labels?: readonly string[];
  /** How raw inputs become the model's inputs (a scaler's means, a vocabulary's path…): saved as JSON. */
  preprocessing?: unknown;
  /** Inputs to compare the model and the file on; default: 16 seeded rows of the input's shape. */
  sample?: Nested[];
  /** Largest difference allowed between the model's outputs and the file's (default 1e-4). */
  tolerance?: number;
  /** The training rows: their statistics (and the model's predicted classes on them) are saved for drift detection. */
  reference?: ReadonlyArray<readonly number[]>;
}

export class ExportReport {
  constructor(
    readonly path: string,
    readonly bytes: number,
    readonly nodes: number,
    readonly parameters: number,
    /** The largest |model − file| over the sample's outputs. */
    readonly maxAbsDiff: number,
    readonly sampleRows: number,
    readonly signature: string,
  ) {}

  [RICH_VIEW](): Rich {
    return table(
      [
        {
          file: this.path,
          size: `${(this.bytes / 1024).toFixed(1)} KB`,
          opset: OPSET,
          nodes: this.nodes,
          parameters: this.parameters,
          signature: this.signature,
          'max |model − onnx|': Number(this.maxAbsDiff.toExponential(2)),
          'checked on': `${this.sampleRows} rows`,
        },
      ],
      { title: 'Exported to ONNX and checked with onnxruntime' },
    );
  }
}

/** An `nn` model, or an `ml` LogisticRegression (alone or in a Pipeline after scalers). */
export type Exportable = LayersModel | Estimator;

export async function exportModel(model: Exportable, path: string, options: ExportOptions = {}): Promise<ExportReport> {
  const file = resolve(path);
  const classical = isMlModel(model);
  if (!classical && !Array.isArray((model as { layers?: unknown }).layers))
    throw new TypeError(
      `onnx.export takes an nn model or an ml classifier, not ${model === null ? 'null' : typeof model === 'object' ? model.constructor.name : typeof model}.`,
    );
  const graph = classical ? graphFromMl(model, graphName(file)) : graphFromNn(model as LayersModel, graphName(file));
  const metadata: Record<string, string> = {
    framework: classical ? `aielab ml ${model.constructor.name}` : `TensorFlow.js ${tf().version.tfjs} (aielab nn)`,
  };
  const labels = options.labels ?? (classical ? model.classes.map(String) : undefined);
  if (labels) metadata.labels = JSON.stringify(labels);
  if (options.preprocessing !== undefined) metadata.preprocessing = JSON.stringify(options.preprocessing);
  if (options.reference) metadata.reference = JSON.stringify(reference(model, options.reference, labels, options.preprocessing));
  const bytes = encodeModel(graph, metadata, version);
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  writeFileSync(partial, bytes);

  const sample = options.sample ?? (classical ? rows([graph.inputs[0]?.shape[1] as number]) : sampleFor(model as LayersModel));
  const expected = classical ? model.predictProba(sample as number[][]).flat() : predict(model as LayersModel, sample);
  let session: OnnxSession;
  let actual: number[];
  try {
    session = await OnnxSession.load(partial);
    actual = flat((await session.run(sample)).output as Nested);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new Error(
      `onnx.export: the exported file does not run in onnxruntime (${(error as Error).message}); nothing was written to ${path}. This is a bug in the exporter for this model: please report it with the model's summary.`,
      { cause: error },
    );
  }
  const diff = expected.reduce((max, v, i) => Math.max(max, Math.abs(v - (actual[i] ?? Number.NaN))), 0);
  const tolerance = options.tolerance ?? 1e-4;
  if (!(diff <= tolerance) || actual.length !== expected.length) {
    rmSync(partial, { force: true });
    throw new Error(
      `onnx.export: the exported model's outputs differ from the model's by up to ${diff} (allowed ${tolerance}); nothing was written to ${path}.`,
    );
  }
  renameSync(partial, file);
  const parameters = graph.initializers.reduce((n, w) => n + w.values.length, 0);
  const signature = `${session.inputs.map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ')} → ${session.outputs.map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ')}`;
  return new ExportReport(path, bytes.length, graph.nodes.length, parameters, diff, sample.length, signature);
}

/** The reference rows' statistics, with the model's predicted classes on them when it has labels. */
function reference(
  model: Exportable,
  rows: ReadonlyArray<readonly number[]>,
  labels: readonly string[] | undefined,
  preprocessing: unknown,
): Reference {
  const features = (preprocessing as { features?: unknown } | undefined)?.features;
  const names =
    Array.isArray(features) && features.length === rows[0]?.length && features.every((f) => typeof f === 'string')
      ? (features as string[])
      : undefined;
  const probabilities = isMlModel(model)
    ? model.predictProba(rows as number[][])
    : chunks(predict(model as LayersModel, rows as Nested[]), rows.length);
  const predictions =
    labels && probabilities[0]?.length === labels.length
      ? { labels, classes: probabilities.map((p) => p.indexOf(Math.max(...p))) }
      : undefined;
  return referenceStats(rows, { ...(names ? { features: names } : {}), ...(predictions ? { predictions } : {}) });
}

function chunks(values: number[], rows: number): number[][] {
  const per = values.length / rows;
  return Array.from({ length: rows }, (_, i) => values.slice(i * per, (i + 1) * per));
}

function graphName(file: string): string {
  return file.replace(/^.*[/\\]/, '').replace(/\.onnx$/i, '') || 'model';
}

/** 16 rows the model can take: token ids below the vocabulary size for an Embedding, numbers around 0 otherwise. */
function sampleFor(model: LayersModel): Nested[] {
  const [, ...dims] = (model.inputs[0]?.shape ?? []).map((d) => d ?? 8);
  const first = model.layers.find((l) => l.getClassName() !== 'InputLayer');
  return rows(dims, first?.getClassName() === 'Embedding' ? Number(first.getConfig().inputDim) : 0);
}

/** 16 seeded rows of this shape: whole numbers below `vocabulary` if given, numbers in [-2, 2) otherwise. */
function rows(dims: number[], vocabulary = 0): Nested[] {
  const random = seeded(7);
  const value = () => (vocabulary ? Math.floor(random() * vocabulary) : random() * 4 - 2);
  const make = (shape: number[]): Nested =>
    shape.length ? Array.from({ length: shape[0] as number }, () => make(shape.slice(1))) : value();
  return Array.from({ length: 16 }, () => make(dims));
}

function predict(model: LayersModel, sample: Nested[]): number[] {
  const t = tf();
  const output = t.tidy(() => model.predict(t.tensor(sample as number[][])) as Tensor);
  const values = Array.from(output.dataSync());
  output.dispose();
  return values;
}

function flat(value: Nested): number[] {
  return Array.isArray(value) ? value.flatMap(flat) : [value];
}
