// Exercise cells in the notebook: their role shown under each cell, "Reset exercise" (back to the
// starter code, after a confirmation, undoable) and "Show hint" (the next hint the student
// release keeps in the exercise's metadata, added as a cell below it).
import * as vscode from 'vscode';
import { hiddenHintsOf, pointsOf, roleOf } from '../../packs/roles';
import type { JsonObject } from '../../contracts/notebook/json';
import { NOTEBOOK_TYPE, type CellMetadata } from '../notebook/serializer';

/** A command's target: a cell given by the status bar, else the active notebook's selection. */
type CellArg = { notebook: string; index: number } | undefined;

export function registerExercises(): vscode.Disposable[] {
  const statusBar = new RoleStatusBar();
  return [
    statusBar,
    vscode.notebooks.registerNotebookCellStatusBarItemProvider(NOTEBOOK_TYPE, statusBar),
    vscode.commands.registerCommand('aielab.resetExercise', (arg?: CellArg) => resetExercise(arg)),
    vscode.commands.registerCommand('aielab.showHint', (arg?: CellArg) => showHint(arg)),
  ];
}

function cellMetadata(cell: vscode.NotebookCell): JsonObject {
  return (cell.metadata as CellMetadata).metadata ?? {};
}

function shownHints(cell: vscode.NotebookCell): number {
  const shown = cellMetadata(cell).hintsShown;
  return typeof shown === 'number' ? shown : 0;
}

class RoleStatusBar implements vscode.NotebookCellStatusBarItemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  // Hints shown and starters change with the cell's metadata.
  readonly onDidChangeCellStatusBarItems = this.changed.event;
  private readonly subscription = vscode.workspace.onDidChangeNotebookDocument((event) => {
    if (event.notebook.notebookType === NOTEBOOK_TYPE && event.cellChanges.some((c) => c.metadata)) this.changed.fire();
  });

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  provideCellStatusBarItems(cell: vscode.NotebookCell): vscode.NotebookCellStatusBarItem[] {
    const metadata = cellMetadata(cell);
    const arg: CellArg = { notebook: cell.notebook.uri.toString(), index: cell.index };
    const item = (text: string, tooltip: string, command?: string) => {
      const it = new vscode.NotebookCellStatusBarItem(text, vscode.NotebookCellStatusBarAlignment.Left);
      it.tooltip = tooltip;
      if (command) it.command = { title: tooltip, command, arguments: [arg] };
      return it;
    };
    switch (roleOf({ metadata })) {
      case 'exercise': {
        const items = [item('$(edit) Exercise', 'Your code goes in this cell; the check cell below tells you when it is right')];
        if (typeof metadata.starter === 'string') items.push(item('$(discard) Reset', 'Reset this exercise to its starter code', 'aielab.resetExercise'));
        const hints = hiddenHintsOf({ metadata });
        const shown = shownHints(cell);
        if (shown < hints.length) items.push(item(`$(lightbulb) Show hint ${shown + 1} of ${hints.length}`, 'Show the next hint below this exercise', 'aielab.showHint'));
        return items;
      }
      case 'check': {
        const points = pointsOf({ metadata });
        return [item(`$(beaker) Check · ${points} point${points === 1 ? '' : 's'}`, 'Run this cell after the exercise above: it says what passed and what to fix')];
      }
      case 'solution':
        return [item('$(eye-closed) Solution', 'The solution: aielab pack release leaves this cell out of the student version')];
      case 'hint':
        return [item('$(lightbulb) Hint', 'A hint for the exercise above')];
      default:
        return [];
    }
  }
}

/** The exercise a command is about: the given cell, or the selected cell (or the nearest exercise above it). */
function targetExercise(arg: CellArg): { editor: vscode.NotebookDocument; cell: vscode.NotebookCell } | undefined {
  const notebook = arg ? vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === arg.notebook) : vscode.window.activeNotebookEditor?.notebook;
  if (!notebook || notebook.notebookType !== NOTEBOOK_TYPE) {
    void vscode.window.showInformationMessage('Open an AI Lab notebook and select an exercise cell first.');
    return undefined;
  }
  const start = arg?.index ?? vscode.window.activeNotebookEditor?.selection.start ?? 0;
  for (let i = Math.min(start, notebook.cellCount - 1); i >= 0; i--) {
    const cell = notebook.cellAt(i);
    if (roleOf({ metadata: cellMetadata(cell) }) === 'exercise') return { editor: notebook, cell };
  }
  void vscode.window.showInformationMessage('There is no exercise cell at or above the selected cell.');
  return undefined;
}

async function resetExercise(arg: CellArg): Promise<void> {
  const target = targetExercise(arg);
  if (!target) return;
  const starter = cellMetadata(target.cell).starter;
  if (typeof starter !== 'string') {
    void vscode.window.showInformationMessage('This exercise has no starter code recorded. Exercises get one in the student version of a pack (aielab pack release).');
    return;
  }
  const answer = await vscode.window.showWarningMessage('Reset this exercise to its starter code?', { modal: true, detail: 'Your code in this cell is replaced (Undo brings it back).' }, 'Reset');
  if (answer !== 'Reset') return;
  const document = target.cell.document;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), starter);
  await vscode.workspace.applyEdit(edit);
}

async function showHint(arg: CellArg): Promise<void> {
  const target = targetExercise(arg);
  if (!target) return;
  const { cell, editor } = target;
  const hints = hiddenHintsOf({ metadata: cellMetadata(cell) });
  const shown = shownHints(cell);
  const next = hints[shown];
  if (next === undefined) {
    void vscode.window.showInformationMessage(hints.length ? 'All the hints for this exercise are shown.' : 'This exercise has no hints.');
    return;
  }
  const hint = new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, `**Hint ${shown + 1} of ${hints.length}.** ${next}`, 'markdown');
  hint.metadata = { metadata: { role: 'hint' } } satisfies CellMetadata;
  const metadata = cell.metadata as CellMetadata;
  const edit = new vscode.WorkspaceEdit();
  edit.set(editor.uri, [
    vscode.NotebookEdit.updateCellMetadata(cell.index, { ...metadata, metadata: { ...(metadata.metadata ?? {}), hintsShown: shown + 1 } }),
    vscode.NotebookEdit.insertCells(cell.index + 1 + shown, [hint]),
  ]);
  await vscode.workspace.applyEdit(edit);
}
