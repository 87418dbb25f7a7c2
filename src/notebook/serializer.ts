// `.aielab` files ↔ VS Code notebooks. A file that does not parse is refused with the reason, so
// VS Code shows the error and never replaces the file with an empty notebook.
import * as vscode from 'vscode';
import { NotebookFormatError, parseNotebook, serializeNotebook, type Cell, type Notebook } from '../../contracts/notebook/format';
import type { JsonObject } from '../../contracts/notebook/json';
import { fromCellOutput, toCellOutput } from './outputItems';

export const NOTEBOOK_TYPE = 'aielab';

/** What a VS Code cell keeps in its metadata: the stable id and the cell's own metadata. */
export interface CellMetadata {
  id?: string;
  metadata?: JsonObject;
}

export class AielabSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    let notebook: Notebook;
    try {
      notebook = parseNotebook(new TextDecoder().decode(content));
    } catch (err) {
      if (!(err instanceof NotebookFormatError)) throw err;
      throw new Error(
        `This .aielab notebook cannot be opened: ${err.where}: ${err.problem}. The file has not been changed; open it in the text editor to fix it.`,
        { cause: err },
      );
    }
    const data = new vscode.NotebookData(notebook.cells.map(toCellData));
    data.metadata = notebook.metadata;
    return data;
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    const cells = data.cells.map(fromCellData);
    return new TextEncoder().encode(serializeNotebook({ metadata: (data.metadata ?? {}) as JsonObject, cells }));
  }
}

function toCellData(cell: Cell): vscode.NotebookCellData {
  const metadata: CellMetadata = { id: cell.id, metadata: cell.metadata };
  if (cell.kind === 'markdown') {
    const data = new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, cell.source, 'markdown');
    data.metadata = metadata;
    return data;
  }
  const data = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, cell.source, cell.language);
  data.metadata = metadata;
  data.outputs = cell.outputs.map(toCellOutput);
  if (cell.executionCount !== undefined) data.executionSummary = { executionOrder: cell.executionCount };
  return data;
}

function fromCellData(data: vscode.NotebookCellData): Cell {
  const { id = '', metadata = {} } = (data.metadata ?? {}) as CellMetadata;
  const common = { id, source: data.value, metadata };
  if (data.kind === vscode.NotebookCellKind.Markup) return { kind: 'markdown', ...common };
  const order = data.executionSummary?.executionOrder;
  return {
    kind: 'code',
    ...common,
    language: data.languageId,
    outputs: (data.outputs ?? []).map(fromCellOutput),
    ...(order === undefined ? {} : { executionCount: order }),
  };
}
