// Work that reads or writes models runs as the `aielab` CLI in a child process, on VS Code's own
// runtime (or the kernel's configured one): a large or damaged file can neither block nor crash
// the editor.
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { runtimeExecutable } from './controller/kernelRuntime';

export function runCli(extensionUri: vscode.Uri, args: string[]): Promise<string> {
  const runtime = runtimeExecutable();
  const cli = vscode.Uri.joinPath(extensionUri, 'dist', 'cli.js').fsPath;
  return new Promise((resolve, reject) => {
    execFile(
      runtime,
      [cli, ...args],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 256 * 1024 * 1024, timeout: 300_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(stderr.trim().replace(/^aielab: /, '') || error.message));
        else resolve(stdout);
      },
    );
  });
}
