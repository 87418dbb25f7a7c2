// A model's weights for the Weight Inspector, read by `aielab inspect --json` outside the host.
import type * as vscode from 'vscode';
import type { Inspection, ModelDiff } from '../../contracts/mime';
import { runCli } from '../cli';

export interface InspectResult {
  inspection: Inspection;
  diff?: ModelDiff;
}

export async function inspectModel(extensionUri: vscode.Uri, file: vscode.Uri, compareWith?: vscode.Uri): Promise<InspectResult> {
  const stdout = await runCli(extensionUri, ['inspect', file.fsPath, '--json', ...(compareWith ? ['--diff', compareWith.fsPath] : [])]);
  return JSON.parse(stdout) as InspectResult;
}
