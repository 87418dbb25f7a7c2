// How a failure reads in a cell: `Name: message`, stack frames that name the cell's own line and
// column, and a code frame of the failing line, so the error points at what the learner wrote.
import type { ErrorOutput } from '../../contracts/protocol';

export interface CellSource {
  label: string;
  source: string;
  /** Generated script → … → the cell's TypeScript, last applied first. */
  maps: readonly string[];
}

/** The failing line of a cell with its neighbours and a caret; `line` 1-based, `column` 0-based. */
export function codeFrame(cell: Pick<CellSource, 'label' | 'source'>, line: number, column: number): string {
  const lines = cell.source.split(/\r?\n/);
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line);
  const width = String(last).length;
  const out = [`${cell.label}, line ${line}:`];
  for (let n = first; n <= last; n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
  }
  const indent = (lines[line - 1] ?? '').slice(0, column).replace(/[^\t]/g, ' ');
  out.push(`  ${' '.repeat(width)} | ${indent}^`);
  return out.join('\n');
}

export function errorOutput(name: string, message: string, frames: readonly string[], frame?: string): ErrorOutput {
  const header = message ? `${name}: ${message}` : name;
  const stack = [header, ...frames.map((f) => `    ${f}`)].join('\n');
  return { kind: 'error', name, message, stack: frame ? `${stack}\n\n${frame}` : stack };
}

/** A cell that did not compile: the position comes straight from the compiler. */
export function syntaxErrorOutput(cell: Pick<CellSource, 'label' | 'source'>, message: string, line: number, column: number): ErrorOutput {
  return errorOutput('SyntaxError', message, [`at ${cell.label}:${line}:${column + 1}`], codeFrame(cell, line, column));
}
