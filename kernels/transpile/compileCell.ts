// TypeScript cell → runnable script: esbuild strips types and lowers syntax, then the REPL rewrite.
// Two source maps come back (script → esbuild output → TypeScript) so errors can name the cell's
// own line and column.
import { transform, type Message, type TransformFailure } from 'esbuild';
import { originalPosition } from './sourcePosition';
import { rewriteCell, type RewriteOptions } from './rewrite';

export interface CompiledCell {
  code: string;
  /** Script → esbuild output. */
  rewriteMap: string;
  /** esbuild output → the cell's TypeScript. */
  typescriptMap: string;
}

/** A cell that does not parse; `line` is 1-based and `column` 0-based, in the cell's own source. */
export class CellSyntaxError extends Error {
  override name = 'SyntaxError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

export async function compileCell(source: string, options: RewriteOptions = {}): Promise<CompiledCell> {
  let js: string;
  let typescriptMap: string;
  try {
    const out = await transform(source, {
      loader: 'ts',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: 'cell.ts',
      logLevel: 'silent',
      // Keep imports a later cell may use even when this cell does not; type-only ones still go.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
    });
    js = out.code;
    typescriptMap = out.map;
  } catch (err) {
    const first = (err as TransformFailure).errors?.[0];
    if (!first) throw err;
    throw syntaxError(first);
  }
  try {
    const rewritten = rewriteCell(js, options);
    return { code: rewritten.code, rewriteMap: rewritten.map, typescriptMap };
  } catch (err) {
    const loc = (err as { loc?: { line: number; column: number } }).loc;
    if (!(err instanceof SyntaxError) || !loc) throw err;
    const at = originalPosition(typescriptMap, loc.line, loc.column) ?? { line: 1, column: 0 };
    throw new CellSyntaxError(err.message.replace(/ \(\d+:\d+\)$/, ''), at.line, at.column);
  }
}

function syntaxError(message: Message): CellSyntaxError {
  return new CellSyntaxError(message.text, message.location?.line ?? 1, message.location?.column ?? 0);
}
