// "AI Lab: New ML Pipeline Project": the same project `aielab new pipeline` makes, in a folder the
// user picks, then opened so its README's next steps are in front of them.
import * as vscode from 'vscode';
import { ScaffoldError } from '../../scaffolds/errors';
import { newPipeline } from '../../scaffolds/pipeline';

export function registerNewPipeline(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.commands.registerCommand('aielab.newPipeline', async (target?: vscode.Uri) => {
    const folder = target ?? (await pickFolder());
    if (!folder) return;
    try {
      newPipeline(folder.fsPath, context.extensionUri.fsPath);
    } catch (err) {
      if (!(err instanceof ScaffoldError)) throw err;
      void vscode.window.showErrorMessage(`Cannot create the pipeline project: ${err.message}`);
      return;
    }
    const open = await vscode.window.showInformationMessage(
      `Created an ML pipeline project in ${folder.fsPath}. Next: npm install, then npm run train.`,
      'Open Folder',
      'Open in New Window',
    );
    if (open) await vscode.commands.executeCommand('vscode.openFolder', folder, { forceNewWindow: open === 'Open in New Window' });
    else await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(folder, 'README.md'));
  });
}

async function pickFolder(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Create Project Here',
    title: 'An empty folder for the new ML pipeline project',
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}
