// The lab pack's CSV data sets as rows of numbers and one label per row, as `ml` takes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths';

export interface LabeledRows {
  X: number[][];
  y: string[];
  /** The feature columns' names, in the order of each row. */
  features: string[];
}

/** labs/data/<file>, with `target` as the label and every other column as a number. */
export function loadLabCsv(file: string, target: string): LabeledRows {
  const [header, ...lines] = readFileSync(join(ROOT, 'labs', 'data', file), 'utf8')
    .trim()
    .split('\n');
  const columns = (header as string).split(',');
  const t = columns.indexOf(target);
  const rows = lines.map((l) => l.split(','));
  return {
    X: rows.map((r) => r.filter((_, j) => j !== t).map(Number)),
    y: rows.map((r) => r[t] as string),
    features: columns.filter((_, j) => j !== t),
  };
}
