// What "normal" looked like: per-feature statistics of the training data, saved in a model's
// metadata at export (onnx.export(model, file, { reference: xTrain })), so a server or a batch
// job can tell later whether the inputs it sees still look like that. A numeric feature keeps its
// quantiles (for KS) and ten bins at its deciles (for PSI); one with few distinct whole values is
// categorical and keeps each value's share (for chi-square and PSI); the predicted classes' shares
// are kept too (prediction drift).

export interface FeatureReference {
  name: string;
  kind: 'numeric' | 'categorical';
  rows: number;
  /** Numeric: values at evenly spaced probabilities from 0 to 1 (the reference's CDF). */
  quantiles?: number[];
  /** Numeric: the inner bin edges for PSI (bins are (-∞, e0], (e0, e1], …, (e_last, ∞)). */
  edges?: number[];
  /** Categorical: the values seen. */
  categories?: number[];
  /** Share of rows in each bin or category. */
  proportions: number[];
  mean: number;
  std: number;
}

export interface Reference {
  rows: number;
  features: FeatureReference[];
  /** Shares of the model's predicted classes on the reference rows. */
  predictions?: { labels: string[]; proportions: number[] };
}

const MAX_CATEGORIES = 10;

export interface ReferenceOptions {
  /** Feature names, in column order (default f0, f1, …). */
  features?: readonly string[];
  /** The model's predicted class for each row, with the class names, for prediction drift. */
  predictions?: { labels: readonly string[]; classes: readonly number[] };
}

export function referenceStats(rows: ReadonlyArray<readonly number[]>, options: ReferenceOptions = {}): Reference {
  if (!rows.length) throw new Error('monitor.reference: no rows; pass the training rows (the data the model learned from).');
  const width = (rows[0] as readonly number[]).length;
  if (options.features && options.features.length !== width)
    throw new Error(`monitor.reference: ${options.features.length} feature names for rows of ${width} values.`);
  const quantileCount = width > 64 ? 11 : 101;
  const features = Array.from({ length: width }, (_, j): FeatureReference => {
    // Models take float32: rows that reach a server are float32, so the reference is too (3.1 and
    // float32's 3.0999999 must be the same value for ties and bins to line up).
    const column = Float64Array.from(rows, (r) => Math.fround(r[j] as number)).sort();
    const n = column.length;
    const exactMean = column.reduce((s, v) => s + v, 0) / n;
    const mean = shortFloat32(exactMean);
    const std = shortFloat32(Math.sqrt(column.reduce((s, v) => s + (v - exactMean) ** 2, 0) / n));
    const name = options.features?.[j] ?? `f${j}`;
    const distinct = [...new Set(column)];
    if (distinct.length <= MAX_CATEGORIES && distinct.every(Number.isInteger)) {
      return {
        name,
        kind: 'categorical',
        rows: n,
        categories: distinct,
        proportions: distinct.map((c) => shortFloat32(countEqual(column, c) / n)),
        mean,
        std,
      };
    }
    const at = (p: number) => column[Math.min(n - 1, Math.round(p * (n - 1)))] as number;
    const edges = [...new Set(Array.from({ length: 9 }, (_, k) => edgeAt(at((k + 1) / 10))))];
    return {
      name,
      kind: 'numeric',
      rows: n,
      quantiles: Array.from({ length: quantileCount }, (_, k) => shortFloat32(at(k / (quantileCount - 1)))),
      edges,
      proportions: binShares(column, edges).map(shortFloat32),
      mean,
      std,
    };
  });
  const predictions = options.predictions
    ? {
        labels: [...options.predictions.labels],
        proportions: options.predictions.labels.map((_, k) =>
          shortFloat32(options.predictions!.classes.filter((c) => c === k).length / options.predictions!.classes.length),
        ),
      }
    : undefined;
  return { rows: rows.length, features, ...(predictions ? { predictions } : {}) };
}

// A reference's numbers are written short, which keeps a model file's metadata under half the
// size (14.24, not the double 14.239999771118164 that float32's 14.24 is):
// - a statistic is the shortest decimal that reads back as its float32;
// - a quantile likewise, so Math.fround(q) is the float32 value it was (ties with float32 inputs);
// - a bin edge is the shortest decimal at or above its float32 and below the next float32, so a
//   float32 value falls in the same bin whether compared with the edge or with that float32.

/** The shortest decimal that reads back as the same float32 as x. */
export function shortFloat32(x: number): number {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) return f;
  for (let digits = 1; digits < 9; digits++) {
    const short = Number(f.toPrecision(digits));
    if (Math.fround(short) === f) return short;
  }
  return Number(f.toPrecision(9));
}

function nextFloat32(f: number): number {
  if (f === 0) return 2 ** -149;
  const value = new Float32Array([f]);
  const bits = new Uint32Array(value.buffer);
  bits[0]! += f > 0 ? 1 : -1;
  return value[0] as number;
}

/** The shortest decimal d with f ≤ d < the next float32 after f (f a float32). */
export function edgeAt(f: number): number {
  const next = nextFloat32(f);
  const magnitude = Math.floor(Math.log10(Math.abs(f) || 1));
  for (let digits = 1; digits <= 9; digits++) {
    const near = Number(f.toPrecision(digits));
    const up = Number((near + 10 ** (magnitude - digits + 1)).toPrecision(digits));
    for (const d of [near, up]) if (d >= f && d < next) return d;
  }
  return f;
}

function countEqual(sorted: Float64Array, value: number): number {
  let count = 0;
  for (const v of sorted) if (v === value) count++;
  return count;
}

/** Share of values in each bin given by the inner edges. */
export function binShares(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    let b = 0;
    while (b < edges.length && v > (edges[b] as number)) b++;
    counts[b]! += 1;
  }
  return counts.map((c) => c / Math.max(1, values.length));
}

/** A reference saved in a model's metadata, checked enough to use. */
export function parseReference(text: string | undefined): Reference | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Reference;
    return Array.isArray(value?.features) && value.features.every((f) => Array.isArray(f.proportions)) ? value : undefined;
  } catch {
    return undefined;
  }
}
