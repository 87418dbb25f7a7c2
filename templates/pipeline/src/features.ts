// Step 2, features: learned from the training rows only (no leakage) and saved with the model,
// so serving transforms a request exactly as training did.
import type { Config } from './config';
import type { Row } from './data';

export interface FeatureSpec {
  target: string;
  classes: string[];
  numeric: Array<{ name: string; mean: number; std: number; median: number }>;
  categorical: Array<{ name: string; values: string[] }>;
}

export function fitFeatures(rows: readonly Row[], config: Pick<Config, 'target' | 'numeric' | 'categorical'>): FeatureSpec {
  const numeric = config.numeric.map((name) => {
    const values = rows
      .map((row) => row[name])
      .filter((v): v is number => typeof v === 'number')
      .sort((a, b) => a - b);
    if (!values.length) throw new Error(`features: column ${name} has no numbers in the training rows.`);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length) || 1;
    const median = (values[Math.floor((values.length - 1) / 2)]! + values[Math.ceil((values.length - 1) / 2)]!) / 2;
    return { name, mean, std, median };
  });
  // "unknown" is a category of its own: missing or unseen values at serving time land there.
  const categorical = config.categorical.map((name) => ({
    name,
    values: [...new Set(rows.map((row) => category(row[name])))]
      .concat('unknown')
      .filter((v, i, all) => all.indexOf(v) === i)
      .sort(),
  }));
  const classes = [...new Set(rows.map((row) => String(row[config.target])))].sort();
  return { target: config.target, classes, numeric, categorical };
}

/** One row of numbers per record: standardised numbers (missing: the training median), one-hot categories. */
export function transform(spec: FeatureSpec, rows: readonly Row[]): number[][] {
  return rows.map((row) => [
    ...spec.numeric.map(({ name, mean, std, median }) => ((typeof row[name] === 'number' ? (row[name] as number) : median) - mean) / std),
    ...spec.categorical.flatMap(({ name, values }) => {
      const value = values.includes(category(row[name])) ? category(row[name]) : 'unknown';
      return values.map((v) => (v === value ? 1 : 0));
    }),
  ]);
}

/** The name of each number `transform` writes, in order: the numeric columns, then `column=value` per category. */
export function featureNames(spec: FeatureSpec): string[] {
  return [...spec.numeric.map((f) => f.name), ...spec.categorical.flatMap(({ name, values }) => values.map((v) => `${name}=${v}`))];
}

export function labels(spec: FeatureSpec, rows: readonly Row[]): number[] {
  return rows.map((row) => {
    const code = spec.classes.indexOf(String(row[spec.target]));
    if (code < 0) throw new Error(`features: label "${row[spec.target]}" was not seen in training (classes: ${spec.classes.join(', ')}).`);
    return code;
  });
}

function category(value: Row[string] | undefined): string {
  // The raw data records one unknown sex as ".".
  return value === null || value === undefined || value === '.' || value === '' ? 'unknown' : String(value);
}
