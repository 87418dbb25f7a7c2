// Which executable runs the sidecar: VS Code's own runtime by default (Electron run as Node), so
// a learner needs no `node` on PATH; a setting may name another Node and a heap limit.
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { KernelStartOptions } from '../../kernels/client/kernelProcess';

export function kernelStartOptions(notebook: vscode.NotebookDocument): KernelStartOptions {
  const config = vscode.workspace.getConfiguration('aielab.kernel', notebook.uri);
  const runtime = config.get<string>('runtimePath')?.trim();
  const memoryLimit = config.get<number>('memoryLimitMB') ?? 0;
  const backend = vscode.workspace.getConfiguration('aielab.nn', notebook.uri).get<string>('backend') ?? 'auto';
  return {
    notebookPath: notebookPath(notebook),
    clientName: `VS Code ${vscode.version}`,
    ...(runtime ? { runtime } : {}),
    runtimeArgs: memoryLimit > 0 ? [`--max-old-space-size=${Math.round(memoryLimit)}`] : [],
    ...(backend !== 'auto' ? { env: { AIELAB_NN_BACKEND: backend } } : {}),
  };
}

/** An untitled notebook has no folder of its own; it works in the first workspace folder. */
function notebookPath(notebook: vscode.NotebookDocument): string {
  if (notebook.uri.scheme === 'file') return notebook.uri.fsPath;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? homedir();
  return join(folder, basename(notebook.uri.path) || 'untitled.aielab');
}
