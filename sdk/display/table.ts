// table(): records or columns as an interactive table (paging, sorting) with aligned-text and
// HTML fallbacks.
import { MIME, type CellValue, type TableColumn, type TablePayload } from '../../contracts/mime';
import { Rich } from './rich';
import { alignedTable, escapeHtml, formatCell, formatNumber } from './text';

export interface TableOptions {
  title?: string;
  /** Rows kept in the notebook; the rest are counted. Default 10,000. */
  maxRows?: number;
}

const TEXT_ROWS = 20;
const HTML_ROWS = 100;
const DEFAULT_MAX_ROWS = 10_000;

export type Records = ReadonlyArray<Readonly<Record<string, unknown>>>;
export type Columns = Readonly<Record<string, ReadonlyArray<unknown>>>;

/** Rows as objects (`[{ a: 1 }, { a: 2 }]`) or columns as arrays (`{ a: [1, 2] }`). */
export function table(data: Records | Columns, options: TableOptions = {}): Rich {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const { names, totalRows, row } = Array.isArray(data) ? fromRecords(data as Records) : fromColumns(data as Columns);
  const rows: CellValue[][] = [];
  for (let i = 0; i < Math.min(totalRows, maxRows); i++) rows.push(row(i));
  const columns: TableColumn[] = names.map((name, i) => ({ name, type: columnType(rows, i) }));
  const payload: TablePayload = { ...(options.title ? { title: options.title } : {}), columns, rows, totalRows };
  return new Rich({ [MIME.table]: payload, 'text/plain': tableText(payload), 'text/html': tableHtml(payload) });
}

/** Records and column objects are shown as tables automatically when they are a cell's result. */
export function isTableLike(value: unknown): value is Records | Columns {
  if (Array.isArray(value)) return value.length > 0 && value.every(isPlainObject);
  if (!isPlainObject(value)) return false;
  const columns = Object.values(value);
  return columns.length > 0 && columns.every((c) => Array.isArray(c) && c.length > 0 && c.length === (columns[0] as unknown[]).length);
}

function keysOf(objects: Iterable<Readonly<Record<string, unknown>>>): string[] {
  const keys = new Set<string>();
  for (const object of objects) for (const key of Object.keys(object)) keys.add(key);
  return [...keys];
}

const isScalar = (value: unknown) => value === null || value === undefined || ['number', 'string', 'boolean'].includes(typeof value);

/**
 * A field whose values are all flat objects ({ setosa: 0.06, versicolor: 0.71 }) becomes one
 * column per key (`probabilities.setosa`), as pandas' json_normalize does, so its numbers can be
 * read and sorted instead of shown as JSON.
 */
function nestedKeys(records: Records, key: string): string[] | undefined {
  const values = records.map((r) => r[key]).filter((v) => v !== undefined && v !== null);
  if (!values.length || !values.every((v) => isPlainObject(v) && Object.values(v).every(isScalar))) return undefined;
  const keys = keysOf(values as Array<Record<string, unknown>>);
  return keys.length ? keys : undefined;
}

function fromRecords(records: Records) {
  for (const record of records) {
    if (!isPlainObject(record))
      throw new TypeError(
        `table() takes objects as rows; found ${typeof record}. Pass rows like [{ a: 1 }, { a: 2 }] or columns like { a: [1, 2] }.`,
      );
  }
  const fields = keysOf(records).flatMap(
    (key) =>
      nestedKeys(records, key)?.map((sub) => ({
        name: `${key}.${sub}`,
        get: (r: Readonly<Record<string, unknown>> | undefined) => (r?.[key] as Record<string, unknown> | undefined)?.[sub],
      })) ?? [{ name: key, get: (r: Readonly<Record<string, unknown>> | undefined) => r?.[key] }],
  );
  return {
    names: fields.map((f) => f.name),
    totalRows: records.length,
    row: (i: number) => fields.map((f) => cellValue(f.get(records[i]))),
  };
}

function fromColumns(columns: Columns) {
  const names = Object.keys(columns);
  const lengths = new Set(names.map((n) => columns[n]?.length));
  if (names.some((n) => !Array.isArray(columns[n]))) throw new TypeError('table() takes columns as arrays: { a: [1, 2], b: [3, 4] }.');
  if (lengths.size > 1)
    throw new RangeError(`table() columns must have the same length; found ${names.map((n) => `${n}: ${columns[n]?.length}`).join(', ')}.`);
  return { names, totalRows: columns[names[0] ?? '']?.length ?? 0, row: (i: number) => names.map((n) => cellValue(columns[n]?.[i])) };
}

function cellValue(value: unknown): CellValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? String(value);
}

function columnType(rows: CellValue[][], index: number): TableColumn['type'] {
  const types = new Set(
    rows
      .map((r) => r[index])
      .filter((v) => v !== null)
      .map((v) => typeof v),
  );
  if (types.size === 1) return [...types][0] as 'number' | 'string' | 'boolean';
  return types.size === 0 ? 'string' : 'mixed';
}

function tableText(payload: TablePayload): string {
  const shown = payload.rows.slice(0, TEXT_ROWS);
  const lines = [
    alignedTable(
      payload.columns.map((c) => c.name),
      shown,
    ),
  ];
  if (payload.totalRows > shown.length)
    lines.push(`… ${(payload.totalRows - shown.length).toLocaleString('en')} more rows (${payload.totalRows.toLocaleString('en')} in all)`);
  return [payload.title, ...lines].filter(Boolean).join('\n');
}

function tableHtml(payload: TablePayload): string {
  const shown = payload.rows.slice(0, HTML_ROWS);
  const head = payload.columns.map((c) => `<th>${escapeHtml(c.name)}</th>`).join('');
  const body = shown
    .map((row) => `<tr>${row.map((v) => `<td>${escapeHtml(typeof v === 'number' ? formatNumber(v) : formatCell(v))}</td>`).join('')}</tr>`)
    .join('');
  const more = payload.totalRows > shown.length ? `<p>${shown.length} of ${payload.totalRows.toLocaleString('en')} rows</p>` : '';
  const caption = payload.title ? `<caption>${escapeHtml(payload.title)}</caption>` : '';
  return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}
