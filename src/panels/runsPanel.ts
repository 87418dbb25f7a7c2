// The Runs panel beside the code: the experiments, runs and registered models `track` wrote
// (mlruns/ folders in the workspace), refreshed as a training cell logs.
import * as vscode from 'vscode';
import type { FromRunsPanel, ToRunsPanel } from '../../contracts/panelMessages';
import { findStores, readStores } from './runsData';
import { loadUntilReady, webviewHtml, webviewOptions } from './webviewHtml';

export const RUNS_VIEW_TYPE = 'aielab.runs';
/** A training logs every epoch; the panel reads the store at most this often. */
const REFRESH_MS = 500;

export class RunsPanel {
  private static current: RunsPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  static show(extensionUri: vscode.Uri): void {
    if (RunsPanel.current) {
      RunsPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      RUNS_VIEW_TYPE,
      'Runs',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(extensionUri),
    );
    RunsPanel.current = new RunsPanel(panel, extensionUri);
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    panel.webview.options = webviewOptions(extensionUri);
    RunsPanel.current = new RunsPanel(panel, extensionUri);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    const page = loadUntilReady(panel, webviewHtml(panel.webview, extensionUri, 'runs-panel.js', 'Runs'));
    const watcher = vscode.workspace.createFileSystemWatcher('**/mlruns/**');
    this.disposables.push(
      page,
      watcher,
      watcher.onDidCreate(() => this.scheduleSend()),
      watcher.onDidChange(() => this.scheduleSend()),
      watcher.onDidDelete(() => this.scheduleSend()),
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: FromRunsPanel) => {
        if (message.type !== 'ready') return;
        page.ready();
        void this.send();
      }),
    );
  }

  private scheduleSend(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.send();
    }, REFRESH_MS);
  }

  private async send(): Promise<void> {
    const data = readStores(await findStores());
    void this.panel.webview.postMessage({ type: 'runs', data } satisfies ToRunsPanel);
  }

  private dispose(): void {
    RunsPanel.current = undefined;
    clearTimeout(this.timer);
    this.disposables.forEach((d) => d.dispose());
  }
}
