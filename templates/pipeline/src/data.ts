// Step 1, data: load the raw table, refuse it if it is not what the pipeline expects, and split
// it once, seeded and stratified, into train, validation and test: every run trains on the same
// rows and is compared on the same validation rows; the test rows wait for the chosen run.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { data, ml } from 'aielab';
import type { Config } from './config';

export type Row = Record<string, string | number | null>;

export interface Dataset {
  /** Fits the features and the weights. */
  train: Row[];
  /** Scores every run of the sweep: the best here is the one chosen. */
  validation: Row[];
  /** Scores the chosen run only, once: the figure the quality gate reads. */
  test: Row[];
  /** sha256 of the file's bytes: which data a model was trained on. */
  hash: string;
}

export function loadData(config: Config): Dataset {
  const frame = data.readCsv(config.dataPath);
  const expected = [config.target, ...config.numeric, ...config.categorical];
  const missing = expected.filter((column) => !frame.columns.includes(column));
  if (missing.length)
    throw new Error(
      `${config.dataPath}: missing column(s) ${missing.join(', ')}; it has ${frame.columns.join(', ')}. Fix the file or config.ts.`,
    );
  // A row without a label teaches nothing; rows missing a feature are imputed in features.ts.
  const rows = (frame.dropna({ subset: [config.target] }).toRecords() as Row[]).filter((row) =>
    config.numeric.some((c) => row[c] !== null),
  );
  const { train, validation, test } = splitThreeWays(
    rows.map((row) => String(row[config.target])),
    config,
  );
  return {
    train: train.map((i) => rows[i] as Row),
    validation: validation.map((i) => rows[i] as Row),
    test: test.map((i) => rows[i] as Row),
    hash: fileSha256(config.dataPath),
  };
}

/** sha256 of a file's bytes: which data a model was trained on (the runs' data.sha256 tag, the card's dataSha256). */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Row indices of the three parts, each class in the same share in all three: first the test rows
 * (testSize of all), then the validation rows from the rest (valSize of all).
 */
export function splitThreeWays(
  labels: readonly string[],
  config: Pick<Config, 'valSize' | 'testSize' | 'seed'>,
): { train: number[]; validation: number[]; test: number[] } {
  const { valSize, testSize, seed } = config;
  if (!(valSize > 0 && testSize > 0 && valSize + testSize < 1))
    throw new RangeError(
      `config: valSize (${valSize}) and testSize (${testSize}) are shares of all rows, each above 0 and together below 1, so rows are left to train on.`,
    );
  const outer = ml.trainTestSplit(
    labels.map((_, i) => [i]),
    labels,
    { testSize, seed },
  );
  const rest = outer.trainIndex;
  const inner = ml.trainTestSplit(
    rest.map((i) => [i]),
    rest.map((i) => labels[i] as string),
    { testSize: valSize / (1 - testSize), seed },
  );
  return {
    train: inner.trainIndex.map((j) => rest[j] as number),
    validation: inner.testIndex.map((j) => rest[j] as number),
    test: outer.testIndex,
  };
}
