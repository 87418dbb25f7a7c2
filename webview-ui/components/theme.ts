// Colours from the VS Code theme (its CSS variables), so outputs look native in light, dark and
// high-contrast themes and follow a theme change without re-running the cell.

const PALETTE = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-red',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
];
const FALLBACK = ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export interface Theme {
  foreground: string;
  lines: string;
  series(index: number): string;
  highContrast: boolean;
}

export function theme(): Theme {
  return {
    foreground: cssVar('--vscode-charts-foreground', cssVar('--vscode-foreground', '#888')),
    lines: cssVar('--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
    series: (i) => cssVar(PALETTE[i % PALETTE.length] ?? '', FALLBACK[i % FALLBACK.length] ?? '#888'),
    highContrast:
      document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
  };
}

/** Calls `listener` when VS Code switches theme (it changes the body's classes and variables). */
export function onThemeChange(listener: () => void): () => void {
  const observer = new MutationObserver(() => listener());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'style', 'data-vscode-theme-kind'] });
  return () => observer.disconnect();
}
