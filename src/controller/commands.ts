// Kernel commands for the command palette and the notebook toolbar.
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE } from '../notebook/serializer';
import type { KernelController } from './controller';

/** Toolbar buttons pass the editor they sit on; the palette passes nothing. */
interface ToolbarContext {
  notebookEditor?: { notebookUri?: vscode.Uri };
}

export function registerKernelCommands(kernels: KernelController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('aielab.restartKernel', async (context?: ToolbarContext) => {
      const notebook = targetNotebook(context);
      if (!notebook) {
        void vscode.window.showInformationMessage('Open an .aielab notebook to restart its kernel.');
        return;
      }
      await kernels.restart(notebook);
      vscode.window.setStatusBarMessage('AI Lab: kernel restarted; variables cleared.', 4000);
    }),
    vscode.commands.registerCommand('aielab.showKernelOutput', () => kernels.log.show(true)),
    vscode.commands.registerCommand('aielab.newNotebook', async () => {
      const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '', 'typescript');
      const notebook = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, new vscode.NotebookData([cell]));
      await vscode.window.showNotebookDocument(notebook);
    }),
  ];
}

function targetNotebook(context?: ToolbarContext): vscode.NotebookDocument | undefined {
  const uri = context?.notebookEditor?.notebookUri;
  if (uri) return vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri.toString());
  const active = vscode.window.activeNotebookEditor?.notebook;
  return active?.notebookType === NOTEBOOK_TYPE ? active : undefined;
}
