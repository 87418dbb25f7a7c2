// The page a panel webview loads: its bundle from dist/ inlined under a strict content security
// policy with a per-page nonce, and nothing from the network. Inlined rather than loaded by URL
// because a panel restored right after a window reload can ask for its script before the
// browser's webview resource loader is ready (seen in code-server), leaving it blank.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const code = readFileSync(vscode.Uri.joinPath(extensionUri, 'dist', script).fsPath, 'utf8').replace(/<\/script/gi, '<\\/script');
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${title}</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}">${code}</script>
</body>
</html>`;
}

/** Scripts run; nothing is loaded from outside dist/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')], retainContextWhenHidden: false };
}

/** How long a page gets to say it is ready before it is loaded again; doubled each time, up to the cap. */
const FIRST_WAIT_MS = 3000;
const MAX_WAIT_MS = 15_000;

/**
 * Sets a panel's page, and sets it again until the page says it is ready: a panel restored with
 * the window can be shown before its webview host is able to load the page (seen in code-server),
 * and then stays blank. Retries only while the panel is visible (a hidden page is not loaded), and
 * at once when it is shown again without having said it is ready.
 */
export function loadUntilReady(panel: vscode.WebviewPanel, html: string): vscode.Disposable & { ready(): void } {
  let ready = false;
  let loads = 0;
  let timer: NodeJS.Timeout | undefined;
  const load = () => {
    clearTimeout(timer);
    // A changed comment makes VS Code load the page again even when the html is otherwise the same.
    panel.webview.html = loads++ === 0 ? html : `${html}<!-- load ${loads} -->`;
    timer = setTimeout(() => !ready && panel.visible && load(), Math.min(FIRST_WAIT_MS * 2 ** (loads - 1), MAX_WAIT_MS));
  };
  load();
  const viewState = panel.onDidChangeViewState(() => {
    // A hidden page is thrown away (retainContextWhenHidden is off) and reloaded when shown.
    if (!panel.visible) ready = false;
    else if (!ready) load();
  });
  return {
    ready: () => {
      ready = true;
      clearTimeout(timer);
    },
    dispose: () => {
      clearTimeout(timer);
      viewState.dispose();
    },
  };
}
