// Small DOM helpers: elements built with text content (never HTML strings from data).

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A table of a header row and a body, in a scrolling wrapper when `wrapped`. */
export function tableOf(className: string, head: HTMLTableRowElement, body: HTMLTableSectionElement, wrapped = false): HTMLElement {
  const table = el('table', className);
  const thead = el('thead');
  thead.append(head);
  table.append(thead, body);
  if (!wrapped) return table;
  const wrap = el('div', 'aielab-table-wrap');
  wrap.append(table);
  return wrap;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en');
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

export function formatDuration(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
