// POST /predict: plain JSON for people, not tensors. Rows are number lists, objects keyed by
// feature name, or texts, turned into the model's input with the preprocessing saved in its
// metadata at export (features: column order; mean and scale, or standardise: { mean, scale }:
// standardisation; vocabulary and idf: TF-IDF of texts). The answer names the class when the file
// carries labels.
import { TfIdf } from '../sdk/text/tfidf';
import type { Feeds } from './batcher';
import { RequestError } from './errors';
import type { ServedModel } from './model';
import type { Limits } from './oip';

interface Preprocessing {
  features?: string[];
  mean?: number[];
  scale?: number[];
  vocabulary?: string[];
  idf?: number[];
}

function preprocessingOf(model: ServedModel): Preprocessing {
  const raw = model.preprocessing as Record<string, unknown> | null;
  if (!raw || typeof raw !== 'object') return {};
  const numbers = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined);
  const standardise = (raw.standardise ?? raw.standardize) as Record<string, unknown> | undefined;
  const mean = numbers(raw.mean) ?? numbers(standardise?.mean);
  const scale = numbers(raw.scale) ?? numbers(raw.std) ?? numbers(standardise?.scale) ?? numbers(standardise?.std);
  const features = Array.isArray(raw.features) && raw.features.every((f) => typeof f === 'string') ? (raw.features as string[]) : undefined;
  const vocabulary = Array.isArray(raw.vocabulary) ? (raw.vocabulary as string[]) : undefined;
  const idf = numbers(raw.idf);
  return {
    ...(features ? { features } : {}),
    ...(mean && scale ? { mean, scale } : {}),
    ...(vocabulary && idf ? { vocabulary, idf } : {}),
  };
}

export function parsePredict(body: unknown, model: ServedModel, limits: Limits): { feeds: Feeds; rows: number } {
  const request = body as { rows?: unknown; instances?: unknown } | null;
  const rows = request && typeof request === 'object' ? (request.rows ?? request.instances) : undefined;
  if (!Array.isArray(rows) || !rows.length)
    throw new RequestError(
      'the body must be { "rows": [...] }: one entry per example (a list of numbers, an object of named features, or a text)',
    );
  if (rows.length > limits.maxRows)
    throw new RequestError(`${rows.length} rows; this server takes at most ${limits.maxRows} per request: split the request`, 413);
  const input = model.inputs[0];
  if (model.inputs.length !== 1 || !input || input.datatype !== 'FP32')
    throw new RequestError(
      `/predict serves models with one FP32 input; ${model.name} takes ${model.inputs.map((i) => `${i.name} (${i.datatype})`).join(', ')}: use POST /v2/models/${model.name}/infer`,
      422,
    );
  const pre = preprocessingOf(model);
  const width = input.shape.slice(1).reduce((a, b) => a * b, 1);
  let tfidf: TfIdf | undefined;
  const vectors = rows.map((row, i): number[] => {
    if (typeof row === 'string') {
      if (!pre.vocabulary || !pre.idf)
        throw new RequestError(
          `rows[${i}] is a text, but ${model.name} has no vocabulary and idf in its preprocessing metadata: send numbers`,
        );
      tfidf ??= TfIdf.restore(pre.vocabulary, pre.idf);
      return tfidf.transform([row])[0] as number[];
    }
    let values: unknown[];
    if (Array.isArray(row)) values = row.some(Array.isArray) ? row.flat(8) : row;
    else if (row && typeof row === 'object') {
      if (!pre.features)
        throw new RequestError(
          `rows[${i}] is an object, but ${model.name} has no feature names in its preprocessing metadata: send a list of ${width} numbers`,
        );
      const named = row as Record<string, unknown>;
      const absent = pre.features.filter((f) => !(f in named));
      if (absent.length) throw new RequestError(`rows[${i}] lacks ${absent.join(', ')}; the model takes ${pre.features.join(', ')}`);
      values = pre.features.map((f) => named[f]);
    } else throw new RequestError(`rows[${i}] is ${JSON.stringify(row)}; give a list of numbers, an object of named features, or a text`);
    if (values.length !== width)
      throw new RequestError(
        `rows[${i}] has ${values.length} values; the model takes ${width}${pre.features ? ` (${pre.features.join(', ')})` : ''}`,
      );
    return values.map((v, j) => modelValue(v, i, j, pre));
  });
  const data = new Float32Array(vectors.length * width);
  vectors.forEach((v, i) => data.set(v, i * width));
  return { feeds: { [input.name]: { dims: [vectors.length, ...input.shape.slice(1)], data } }, rows: vectors.length };
}

/** Value j of row i, checked and standardised as the model's preprocessing says. */
function modelValue(v: unknown, i: number, j: number, pre: Preprocessing): number {
  const where = `rows[${i}]${pre.features ? `.${pre.features[j]}` : `[${j}]`}`;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new RequestError(`${where} is ${JSON.stringify(v) ?? String(v)}, not a finite number`);
  const x = pre.mean && pre.scale ? (v - (pre.mean[j] as number)) / ((pre.scale[j] as number) || 1) : v;
  // Past ±3.4e38 a float32 is Infinity, and the model answers nulls: refused instead.
  if (!Number.isFinite(Math.fround(x)))
    throw new RequestError(`${where} is ${v}, outside FP32's range (±3.4028235e38)${x !== v ? ' once standardised' : ''}`);
  return x;
}

export function predictResponse(model: ServedModel, outputs: Feeds): unknown {
  const first = model.outputs[0]?.name as string;
  const t = outputs[first];
  if (!t) return { model: model.name, version: model.version, predictions: [] };
  const n = t.dims[0] as number;
  const per = t.data.length / Math.max(1, n);
  const rows = Array.from({ length: n }, (_, i) => Array.from(t.data.slice(i * per, (i + 1) * per) as ArrayLike<number | bigint>, Number));
  const labels = model.labels;
  if (labels && per === labels.length) {
    return {
      model: model.name,
      version: model.version,
      predictions: rows.map((p) => ({
        label: labels[p.indexOf(Math.max(...p))],
        probabilities: Object.fromEntries(labels.map((l, k) => [l, p[k]])),
      })),
    };
  }
  return { model: model.name, version: model.version, predictions: rows.map((r) => (r.length === 1 ? r[0] : r)) };
}
