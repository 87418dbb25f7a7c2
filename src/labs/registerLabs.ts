// Lab packs in VS Code: the Lab Explorer and its progress, exercise actions in notebooks, lab notes.
import * as vscode from 'vscode';
import { registerExercises } from './exercises';
import { LabExplorer, LABS_VIEW } from './labExplorer';
import { newLabNote } from './labNotes';
import { LabPacks } from './packs';
import { ProgressStore } from './progress';

export function registerLabs(context: vscode.ExtensionContext): vscode.Disposable[] {
  const packs = new LabPacks();
  const progress = new ProgressStore(context.workspaceState, packs);
  const explorer = new LabExplorer(packs, progress);
  const view = vscode.window.createTreeView(LABS_VIEW, { treeDataProvider: explorer, showCollapseAll: true });
  const notesWatcher = vscode.workspace.createFileSystemWatcher('**/*.md', false, true, false);
  void packs.reload();
  return [
    packs,
    progress,
    view,
    notesWatcher,
    packs.onDidChange(() => explorer.refresh()),
    progress.onDidChange(() => explorer.refresh()),
    notesWatcher.onDidCreate(() => explorer.refresh()),
    notesWatcher.onDidDelete(() => explorer.refresh()),
    vscode.commands.registerCommand('aielab.openLab', (uri: vscode.Uri) => vscode.commands.executeCommand('vscode.openWith', uri, 'aielab')),
    vscode.commands.registerCommand('aielab.refreshLabs', () => packs.reload()),
    vscode.commands.registerCommand('aielab.newLabNote', () => newLabNote(packs)),
    ...registerExercises(),
  ];
}
