// Errors that name the column a learner asked for, the columns that exist, and the closest match:
// a typo in a column name is the most common mistake with a DataFrame.
export class ColumnError extends Error {
  override name = 'ColumnError';
}

export function missingColumn(name: string, columns: readonly string[], where = 'DataFrame'): ColumnError {
  const near = closest(name, columns);
  return new ColumnError(`${where}: no column "${name}". Columns are: ${columns.join(', ')}.${near ? ` Did you mean "${near}"?` : ''}`);
}

export function checkColumns(names: readonly string[], columns: readonly string[], where?: string): void {
  for (const name of names) if (!columns.includes(name)) throw missingColumn(name, columns, where);
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[b.length] as number;
}
