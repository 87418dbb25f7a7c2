// metrics() and confusion(): evaluation results as cards and tables, a heat-mapped matrix, and
// aligned text.
import { MIME, type ConfusionPayload, type MetricsPayload } from '../../contracts/mime';
import { Rich } from './rich';
import { alignedTable, formatNumber } from './text';

export interface MetricsOptions {
  title?: string;
  /** Per-class rows: `{ setosa: { precision: 1, recall: 0.93 }, … }`. */
  perClass?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export function metrics(values: Readonly<Record<string, number>>, options: MetricsOptions = {}): Rich {
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'number') throw new TypeError(`metrics() takes numbers; "${name}" is ${JSON.stringify(value)}.`);
  }
  const payload: MetricsPayload = {
    ...(options.title ? { title: options.title } : {}),
    values: Object.entries(values).map(([name, value]) => ({ name, value })),
  };
  if (options.perClass) {
    const labels = Object.keys(options.perClass);
    const columns = [...new Set(labels.flatMap((l) => Object.keys(options.perClass?.[l] ?? {})))];
    payload.classes = {
      columns,
      rows: labels.map((label) => ({ label, values: columns.map((c) => options.perClass?.[label]?.[c] ?? NaN) })),
    };
  }
  return new Rich({ [MIME.metrics]: payload, 'text/plain': metricsText(payload) });
}

export interface ConfusionOptions {
  title?: string;
}

/** `matrix[actual][predicted]` counts, with the labels in the same order for rows and columns. */
export function confusion(
  matrix: ReadonlyArray<ReadonlyArray<number>>,
  labels: ReadonlyArray<string>,
  options: ConfusionOptions = {},
): Rich {
  if (matrix.length !== labels.length || matrix.some((row) => row.length !== labels.length)) {
    throw new RangeError(
      `confusion() needs a ${labels.length}×${labels.length} matrix for ${labels.length} labels; got ${matrix.length} rows of ${matrix.map((r) => r.length).join(', ')}.`,
    );
  }
  const payload: ConfusionPayload = {
    ...(options.title ? { title: options.title } : {}),
    labels: [...labels],
    matrix: matrix.map((row) => [...row]),
  };
  return new Rich({ [MIME.confusion]: payload, 'text/plain': confusionText(payload) });
}

function metricsText(payload: MetricsPayload): string {
  const width = Math.max(0, ...payload.values.map((v) => v.name.length));
  const lines = payload.values.map((v) => `${v.name.padEnd(width)}  ${formatNumber(v.value)}`);
  if (payload.classes)
    lines.push(
      '',
      alignedTable(
        ['', ...payload.classes.columns],
        payload.classes.rows.map((r) => [r.label, ...r.values]),
      ),
    );
  return [payload.title, ...lines].filter((l) => l !== undefined).join('\n');
}

function confusionText(payload: ConfusionPayload): string {
  const rows = payload.labels.map((label, i) => [label, ...(payload.matrix[i] ?? [])]);
  return [
    payload.title ?? 'Confusion matrix (rows: actual, columns: predicted)',
    alignedTable(['actual \\ predicted', ...payload.labels], rows),
  ].join('\n');
}
