// `monitor`: is the model still seeing the data it learned from? Reference statistics of the
// training rows (saved into an .onnx by onnx.export's `reference` option), drift of new rows
// against them, drift over a server's request log, and shifted copies of rows to replay.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readModel } from '../onnx/read';
import { drift, type DriftReport, type DriftThresholds } from './drift';
import { parseReference, referenceStats, type Reference } from './reference';

export interface DriftOptions extends DriftThresholds {
  /** The model's predictions for the rows: class indices or class names, for prediction drift. */
  predictions?: ReadonlyArray<number | string>;
}

/** The reference saved in an .onnx file's metadata (onnx.export with { reference }). */
export function referenceOf(file: string): Reference {
  const info = readModel(readFileSync(resolve(file)), file);
  const reference = parseReference(info.metadata.reference);
  if (!reference)
    throw new Error(
      `${file} has no reference statistics in its metadata; export it with onnx.export(model, file, { reference: xTrain }), or pass monitor.reference(xTrain).`,
    );
  return reference;
}

function classIndices(reference: Reference, predictions: ReadonlyArray<number | string> | undefined): number[] | undefined {
  if (!predictions) return undefined;
  const labels = reference.predictions?.labels ?? [];
  return predictions.map((p) => (typeof p === 'number' ? p : labels.indexOf(p)));
}

/** One line of a server's request log (aielab serve --log-requests). */
interface LoggedRequest {
  time: string;
  model: string;
  version: string;
  rows: number[][];
  predictions?: string[];
}

export interface LogWindow extends DriftThresholds {
  /** Only this model's requests (a log can hold several). */
  model?: string;
  /** Requests logged at or after this time (a Date or an ISO 8601 string such as '2026-12-01'). */
  since?: Date | string;
  /** Requests logged before this time. */
  until?: Date | string;
  /** Then only the newest rows. */
  last?: number;
}

function timeOf(value: Date | string, option: string): number {
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(time))
    throw new Error(
      `monitor.driftFromLog: ${option} ${JSON.stringify(String(value))} is not a date; give a Date or an ISO 8601 time such as '2026-12-01' or '2026-12-01T09:00:00Z'.`,
    );
  return time;
}

export const monitor = {
  /** Statistics of the training rows to compare later data with (quantiles, bins, category shares, predicted-class shares). */
  reference: referenceStats,
  /** Per-feature PSI and KS/chi-square p-values of `rows` against a reference (or the one saved in an .onnx). */
  drift(source: Reference | string, rows: ReadonlyArray<ArrayLike<number>>, options: DriftOptions = {}): DriftReport {
    const reference = typeof source === 'string' ? referenceOf(source) : source;
    return drift(reference, rows, classIndices(reference, options.predictions), options);
  },
  /** Drift over the requests a server logged (JSON lines), against the model file's reference: all of them, a period (`since`, `until`), or the newest `last` rows. */
  driftFromLog(modelFile: string, logFile: string, options: LogWindow = {}): DriftReport {
    const reference = referenceOf(modelFile);
    const since = options.since === undefined ? -Infinity : timeOf(options.since, 'since');
    const until = options.until === undefined ? Infinity : timeOf(options.until, 'until');
    const period = options.since !== undefined || options.until !== undefined;
    const lines = readFileSync(resolve(logFile), 'utf8').split('\n').filter(Boolean);
    const rows: number[][] = [];
    const predictions: string[] = [];
    lines.forEach((line, i) => {
      let entry: LoggedRequest;
      try {
        entry = JSON.parse(line) as LoggedRequest;
      } catch {
        throw new Error(`${logFile}, line ${i + 1}: not a JSON request record.`);
      }
      if (options.model && entry.model !== options.model) return;
      // A line with no readable time belongs to no period, but counts when no period is asked.
      const time = Date.parse(entry.time);
      if (period && !(time >= since && time < until)) return;
      rows.push(...entry.rows);
      if (entry.predictions) predictions.push(...entry.predictions);
    });
    const last = options.last ?? rows.length;
    if (!rows.length) {
      const period = [
        options.since !== undefined && `since ${String(options.since)}`,
        options.until !== undefined && `until ${String(options.until)}`,
      ]
        .filter(Boolean)
        .join(' ');
      throw new Error(`${logFile} has no logged rows${options.model ? ` for model ${options.model}` : ''}${period ? ` ${period}` : ''}.`);
    }
    return drift(
      reference,
      rows.slice(-last),
      predictions.length === rows.length ? classIndices(reference, predictions.slice(-last)) : undefined,
      options,
    );
  },
  /** A copy of the rows with some features moved: `{ 2: { add: 1.5 } }` or `{ petal_length: { multiply: 2.54 } }` (with `features`). */
  shift(
    rows: ReadonlyArray<readonly number[]>,
    changes: Readonly<Record<string, { add?: number; multiply?: number }>>,
    features?: readonly string[],
  ): number[][] {
    const columns = Object.entries(changes).map(([key, change]) => {
      const j = /^\d+$/.test(key) ? Number(key) : (features?.indexOf(key) ?? -1);
      if (j < 0 || j >= ((rows[0] as readonly number[] | undefined)?.length ?? 0))
        throw new Error(`monitor.shift: no feature ${key}${features ? ` (features: ${features.join(', ')})` : ''}.`);
      return [j, change] as const;
    });
    return rows.map((row) => {
      const copy = [...row];
      for (const [j, change] of columns) copy[j] = (copy[j] as number) * (change.multiply ?? 1) + (change.add ?? 0);
      return copy;
    });
  },
};

export { DriftReport, type DriftThresholds, type FeatureDrift, type PredictionDrift } from './drift';
export type { FeatureReference, Reference } from './reference';
