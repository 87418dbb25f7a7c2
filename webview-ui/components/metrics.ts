// Metrics as cards (one per named value) with a per-class table, and a confusion matrix as a
// heat-mapped grid whose shade is each row's share, so class imbalance does not hide errors.
import type { ConfusionPayload, MetricsPayload } from '../../contracts/mime';
import { el, formatNumber, tableOf } from './dom';
import { theme } from './theme';

export function renderMetrics(root: HTMLElement, payload: MetricsPayload): void {
  if (payload.title) root.append(el('div', 'aielab-title', payload.title));
  const cards = el('div', 'aielab-cards');
  for (const { name, value } of payload.values) {
    const card = el('div', 'aielab-card');
    card.append(el('div', 'aielab-card-name', name), el('div', 'aielab-card-value', formatNumber(value)));
    cards.append(card);
  }
  root.append(cards);
  if (!payload.classes) return;
  const table = el('table', 'aielab-table');
  const head = el('tr');
  head.append(el('th'), ...payload.classes.columns.map((c) => el('th', 'aielab-num', c)));
  table.append(el('thead'), el('tbody'));
  table.tHead?.append(head);
  for (const row of payload.classes.rows) {
    const tr = el('tr');
    tr.append(el('td', undefined, row.label), ...row.values.map((v) => el('td', 'aielab-num', Number.isNaN(v) ? '—' : formatNumber(v))));
    table.tBodies[0]?.append(tr);
  }
  const wrap = el('div', 'aielab-table-wrap');
  wrap.append(table);
  root.append(wrap);
}

export function renderConfusion(root: HTMLElement, payload: ConfusionPayload): void {
  root.append(el('div', 'aielab-title', payload.title ?? 'Confusion matrix'));
  const colour = theme().series(0);
  const head = el('tr');
  head.append(el('th', 'aielab-axis', 'actual ↓ / predicted →'), ...payload.labels.map((l) => el('th', 'aielab-num', l)));
  const body = el('tbody');
  payload.matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const tr = el('tr');
    tr.append(el('th', undefined, payload.labels[i] ?? String(i)));
    row.forEach((count, j) => {
      const share = total ? count / total : 0;
      const td = el('td', `aielab-cell${i === j ? ' aielab-diagonal' : ''}`, formatNumber(count));
      td.style.background = `color-mix(in srgb, ${colour} ${Math.round(share * 85)}%, transparent)`;
      td.title = `actual ${payload.labels[i]}, predicted ${payload.labels[j]}: ${count} (${(share * 100).toFixed(1)}% of ${payload.labels[i]})`;
      tr.append(td);
    });
    body.append(tr);
  });
  root.append(tableOf('aielab-table aielab-confusion', head, body, true));
}
