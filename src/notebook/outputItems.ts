// Kernel outputs ↔ VS Code cell outputs. The output's kind rides in its metadata so saving a
// notebook writes back exactly what the kernel produced.
import * as vscode from 'vscode';
import { isJsonMime, isTextMime } from '../../contracts/notebook/format';
import type { MimeBundle, Output } from '../../contracts/protocol';

const STDOUT = 'application/vnd.code.notebook.stdout';
const STDERR = 'application/vnd.code.notebook.stderr';
const ERROR = 'application/vnd.code.notebook.error';

export function toCellOutput(output: Output): vscode.NotebookCellOutput {
  const metadata =
    output.kind === 'display' && output.displayId ? { kind: output.kind, displayId: output.displayId } : { kind: output.kind };
  switch (output.kind) {
    case 'stream':
      return new vscode.NotebookCellOutput([streamItem(output.name, output.text)], metadata);
    case 'error':
      return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(output)], metadata);
    default:
      return new vscode.NotebookCellOutput(bundleItems(output.data), metadata);
  }
}

/** A MIME bundle's items, rich ones first: VS Code shows the first it has a renderer for. */
export function bundleItems(data: MimeBundle): vscode.NotebookCellOutputItem[] {
  const mimes = Object.keys(data).sort((a, b) => Number(a.startsWith('text/')) - Number(b.startsWith('text/')));
  return mimes.map((mime) => bundleItem(mime, data[mime]));
}

export function streamItem(name: 'stdout' | 'stderr', text: string): vscode.NotebookCellOutputItem {
  return name === 'stdout' ? vscode.NotebookCellOutputItem.stdout(text) : vscode.NotebookCellOutputItem.stderr(text);
}

/** The stream an output carries, so consecutive stream text can join the same output. */
export function streamOf(output: vscode.NotebookCellOutput): 'stdout' | 'stderr' | undefined {
  const mime = output.items[0]?.mime;
  return mime === STDOUT ? 'stdout' : mime === STDERR ? 'stderr' : undefined;
}

export function fromCellOutput(output: vscode.NotebookCellOutput): Output {
  const decoder = new TextDecoder();
  const text = (item: vscode.NotebookCellOutputItem) => decoder.decode(item.data);
  const stream = streamOf(output);
  if (stream) return { kind: 'stream', name: stream, text: output.items.map(text).join('') };
  const error = output.items.find((item) => item.mime === ERROR);
  if (error) {
    const { name = 'Error', message = '', stack = '' } = JSON.parse(text(error)) as Partial<Record<'name' | 'message' | 'stack', string>>;
    return { kind: 'error', name, message, stack: stack || `${name}: ${message}` };
  }
  const data: Record<string, unknown> = {};
  for (const item of output.items) {
    data[item.mime] = isTextMime(item.mime)
      ? text(item)
      : isJsonMime(item.mime)
        ? JSON.parse(text(item))
        : Buffer.from(item.data).toString('base64');
  }
  data['text/plain'] ??= `[${output.items.map((item) => item.mime).join(', ')}]`;
  return { kind: output.metadata?.kind === 'display' ? 'display' : 'result', data: data as MimeBundle };
}

function bundleItem(mime: string, value: unknown): vscode.NotebookCellOutputItem {
  if (isJsonMime(mime)) return vscode.NotebookCellOutputItem.json(value, mime);
  if (isTextMime(mime)) return vscode.NotebookCellOutputItem.text(String(value), mime);
  // Binary payloads (images) travel as base64 text, as in Jupyter; VS Code wants the bytes.
  return new vscode.NotebookCellOutputItem(Buffer.from(String(value), 'base64'), mime);
}
