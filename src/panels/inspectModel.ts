// Reading an .onnx file's weights happens outside the extension host: `aielab inspect --json` runs
// in a child process on VS Code's own runtime (or the kernel's configured one), so a large or
// damaged model can neither block nor crash the editor.
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import type { Inspection, ModelDiff } from '../../kernels/mime';

export interface InspectResult {
  inspection: Inspection;
  diff?: ModelDiff;
}

export function inspectModel(extensionUri: vscode.Uri, file: vscode.Uri, compareWith?: vscode.Uri): Promise<InspectResult> {
  const runtime = vscode.workspace.getConfiguration('aielab.kernel').get<string>('runtimePath')?.trim() || process.execPath;
  const cli = vscode.Uri.joinPath(extensionUri, 'dist', 'cli.js').fsPath;
  const args = [cli, 'inspect', file.fsPath, '--json', ...(compareWith ? ['--diff', compareWith.fsPath] : [])];
  return new Promise((resolve, reject) => {
    execFile(runtime, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 256 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(stderr.trim().replace(/^aielab: /, '') || error.message));
      else resolve(JSON.parse(stdout) as InspectResult);
    });
  });
}
