// Reading and writing tables: CSV and JSON (an array of records, or one record per line). Relative
// paths start at the notebook's folder. Missing values are read as pandas reads them.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dtypeOf } from './dtypes';
import { polars, type PlFrame } from './polars';

export interface CsvOptions {
  /** Field separator; default ",". */
  separator?: string;
  /** Text read as a missing value; default pandas' list ("", "NA", "NaN", "null", "N/A", …). */
  naValues?: readonly string[];
}

/** polars' default: the rows that decide column types on the first read. */
const SAMPLE_ROWS = 100;

// pandas.read_csv's default na_values.
const PANDAS_NA = [
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
];

export function readCsv(path: string, options: CsvOptions = {}): PlFrame {
  const file = existing(path, 'readCsv');
  // Loaded first: a missing native library is not a problem with the file.
  const pl = polars();
  const read = (inferSchemaLength: number) =>
    pl.readCSV(file, { sep: options.separator ?? ',', nullValues: [...(options.naValues ?? PANDAS_NA)], inferSchemaLength });
  try {
    // Types come from the first rows (fast). pandas looks at every row: when a later row does not
    // fit (a float in an integer column) or the first rows of a column are all missing, read
    // again with every row deciding its column's type.
    let frame: PlFrame;
    try {
      frame = read(SAMPLE_ROWS);
    } catch {
      return read(countLines(file) + 1);
    }
    const sample = frame.head(SAMPLE_ROWS);
    const undecided = frame
      .getColumns()
      .some((s) => dtypeOf(s) === 'string' && sample.getColumn(s.name).nullCount() === sample.height && s.nullCount() < s.len());
    return undecided ? read(countLines(file) + 1) : frame;
  } catch (error) {
    throw new Error(
      `readCsv: ${file} is not a CSV this can read: ${(error as Error).message.split('\n')[0]}. Check the separator (options.separator) and that every row has the same number of fields.`,
      { cause: error },
    );
  }
}

export function readJson(path: string): PlFrame {
  const file = existing(path, 'readJson');
  const text = readFileSync(file, 'utf8');
  let records: unknown;
  try {
    records = text.trimStart().startsWith('[')
      ? JSON.parse(text)
      : text
          .split('\n')
          .filter((l) => l.trim())
          .map((line) => JSON.parse(line));
  } catch (error) {
    throw new Error(`readJson: ${file} is not JSON records (an array of objects, or one object per line): ${(error as Error).message}.`, {
      cause: error,
    });
  }
  return fromRecords(records as Record<string, unknown>[], 'readJson');
}

export function fromRecords(records: ReadonlyArray<Record<string, unknown>>, where: string): PlFrame {
  if (!Array.isArray(records) || records.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
    throw new TypeError(`${where}: expected records (an array of objects like { "a": 1 }).`);
  }
  return polars().readRecords(records as Record<string, unknown>[], { inferSchemaLength: records.length || 1 });
}

export function fromColumns(columns: Readonly<Record<string, ReadonlyArray<unknown>>>): PlFrame {
  const lengths = Object.entries(columns).map(([name, values]) => [name, Array.isArray(values) ? values.length : -1] as const);
  if (lengths.some(([, n]) => n < 0) || new Set(lengths.map(([, n]) => n)).size > 1) {
    throw new RangeError(
      `data.frame: columns must be arrays of one length; got ${lengths.map(([name, n]) => `${name}: ${n < 0 ? 'not an array' : n}`).join(', ')}.`,
    );
  }
  return polars().DataFrame(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, [...v]])));
}

export function writeCsv(frame: PlFrame, path: string): string {
  const file = resolve(path);
  frame.writeCSV(file);
  return file;
}

function countLines(file: string): number {
  const bytes = readFileSync(file);
  let lines = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) lines++;
  return lines;
}

function existing(path: string, where: string): string {
  const file = resolve(path);
  if (!existsSync(file)) throw new Error(`${where}: no file at ${file}. Relative paths start at the notebook's folder (${process.cwd()}).`);
  return file;
}
