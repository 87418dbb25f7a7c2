// The outputs' stylesheet, built on VS Code's theme variables and injected once per document.
// Class names are prefixed because notebook outputs share one document.

const CSS = `
.aielab { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground); max-width: 100%; }
.aielab-title { font-weight: 600; margin: 4px 0 6px; }
.aielab-toolbar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 6px 0; color: var(--vscode-descriptionForeground); }
.aielab-button { font: inherit; padding: 2px 8px; border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; cursor: pointer;
  background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
.aielab-button:hover:not(:disabled) { background: var(--vscode-button-secondaryHoverBackground); }
.aielab-button:disabled { opacity: 0.5; cursor: default; }
.aielab-button:focus-visible, .aielab-select:focus-visible, .aielab-table th:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
.aielab-pin { float: right; }
.aielab-select { font: inherit; background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border: 1px solid var(--vscode-dropdown-border, transparent); }
.aielab-table-wrap { overflow-x: auto; max-width: 100%; }
.aielab-table td.aielab-wrap { white-space: normal; min-width: 11em; }
.aielab-table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.aielab-table th, .aielab-table td { padding: 3px 10px; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border, rgba(128,128,128,0.35))); text-align: left; white-space: nowrap; }
.aielab-table th { position: sticky; top: 0; background: var(--vscode-editorWidget-background, var(--vscode-editor-background)); cursor: pointer; user-select: none; font-weight: 600; }
.aielab-table th[aria-sort="ascending"]::after { content: " ▲"; }
.aielab-table th[aria-sort="descending"]::after { content: " ▼"; }
.aielab-table td.aielab-num, .aielab-table th.aielab-num { text-align: right; }
.aielab-table td.aielab-null { color: var(--vscode-disabledForeground, var(--vscode-descriptionForeground)); }
.aielab-table tbody tr:hover { background: var(--vscode-list-hoverBackground); }
.aielab-table tbody tr[aria-selected="true"] { background: var(--vscode-list-inactiveSelectionBackground); }
.vscode-high-contrast .aielab-table th, .vscode-high-contrast .aielab-table td { border-color: var(--vscode-contrastBorder); }
.aielab-chart { position: relative; width: min(760px, 100%); }
.aielab-charts { display: flex; flex-wrap: wrap; gap: 12px; }
.aielab-charts .aielab-chart { width: min(380px, 100%); }
.aielab-cards { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 8px; }
.aielab-card { padding: 6px 12px; border: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,0.35)); border-radius: 4px; background: var(--vscode-editorWidget-background); min-width: 90px; }
.aielab-card-name { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.aielab-card-value { font-size: 1.5em; font-variant-numeric: tabular-nums; }
.aielab-confusion td.aielab-cell { text-align: center; min-width: 44px; }
.aielab-confusion td.aielab-diagonal { font-weight: 700; }
.aielab-axis { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.aielab-progress-bar { height: 6px; width: min(380px, 100%); background: var(--vscode-editorWidget-background, rgba(128,128,128,0.2)); border: 1px solid var(--vscode-editorWidget-border, transparent); border-radius: 3px; overflow: hidden; }
.aielab-progress-fill { height: 100%; background: var(--vscode-progressBar-background, var(--vscode-charts-blue)); transition: width 0.2s; }
.aielab-status-done { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.aielab-status-stopped { color: var(--vscode-testing-iconFailed, var(--vscode-charts-red)); }
.aielab-muted { color: var(--vscode-descriptionForeground); }
.aielab-checks { list-style: none; padding: 0; margin: 4px 0; }
.aielab-checks li { margin: 3px 0; }
.aielab-check-mark { display: inline-block; width: 1.4em; font-weight: 700; }
.aielab-check-passed .aielab-check-mark { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.aielab-check-failed .aielab-check-mark { color: var(--vscode-testing-iconFailed, var(--vscode-charts-red)); }
.aielab-check-message { margin-left: 1.4em; color: var(--vscode-descriptionForeground); white-space: pre-wrap; }
`;

export function ensureStyles(nonce?: string): void {
  if (document.getElementById('aielab-styles')) return;
  const style = document.createElement('style');
  style.id = 'aielab-styles';
  if (nonce) style.nonce = nonce;
  style.textContent = CSS;
  document.head.appendChild(style);
}
