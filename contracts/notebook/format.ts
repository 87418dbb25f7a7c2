// The `.aielab` notebook format, version 1: JSON with a version field, stable cell ids, code and
// markdown cells, metadata and outputs. Writing is deterministic (fixed key order, sorted metadata,
// multi-line text as arrays of lines) so a lab pack's diff reads well; reading checks every field
// and says which one is wrong.
import { createHash } from 'node:crypto';
import type { MimeBundle, Output } from '../protocol';
import { isJsonObject, JsonSyntaxError, parseJson, sortKeys, type JsonObject, type JsonValue } from './json';

export const FORMAT_VERSION = 1;
export const DEFAULT_LANGUAGE = 'typescript';

interface CellCommon {
  id: string;
  source: string;
  metadata: JsonObject;
}

export interface CodeCell extends CellCommon {
  kind: 'code';
  language: string;
  executionCount?: number;
  outputs: Output[];
}

export interface MarkdownCell extends CellCommon {
  kind: 'markdown';
}

export type Cell = CodeCell | MarkdownCell;

export interface Notebook {
  metadata: JsonObject;
  cells: Cell[];
}

/** A notebook file that cannot be read; `where` is a line/column or a field path. */
export class NotebookFormatError extends Error {
  constructor(
    readonly problem: string,
    readonly where: string,
    readonly file?: string,
  ) {
    super(`${file ? `${file}: ` : ''}${where}: ${problem}`);
    this.name = 'NotebookFormatError';
  }
}

export function parseNotebook(text: string, file?: string): Notebook {
  // A new, empty file is an empty notebook (VS Code creates them that way).
  if (text.trim() === '') return { metadata: {}, cells: [] };
  let json: JsonValue;
  try {
    json = parseJson(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      throw new NotebookFormatError(`not valid JSON: ${err.problem}`, `line ${err.line}, column ${err.column}`, file);
    }
    throw err;
  }
  return new Reader(file).notebook(json);
}

export function serializeNotebook(notebook: Notebook): string {
  const cells = withUniqueIds(notebook.cells).map((cell) => {
    const out: JsonObject = { id: cell.id, kind: cell.kind };
    if (cell.kind === 'code') out.language = cell.language;
    out.source = toLines(cell.source);
    if (Object.keys(cell.metadata).length) out.metadata = sortKeys(cell.metadata);
    if (cell.kind === 'code') {
      if (cell.executionCount !== undefined) out.executionCount = cell.executionCount;
      if (cell.outputs.length) out.outputs = cell.outputs.map(writeOutput);
    }
    return out;
  });
  const file: JsonObject = { aielab: FORMAT_VERSION, metadata: sortKeys(notebook.metadata), cells };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** An id derived from a cell's place and text: the same notebook always gets the same ids. */
export function derivedCellId(index: number, source: string, taken: ReadonlySet<string>): string {
  for (let salt = 0; ; salt++) {
    const id = createHash('sha256').update(`${index}\0${salt}\0${source}`).digest('hex').slice(0, 12);
    if (!taken.has(id)) return id;
  }
}

const CELL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Cells whose id is missing or repeats an earlier one's get a derived id. */
export function withUniqueIds<T extends { id: string; source: string }>(cells: readonly T[]): T[] {
  const taken = new Set<string>();
  return cells.map((cell, index) => {
    const id = cell.id && !taken.has(cell.id) ? cell.id : derivedCellId(index, cell.source, new Set([...taken, ...cells.map((c) => c.id)]));
    taken.add(id);
    return id === cell.id ? cell : { ...cell, id };
  });
}

export function toLines(text: string): string[] {
  return text.split('\n');
}

export function fromLines(value: string | readonly string[]): string {
  return typeof value === 'string' ? value : value.join('\n');
}

/** MIME types whose values are text, stored as lines; JSON types are stored as JSON. */
export function isTextMime(mime: string): boolean {
  return mime.startsWith('text/') || mime === 'image/svg+xml' || mime === 'application/javascript';
}

export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || mime.endsWith('+json');
}

function writeOutput(output: Output): JsonObject {
  switch (output.kind) {
    case 'stream':
      return { kind: 'stream', name: output.name, text: toLines(output.text) };
    case 'error':
      return { kind: 'error', name: output.name, message: output.message, stack: toLines(output.stack) };
    default:
      return { kind: output.kind, data: writeBundle(output.data) };
  }
}

function writeBundle(data: MimeBundle): JsonObject {
  const out: JsonObject = {};
  for (const mime of Object.keys(data).sort()) {
    const value = data[mime] as JsonValue;
    out[mime] = typeof value === 'string' && isTextMime(mime) ? toLines(value) : sortKeys(value);
  }
  return out;
}

/** Reads a parsed file, checking each field and naming the path of the first wrong one. */
class Reader {
  constructor(private readonly file: string | undefined) {}

  notebook(json: JsonValue): Notebook {
    const root = this.object(json, 'the file');
    if (!('aielab' in root)) {
      this.fail(
        'the file',
        'has no "aielab" version field; it is not an .aielab notebook (to bring in a Jupyter notebook, run: aielab convert file.ipynb file.aielab)',
      );
    }
    const version = root.aielab;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
      this.fail('aielab', `must be a format version number, found ${show(version)}`);
    if (version > FORMAT_VERSION)
      this.fail(
        'aielab',
        `format ${version} was written by a newer AI Engineering Lab; this one reads format ${FORMAT_VERSION}. Update the extension or CLI.`,
      );
    const metadata = root.metadata === undefined ? {} : this.object(root.metadata, 'metadata');
    const cells = this.array(root.cells ?? [], 'cells').map((cell, i) => this.cell(cell, `cells[${i}]`));
    const ids = new Set<string>();
    cells.forEach((cell, i) => {
      if (ids.has(cell.id)) this.fail(`cells[${i}].id`, `"${cell.id}" is already the id of an earlier cell; cell ids must be unique`);
      if (cell.id) ids.add(cell.id);
    });
    // A hand-written cell may leave out its id; it gets a derived one, kept from then on.
    return { metadata, cells: withUniqueIds(cells) };
  }

  private cell(json: JsonValue, path: string): Cell {
    const cell = this.object(json, path);
    const id = cell.id ?? '';
    if (typeof id !== 'string' || (id !== '' && !CELL_ID.test(id)))
      this.fail(`${path}.id`, `must be 1 to 64 letters, digits, '-' or '_', found ${show(id)}`);
    const source = this.text(cell.source ?? '', `${path}.source`);
    const metadata = cell.metadata === undefined ? {} : this.object(cell.metadata, `${path}.metadata`);
    if (cell.kind === 'markdown') return { id, kind: 'markdown', source, metadata };
    if (cell.kind !== 'code') this.fail(`${path}.kind`, `must be "code" or "markdown", found ${show(cell.kind)}`);
    const language = cell.language ?? DEFAULT_LANGUAGE;
    if (typeof language !== 'string' || !language)
      this.fail(`${path}.language`, `must be a language id such as "typescript", found ${show(language)}`);
    const out: CodeCell = { id, kind: 'code', language, source, metadata, outputs: [] };
    if (cell.executionCount !== undefined && cell.executionCount !== null) {
      if (typeof cell.executionCount !== 'number' || !Number.isInteger(cell.executionCount))
        this.fail(`${path}.executionCount`, `must be a whole number, found ${show(cell.executionCount)}`);
      out.executionCount = cell.executionCount;
    }
    out.outputs = this.array(cell.outputs ?? [], `${path}.outputs`).map((o, i) => this.output(o, `${path}.outputs[${i}]`));
    return out;
  }

  private output(json: JsonValue, path: string): Output {
    const o = this.object(json, path);
    switch (o.kind) {
      case 'stream':
        if (o.name !== 'stdout' && o.name !== 'stderr') this.fail(`${path}.name`, `must be "stdout" or "stderr", found ${show(o.name)}`);
        return { kind: 'stream', name: o.name, text: this.text(o.text, `${path}.text`) };
      case 'error':
        return {
          kind: 'error',
          name: this.text(o.name, `${path}.name`),
          message: this.text(o.message ?? '', `${path}.message`),
          stack: this.text(o.stack ?? '', `${path}.stack`),
        };
      case 'result':
      case 'display':
        return { kind: o.kind, data: this.bundle(o.data, `${path}.data`) };
      default:
        return this.fail(`${path}.kind`, `must be "stream", "result", "display" or "error", found ${show(o.kind)}`);
    }
  }

  private bundle(json: JsonValue | undefined, path: string): MimeBundle {
    const data = this.object(json ?? null, path);
    const out: Record<string, unknown> = {};
    for (const [mime, value] of Object.entries(data)) {
      out[mime] = isTextMime(mime) ? this.text(value, `${path}["${mime}"]`) : value;
    }
    if (typeof out['text/plain'] !== 'string') this.fail(`${path}`, 'needs a "text/plain" entry so the output reads without a renderer');
    return out as MimeBundle;
  }

  private text(json: JsonValue | undefined, path: string): string {
    if (typeof json === 'string') return json;
    if (Array.isArray(json) && json.every((line) => typeof line === 'string')) return fromLines(json as string[]);
    return this.fail(path, `must be a string or an array of lines, found ${show(json)}`);
  }

  private object(json: JsonValue, path: string): JsonObject {
    if (!isJsonObject(json)) this.fail(path, `must be a JSON object, found ${show(json)}`);
    return json;
  }

  private array(json: JsonValue, path: string): JsonValue[] {
    if (!Array.isArray(json)) this.fail(path, `must be an array, found ${show(json)}`);
    return json;
  }

  private fail(where: string, problem: string): never {
    throw new NotebookFormatError(problem, where, this.file);
  }
}

function show(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
