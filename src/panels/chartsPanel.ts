// The Charts & Metrics panel beside the code: one instance, created on demand or revived after a
// reload, showing the pinned outputs and their runs from the PinStore.
import * as vscode from 'vscode';
import type { FromChartsPanel, ToChartsPanel } from '../../contracts/panelMessages';
import type { PinStore } from './pinStore';
import { loadUntilReady, webviewHtml, webviewOptions } from './webviewHtml';

export const CHARTS_VIEW_TYPE = 'aielab.charts';
/** Live outputs can change ten times a second; the panel redraws at most this often. */
const REDRAW_MS = 250;

export class ChartsPanel {
  private static current: ChartsPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  static show(extensionUri: vscode.Uri, pins: PinStore): void {
    if (ChartsPanel.current) {
      ChartsPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      CHARTS_VIEW_TYPE,
      'Charts & Metrics',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(extensionUri),
    );
    ChartsPanel.current = new ChartsPanel(panel, extensionUri, pins);
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, pins: PinStore): void {
    panel.webview.options = webviewOptions(extensionUri);
    ChartsPanel.current = new ChartsPanel(panel, extensionUri, pins);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly pins: PinStore,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    const page = loadUntilReady(panel, webviewHtml(panel.webview, extensionUri, 'charts-panel.js', 'Charts & Metrics'));
    this.disposables.push(
      page,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: FromChartsPanel) => {
        if (message.type === 'ready') {
          page.ready();
          this.send();
        } else {
          pins.unpin(message.id);
        }
      }),
      pins.onDidChange(() => this.scheduleSend()),
    );
  }

  private scheduleSend(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, REDRAW_MS);
  }

  private send(): void {
    void this.panel.webview.postMessage({ type: 'pins', pins: this.pins.all } satisfies ToChartsPanel);
  }

  private dispose(): void {
    ChartsPanel.current = undefined;
    clearTimeout(this.timer);
    this.disposables.forEach((d) => d.dispose());
  }
}
