// Runtime errors → ErrorOutput: frames in cell scripts are mapped back to the cell's TypeScript,
// the kernel's own frames and Node's internals are dropped, package frames are kept.
import { inspect, types } from 'node:util';
import type { ErrorOutput } from '../../contracts/protocol';
import { QUIET_ERROR } from '../../contracts/quietError';
import { tracePosition } from '../transpile/sourcePosition';
import { codeFrame, errorOutput, type CellSource } from './errorFormat';

const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;
const KEEP_CELLS = 2000;

/** The cells the kernel has run, by script file name, so frames of old cells still map. */
export class CellScripts {
  private readonly cells = new Map<string, CellSource>();

  add(filename: string, cell: CellSource): void {
    this.cells.set(filename, cell);
    if (this.cells.size > KEEP_CELLS) this.cells.delete(this.cells.keys().next().value as string);
  }

  get(filename: string): CellSource | undefined {
    return this.cells.get(filename);
  }
}

export class ErrorReporter {
  constructor(
    private readonly scripts: CellScripts,
    /** Files whose frames are the kernel's own business. */
    private readonly kernelFiles: readonly string[],
  ) {}

  /**
   * Never throws: a thrown value whose getters or Proxy traps throw in turn is described as such,
   * so reporting it cannot wedge the cell that threw it.
   */
  report(err: unknown): ErrorOutput {
    try {
      return this.describe(err);
    } catch (failure) {
      const why = failure instanceof Error ? `reading it threw ${String(failure.name)}: ${String(failure.message)}` : 'reading it threw';
      return errorOutput('Error', `The cell threw a value that cannot be described (${why}).`, []);
    }
  }

  private describe(err: unknown): ErrorOutput {
    if (!isError(err)) return errorOutput('Uncaught', inspect(err, { depth: 4 }), []);
    if ((err as { [QUIET_ERROR]?: boolean })[QUIET_ERROR] === true) return errorOutput(err.name, err.message, []);
    const { frames, codeFrame: frame } = this.mapStack(err.stack ?? '');
    const out = errorOutput(err.name || 'Error', withReason(err), frames, frame);
    if (err.cause !== undefined) {
      const cause = this.describe(err.cause);
      out.stack += `\n\nCaused by: ${cause.stack}`;
    }
    return out;
  }

  /** Frames of a V8 stack, cell frames mapped; the code frame is of the innermost cell frame. */
  mapStack(stack: string): { frames: string[]; codeFrame?: string } {
    const frames: string[] = [];
    let frame: string | undefined;
    for (const line of stack.split('\n')) {
      const m = FRAME.exec(line);
      if (!m) continue;
      const [, fn, file = '', lineNo = '0', col = '0'] = m;
      const cell = this.scripts.get(file);
      if (cell) {
        const at = tracePosition(cell.maps, Number(lineNo), Number(col) - 1);
        if (!at) continue;
        const where = `${cell.label}:${at.line}:${at.column + 1}`;
        const name = fn?.replace(/^async /, '');
        frames.push(name && name !== 'async' ? `at ${name} (${where})` : `at ${where}`);
        frame ??= codeFrame(cell, at.line, at.column);
      } else if (!this.isInternal(file)) {
        frames.push(line.trim());
      }
    }
    return { frames, ...(frame === undefined ? {} : { codeFrame: frame }) };
  }

  private isInternal(file: string): boolean {
    return file.startsWith('node:') || file === 'native' || file === '<anonymous>' || this.kernelFiles.includes(file);
  }
}

/** Only a graded run's kernel runs under Node's permission model: say why it refused. */
function withReason(err: Error): string {
  if ((err as { code?: unknown }).code !== 'ERR_ACCESS_DENIED') return err.message;
  return `${err.message}: a graded run keeps a notebook to its own copy of the pack (no inspector, no writes elsewhere, and without bubblewrap no child processes)`;
}

function isError(value: unknown): value is Error {
  return types.isNativeError(value) || (typeof value === 'object' && value !== null && 'stack' in value && 'message' in value);
}
