// Step 1, data: load the raw table, refuse it if it is not what the pipeline expects, and split
// it once, seeded and stratified, so every run is evaluated on the same held-out rows.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { data, ml } from 'aielab';
import type { Config } from './config';

export type Row = Record<string, string | number | null>;

export interface Dataset {
  train: Row[];
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
  const labels = rows.map((row) => String(row[config.target]));
  const index = rows.map((_, i) => [i]);
  const split = ml.trainTestSplit(index, labels, { testSize: config.testSize, seed: config.seed });
  return {
    train: split.trainIndex.map((i) => rows[i] as Row),
    test: split.testIndex.map((i) => rows[i] as Row),
    hash: createHash('sha256').update(readFileSync(config.dataPath)).digest('hex'),
  };
}
