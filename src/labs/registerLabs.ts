// Lab packs in VS Code: the Lab Explorer and its progress, exercise actions in notebooks, lab notes.
import * as vscode from 'vscode';
import { sdkFits, SDK_VERSION } from '../../packs/manifest';
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
    packs.onDidChange(() => {
      view.message = versionWarning(packs);
      explorer.refresh();
    }),
    progress.onDidChange(() => explorer.refresh()),
    notesWatcher.onDidCreate(() => explorer.refresh()),
    notesWatcher.onDidDelete(() => explorer.refresh()),
    vscode.commands.registerCommand('aielab.openLab', (uri: vscode.Uri) => vscode.commands.executeCommand('vscode.openWith', uri, 'aielab')),
    vscode.commands.registerCommand('aielab.refreshLabs', () => packs.reload()),
    vscode.commands.registerCommand('aielab.newLabNote', () => newLabNote(packs, progress)),
    ...registerExercises(),
  ];
}

/** Packs written for another SDK version may use what this one lacks: say so above the tree. */
function versionWarning(packs: LabPacks): string | undefined {
  const misfits = packs.packs.flatMap(({ pack }) => (pack && sdkFits(pack) === 'other version' ? [`"${pack.title}" needs AI Engineering Lab ${pack.requires.aielab}`] : []));
  return misfits.length ? `${misfits.join('; ')}; this is ${SDK_VERSION}. Update the extension, or some cells may fail.` : undefined;
}
