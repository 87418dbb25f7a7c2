// "AI Lab: Export Model to ONNX": a saved nn model (a folder with model.json, as nn.save and
// run.logModel write it) to an .onnx file the user names, checked by `aielab export`; then offers
// to open it in the Weight Inspector.
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { runCli } from '../cli';
import { WeightsPanel } from '../panels/weightsPanel';

export function registerExportCommand(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.commands.registerCommand('aielab.exportToOnnx', async (target?: vscode.Uri) => {
    const picked = target
      ? [target]
      : await vscode.window.showOpenDialog({
          canSelectFiles: true,
          canSelectFolders: true,
          canSelectMany: false,
          title: 'A saved model: its folder, or its model.json',
          openLabel: 'Export This Model',
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        });
    const source = picked?.[0];
    if (!source) return;
    const folder = source.path.endsWith('/model.json') ? vscode.Uri.file(dirname(source.fsPath)) : source;
    const output = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(`${folder.fsPath.replace(/[/\\]+$/, '')}.onnx`),
      filters: { 'ONNX models': ['onnx'] },
      saveLabel: 'Export',
      title: 'Where to write the .onnx file',
    });
    if (!output) return;
    try {
      const said = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Exporting ${vscode.workspace.asRelativePath(folder)} to ONNX…` },
        () => runCli(context.extensionUri, ['export', folder.fsPath, output.fsPath]),
      );
      const answer = await vscode.window.showInformationMessage(said.trim().replace(/\n/g, ' '), 'Open in Weight Inspector');
      if (answer) WeightsPanel.show(context.extensionUri, output);
    } catch (error) {
      void vscode.window.showErrorMessage(`Cannot export ${vscode.workspace.asRelativePath(folder)}: ${(error as Error).message}`);
    }
  });
}
