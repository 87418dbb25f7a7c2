// Plain-text renderings that every rich output carries, so a notebook reads well in a terminal,
// in `aielab run` logs, on GitHub and in Jupyter.

const BLOCKS = '▁▂▃▄▅▆▇█';

/** Numbers as a person reads them: integers whole, others to 4 significant digits. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function alignedTable(headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  const cells = rows.map((row) => headers.map((_, i) => formatCell(row[i])));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((row) => row[i] === null || row[i] === undefined || typeof row[i] === 'number'),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** A one-line picture of a series: ▁▂▄▆█, resampled to at most `width` characters. */
export function sparkline(values: readonly number[], width = 24): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return '';
  const step = Math.max(1, values.length / width);
  const sampled: number[] = [];
  for (let i = 0; i < values.length && sampled.length < width; i += step) sampled.push(values[Math.floor(i)] ?? NaN);
  const min = Math.min(...finite);
  const span = Math.max(...finite) - min;
  return sampled
    .map((v) => (Number.isFinite(v) ? BLOCKS[span === 0 ? 3 : Math.round(((v - min) / span) * (BLOCKS.length - 1))] : ' '))
    .join('');
}

/** ▕██████░░░░▏ for a fraction between 0 and 1. */
export function progressBar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `▕${'█'.repeat(filled)}${'░'.repeat(width - filled)}▏`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}
