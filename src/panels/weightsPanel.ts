// The Weight Inspector beside the code (one instance; revived after a reload with the model it
// showed): an .onnx model's weights, histograms and classifier head, or how two models differ.
import * as vscode from 'vscode';
import type { FromWeightsPanel, ToWeightsPanel } from '../../contracts/panelMessages';
import { inspectModel } from './inspectModel';
import { loadUntilReady, webviewHtml, webviewOptions } from './webviewHtml';

export const WEIGHTS_VIEW_TYPE = 'aielab.weights';

export class WeightsPanel {
  private static current: WeightsPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Shows the panel; with a file (and a second one to compare with), inspects it there. */
  static show(extensionUri: vscode.Uri, file?: vscode.Uri, compareWith?: vscode.Uri): void {
    if (!WeightsPanel.current) {
      const panel = vscode.window.createWebviewPanel(
        WEIGHTS_VIEW_TYPE,
        'Weight Inspector',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        webviewOptions(extensionUri),
      );
      WeightsPanel.current = new WeightsPanel(panel, extensionUri);
    } else WeightsPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
    if (file) void WeightsPanel.current.open(file, compareWith);
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    panel.webview.options = webviewOptions(extensionUri);
    WeightsPanel.current = new WeightsPanel(panel, extensionUri);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    const page = loadUntilReady(panel, webviewHtml(panel.webview, extensionUri, 'weights-panel.js', 'Weight Inspector'));
    this.disposables.push(
      page,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage(async (message: FromWeightsPanel) => {
        if (message.type === 'ready') page.ready();
        else {
          const picked = await vscode.window.showOpenDialog({
            canSelectMany: false,
            filters: { 'ONNX models': ['onnx'] },
            openLabel: 'Inspect',
          });
          if (picked?.[0]) await this.open(picked[0]);
        }
      }),
    );
  }

  private async open(file: vscode.Uri, compareWith?: vscode.Uri): Promise<void> {
    this.send({ type: 'loading', file: vscode.workspace.asRelativePath(file) });
    try {
      const { inspection, diff } = await inspectModel(this.extensionUri, file, compareWith);
      this.send({
        type: 'model',
        inspection: { ...inspection, file: vscode.workspace.asRelativePath(file) },
        ...(diff ? { diff: { ...diff, a: vscode.workspace.asRelativePath(diff.a), b: vscode.workspace.asRelativePath(diff.b) } } : {}),
      });
    } catch (error) {
      this.send({ type: 'error', file: vscode.workspace.asRelativePath(file), message: (error as Error).message });
    }
  }

  private send(message: ToWeightsPanel): void {
    void this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    WeightsPanel.current = undefined;
    this.disposables.forEach((d) => d.dispose());
  }
}
