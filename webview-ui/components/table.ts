// An interactive table: pages of rows, sorting by any column, numbers right-aligned. Renders one
// page at a time, so 100,000 rows page and sort without freezing the editor.
import type { CellValue, TablePayload } from '../../contracts/mime';
import { el, formatNumber } from './dom';

const PAGE_SIZES = [20, 50, 100, 500];
type Direction = 'ascending' | 'descending';

export class TableView {
  private page = 0;
  private pageSize = PAGE_SIZES[0] ?? 20;
  private sort: { column: number; direction: Direction } | undefined;
  private order: number[] | undefined;
  private readonly title = el('div', 'aielab-title');
  private readonly head = el('thead');
  private readonly body = el('tbody');
  private readonly status = el('span', 'aielab-muted');
  private readonly previous = el('button', 'aielab-button', '‹ Previous');
  private readonly next = el('button', 'aielab-button', 'Next ›');

  constructor(
    root: HTMLElement,
    private payload: TablePayload,
  ) {
    const table = el('table', 'aielab-table');
    table.append(this.head, this.body);
    const wrap = el('div', 'aielab-table-wrap');
    wrap.append(table);
    const sizes = el('select', 'aielab-select');
    sizes.setAttribute('aria-label', 'Rows per page');
    for (const size of PAGE_SIZES) sizes.append(new Option(`${size} rows`, String(size)));
    sizes.addEventListener('change', () => {
      this.pageSize = Number(sizes.value);
      this.page = 0;
      this.renderBody();
    });
    this.previous.addEventListener('click', () => this.turn(-1));
    this.next.addEventListener('click', () => this.turn(1));
    const toolbar = el('div', 'aielab-toolbar');
    toolbar.append(this.status, this.previous, this.next, sizes);
    root.append(this.title, wrap, toolbar);
    this.render();
  }

  update(payload: TablePayload): void {
    this.payload = payload;
    this.order = undefined;
    this.render();
  }

  private render(): void {
    this.title.textContent = this.payload.title ?? '';
    this.title.hidden = !this.payload.title;
    const row = el('tr');
    this.payload.columns.forEach((column, index) => {
      const th = el('th', column.type === 'number' ? 'aielab-num' : undefined, column.name);
      th.tabIndex = 0;
      th.title = `${column.name} (${column.type}): click to sort`;
      if (this.sort?.column === index) th.setAttribute('aria-sort', this.sort.direction);
      th.addEventListener('click', () => this.sortBy(index));
      th.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.sortBy(index);
        }
      });
      row.append(th);
    });
    this.head.replaceChildren(row);
    this.renderBody();
  }

  private renderBody(): void {
    const { rows, columns, totalRows } = this.payload;
    const pages = Math.max(1, Math.ceil(rows.length / this.pageSize));
    this.page = Math.min(this.page, pages - 1);
    const start = this.page * this.pageSize;
    const end = Math.min(rows.length, start + this.pageSize);
    const order = this.sortedOrder();
    const fragment = document.createDocumentFragment();
    for (let i = start; i < end; i++) {
      const values = rows[order ? (order[i] ?? i) : i] ?? [];
      const tr = el('tr');
      columns.forEach((column, c) => tr.append(cell(values[c] ?? null, column.type === 'number')));
      fragment.append(tr);
    }
    this.body.replaceChildren(fragment);
    const kept =
      totalRows > rows.length ? ` · the first ${rows.length.toLocaleString('en')} of ${totalRows.toLocaleString('en')} were kept` : '';
    this.status.textContent = rows.length
      ? `Rows ${(start + 1).toLocaleString('en')}–${end.toLocaleString('en')} of ${rows.length.toLocaleString('en')}${kept}`
      : 'No rows';
    this.previous.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
  }

  private turn(by: number): void {
    this.page += by;
    this.renderBody();
  }

  private sortBy(column: number): void {
    const direction: Direction | undefined =
      this.sort?.column !== column ? 'ascending' : this.sort.direction === 'ascending' ? 'descending' : undefined;
    this.sort = direction ? { column, direction } : undefined;
    this.order = undefined;
    this.page = 0;
    this.render();
  }

  private sortedOrder(): number[] | undefined {
    if (!this.sort) return undefined;
    if (!this.order) {
      const { column, direction } = this.sort;
      const sign = direction === 'ascending' ? 1 : -1;
      const rows = this.payload.rows;
      this.order = rows.map((_, i) => i).sort((a, b) => compare(rows[a]?.[column] ?? null, rows[b]?.[column] ?? null, sign));
    }
    return this.order;
  }
}

/** Nulls last in either direction; numbers by value; everything else as text. */
function compare(a: CellValue, b: CellValue, sign: number): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return sign * (a - b);
  return sign * String(a).localeCompare(String(b), undefined, { numeric: true });
}

function cell(value: CellValue, numeric: boolean): HTMLTableCellElement {
  if (value === null) return el('td', 'aielab-null', '—');
  return el('td', numeric ? 'aielab-num' : undefined, typeof value === 'number' ? formatNumber(value) : String(value));
}
