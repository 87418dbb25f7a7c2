// The Weight Inspector panel beside the code (one instance; revived after a reload).
import * as vscode from 'vscode';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const WEIGHTS_VIEW_TYPE = 'aielab.weights';

export class WeightsPanel {
  private static current: WeightsPanel | undefined;

  static show(extensionUri: vscode.Uri): void {
    if (WeightsPanel.current) {
      WeightsPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(WEIGHTS_VIEW_TYPE, 'Weight Inspector', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(extensionUri));
    WeightsPanel.current = new WeightsPanel(panel, extensionUri);
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    panel.webview.options = webviewOptions(extensionUri);
    WeightsPanel.current = new WeightsPanel(panel, extensionUri);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'weights-panel.js', 'Weight Inspector');
    panel.onDidDispose(() => (WeightsPanel.current = undefined));
  }
}
