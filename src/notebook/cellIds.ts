// Every cell of an .aielab notebook gets a stable id the moment it is added (new, pasted or
// duplicated), so ids survive saves and a copied cell never shares its original's id.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE, type CellMetadata } from './serializer';

export function registerCellIds(): vscode.Disposable {
  return vscode.workspace.onDidChangeNotebookDocument((event) => {
    if (event.notebook.notebookType !== NOTEBOOK_TYPE) return;
    const added = new Set(event.contentChanges.flatMap((change) => change.addedCells));
    if (!added.size) return;
    const taken = new Set<string>();
    for (const cell of event.notebook.getCells()) {
      const id = (cell.metadata as CellMetadata).id;
      if (id && !added.has(cell)) taken.add(id);
    }
    const edits: vscode.NotebookEdit[] = [];
    for (const cell of added) {
      const metadata = cell.metadata as CellMetadata;
      if (metadata.id && !taken.has(metadata.id)) {
        taken.add(metadata.id);
        continue;
      }
      const id = newId(taken);
      taken.add(id);
      edits.push(vscode.NotebookEdit.updateCellMetadata(cell.index, { ...metadata, id }));
    }
    if (!edits.length) return;
    const edit = new vscode.WorkspaceEdit();
    edit.set(event.notebook.uri, edits);
    void vscode.workspace.applyEdit(edit);
  });
}

function newId(taken: ReadonlySet<string>): string {
  let id: string;
  do id = randomBytes(6).toString('hex');
  while (taken.has(id));
  return id;
}
