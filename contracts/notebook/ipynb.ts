// Conversion between `.aielab` and Jupyter's nbformat 4 (`.ipynb`), both ways. Sources, markdown,
// outputs, execution counts, cell ids and cell metadata carry over; what has no counterpart is
// reported as a warning rather than dropped silently.
import { version } from '../../package.json';
import type { MimeBundle, Output } from '../protocol';
import { DEFAULT_LANGUAGE, derivedCellId, isJsonMime, isTextMime, NotebookFormatError, type Cell, type Notebook } from './format';
import { isJsonObject, parseJson, sortKeys, JsonSyntaxError, type JsonObject, type JsonValue } from './json';

export const KERNELSPEC = { name: 'aielab-typescript', display_name: 'AI Lab (TypeScript)', language: 'typescript' } as const;

export interface Converted<T> {
  result: T;
  warnings: string[];
}

export function toIpynb(notebook: Notebook): string {
  const cells = notebook.cells.map((cell): JsonObject => {
    const common = { id: cell.id, metadata: sortKeys(cell.metadata), source: jupyterLines(cell.source) };
    if (cell.kind === 'markdown') return { cell_type: 'markdown', ...common };
    return {
      cell_type: 'code',
      ...common,
      execution_count: cell.executionCount ?? null,
      outputs: cell.outputs.map((o) => jupyterOutput(o, cell.executionCount)),
    };
  });
  const file = {
    cells,
    metadata: {
      ...notebook.metadata,
      kernelspec: KERNELSPEC,
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
      aielab: { version },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(sortKeys(file as JsonObject), null, 1)}\n`;
}

export function fromIpynb(text: string, file?: string): Converted<Notebook> {
  const fail = (where: string, problem: string): never => {
    throw new NotebookFormatError(problem, where, file);
  };
  let json: JsonValue;
  try {
    json = parseJson(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) fail(`line ${err.line}, column ${err.column}`, `not valid JSON: ${err.problem}`);
    throw err;
  }
  if (!isJsonObject(json)) return fail('the file', 'must be a JSON object');
  if (json.nbformat !== 4)
    fail(
      'nbformat',
      `only nbformat 4 notebooks can be converted, found ${JSON.stringify(json.nbformat ?? null)}; open and save it in Jupyter to upgrade it`,
    );
  if (!Array.isArray(json.cells)) fail('cells', 'must be an array');
  const warnings: string[] = [];
  const meta = isJsonObject(json.metadata) ? json.metadata : {};
  const { kernelspec, language_info: languageInfo, aielab: _ours, ...metadata } = meta;
  const language = languageOf(kernelspec, languageInfo);
  if (language !== DEFAULT_LANGUAGE && language !== 'javascript') {
    warnings.push(
      `The notebook's language is ${language}; its code cells keep that language, and the AI Lab kernel runs only TypeScript and JavaScript cells.`,
    );
  }
  const taken = new Set<string>();
  const cells = (json.cells as JsonValue[]).map((raw, index): Cell => {
    const path = `cells[${index}]`;
    if (!isJsonObject(raw)) return fail(path, 'must be a JSON object');
    const source = jupyterText(raw.source);
    const wantedId = typeof raw.id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(raw.id) && !taken.has(raw.id) ? raw.id : '';
    const id = wantedId || derivedCellId(index, source, taken);
    taken.add(id);
    const cellMetadata = isJsonObject(raw.metadata) ? raw.metadata : {};
    if (raw.attachments !== undefined) warnings.push(`${path}: attachments (images pasted into markdown) are not kept.`);
    if (raw.cell_type === 'code') {
      const outputs = Array.isArray(raw.outputs) ? raw.outputs.flatMap((o, i) => aielabOutput(o, `${path}.outputs[${i}]`, warnings)) : [];
      const count = typeof raw.execution_count === 'number' ? { executionCount: raw.execution_count } : {};
      return { id, kind: 'code', language, source, metadata: cellMetadata, ...count, outputs };
    }
    if (raw.cell_type === 'raw') warnings.push(`${path}: a raw cell becomes a markdown cell.`);
    else if (raw.cell_type !== 'markdown')
      fail(`${path}.cell_type`, `must be "code", "markdown" or "raw", found ${JSON.stringify(raw.cell_type ?? null)}`);
    return { id, kind: 'markdown', source, metadata: cellMetadata };
  });
  return { result: { metadata, cells }, warnings };
}

function languageOf(kernelspec: JsonValue | undefined, languageInfo: JsonValue | undefined): string {
  const name = (isJsonObject(languageInfo) && languageInfo.name) || (isJsonObject(kernelspec) && kernelspec.language);
  return typeof name === 'string' && name ? name.toLowerCase() : DEFAULT_LANGUAGE;
}

/** nbformat keeps multi-line strings as lines that each end in "\n" but the last. */
function jupyterLines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

function jupyterText(value: JsonValue | undefined): string {
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? value.map(String).join('') : '';
}

function jupyterOutput(output: Output, executionCount: number | undefined): JsonObject {
  switch (output.kind) {
    case 'stream':
      return { output_type: 'stream', name: output.name, text: jupyterLines(output.text) };
    case 'error':
      return { output_type: 'error', ename: output.name, evalue: output.message, traceback: output.stack.split('\n') };
    case 'result':
      return { output_type: 'execute_result', execution_count: executionCount ?? null, data: jupyterBundle(output.data), metadata: {} };
    case 'display':
      return { output_type: 'display_data', data: jupyterBundle(output.data), metadata: {} };
  }
}

function jupyterBundle(data: MimeBundle): JsonObject {
  const out: JsonObject = {};
  for (const [mime, value] of Object.entries(data)) {
    out[mime] = typeof value === 'string' && isTextMime(mime) ? jupyterLines(value) : (value as JsonValue);
  }
  return out;
}

function aielabOutput(raw: JsonValue, path: string, warnings: string[]): Output[] {
  if (!isJsonObject(raw)) return [];
  switch (raw.output_type) {
    case 'stream':
      return [{ kind: 'stream', name: raw.name === 'stderr' ? 'stderr' : 'stdout', text: jupyterText(raw.text) }];
    case 'error':
      return [
        {
          kind: 'error',
          name: String(raw.ename ?? 'Error'),
          message: String(raw.evalue ?? ''),
          stack: Array.isArray(raw.traceback) ? raw.traceback.map(String).join('\n') : '',
        },
      ];
    case 'execute_result':
    case 'display_data':
      return [{ kind: raw.output_type === 'execute_result' ? 'result' : 'display', data: aielabBundle(raw.data) }];
    default:
      warnings.push(`${path}: output type ${JSON.stringify(raw.output_type ?? null)} is not kept.`);
      return [];
  }
}

function aielabBundle(raw: JsonValue | undefined): MimeBundle {
  const data: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(isJsonObject(raw) ? raw : {})) {
    // nbformat may split any string value (base64 images too) into lines; JSON values stay JSON.
    data[mime] = !isJsonMime(mime) && Array.isArray(value) ? jupyterText(value) : value;
  }
  if (typeof data['text/plain'] !== 'string') data['text/plain'] = `[${Object.keys(data).join(', ') || 'empty output'}]`;
  return data as MimeBundle;
}
