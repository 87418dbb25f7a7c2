// Which executable runs the sidecar and the `aielab` CLI the extension spawns: VS Code's own runtime by default (Electron run as Node), so
// a learner needs no `node` on PATH; a setting may name another Node and a heap limit.
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { KernelStartOptions } from '../../kernels/client/kernelProcess';
import { chooseRuntime } from './runtimeSetting';

let warned = false;

/**
 * What runs the kernel and the `aielab` CLI: `aielab.kernel.runtimePath` from the user's settings
 * (never a workspace's: see runtimeSetting.ts), or VS Code's own runtime.
 */
export function runtimeExecutable(scope?: vscode.Uri): string {
  const choice = chooseRuntime(vscode.workspace.getConfiguration('aielab.kernel', scope).inspect<string>('runtimePath'));
  if (choice.ignored && !warned) {
    warned = true;
    void vscode.window.showWarningMessage(choice.ignored);
  }
  return choice.path ?? process.execPath;
}

export function kernelStartOptions(notebook: vscode.NotebookDocument): KernelStartOptions {
  const config = vscode.workspace.getConfiguration('aielab.kernel', notebook.uri);
  const memoryLimit = config.get<number>('memoryLimitMB') ?? 0;
  const backend = vscode.workspace.getConfiguration('aielab.nn', notebook.uri).get<string>('backend') ?? 'auto';
  return {
    notebookPath: notebookPath(notebook),
    clientName: `VS Code ${vscode.version}`,
    runtime: runtimeExecutable(notebook.uri),
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
