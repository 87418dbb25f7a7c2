// `aielab run <notebook|folder>...`: runs notebooks headlessly with the same kernel VS Code uses,
// prints each cell's progress and output, and writes the outputs back (or to --out).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { basename, extname, join, relative, resolve } from 'node:path';
import { toIpynb } from '../contracts/notebook/ipynb';
import { parseNotebook, serializeNotebook, type Notebook } from '../contracts/notebook/format';
import type { OutputEvent } from '../contracts/protocol';
import { findNotebooks, isDirectory, writeFileAtomic } from '../contracts/notebook/files';
import { runNotebook } from '../kernels/runner/runNotebook';
import { UsageError } from './usage';

export interface RunCommandOptions {
  paths: string[];
  out?: string;
  format: 'aielab' | 'ipynb';
  allowErrors: boolean;
  cellTimeout?: number;
  quiet: boolean;
}

interface Target {
  path: string;
  /** Where the notebook sits relative to what was named on the command line; used under --out DIR. */
  relativePath: string;
}

/** `aielab run`'s arguments, checked: a mistake is a UsageError naming the fix. */
export function parseRunArgs(args: string[]): RunCommandOptions {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      format: { type: 'string', default: 'aielab' },
      'allow-errors': { type: 'boolean', default: false },
      'cell-timeout': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (!positionals.length) throw new UsageError('run needs a notebook or a folder: aielab run labs/');
  const format = values.format;
  if (format !== 'aielab' && format !== 'ipynb') throw new UsageError(`--format must be aielab or ipynb, not ${format}.`);
  const cellTimeout = values['cell-timeout'] === undefined ? undefined : Number(values['cell-timeout']);
  if (cellTimeout !== undefined && !(cellTimeout > 0))
    throw new UsageError(`--cell-timeout takes a number of seconds above 0, not ${values['cell-timeout']}.`);
  return {
    paths: positionals,
    format,
    allowErrors: values['allow-errors'],
    quiet: values.quiet,
    ...(values.out === undefined ? {} : { out: values.out }),
    ...(cellTimeout === undefined ? {} : { cellTimeout }),
  };
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  const targets = options.paths.flatMap(expand);
  if (!targets.length) throw new UsageError(`No .aielab notebooks found in ${options.paths.join(', ')}.`);
  const outFile = options.out && /\.(aielab|ipynb)$/.test(options.out) ? options.out : undefined;
  if (outFile && targets.length > 1)
    throw new UsageError(`--out ${options.out} names one file, but ${targets.length} notebooks would run; give --out a folder.`);

  // Read everything first: a notebook that does not parse stops the run before any cell executes.
  const notebooks = targets.map((target) => ({ target, notebook: parseNotebook(readFileSync(target.path, 'utf8'), target.path) }));
  const started = Date.now();
  const ctrlC = new CtrlC();
  let cells = 0;
  try {
    for (const { target, notebook } of notebooks) {
      const printer = new Printer(options.quiet);
      console.log(`▶ ${target.path}`);
      const run = await runNotebook(
        notebook,
        {
          notebookPath: resolve(target.path),
          allowErrors: options.allowErrors,
          ...(options.cellTimeout ? { cellTimeout: options.cellTimeout } : {}),
          interrupt: ctrlC.interrupt.signal,
          signal: ctrlC.stop.signal,
        },
        printer,
      );
      if (run.stopped) {
        console.log(`✗ ${target.path}: stopped by a second Ctrl+C; its outputs were not written.`);
        return 130;
      }
      cells += run.executed;
      const written = write(target, notebook, options, outFile);
      console.log(`  outputs written to ${written}`);
      if (!run.ok && !options.allowErrors) {
        console.log(`✗ ${target.path}: Cell ${(run.failedCell ?? 0) + 1} failed; stopping (use --allow-errors to run every cell).`);
        return 1;
      }
    }
  } finally {
    ctrlC.dispose();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`✓ ${notebooks.length} notebook${notebooks.length === 1 ? '' : 's'}, ${cells} cells run in ${seconds} s`);
  return 0;
}

/** Ctrl+C interrupts the running cell; a second Ctrl+C stops the run. */
class CtrlC {
  readonly interrupt = new AbortController();
  readonly stop = new AbortController();
  private readonly pressed = () => {
    if (!this.interrupt.signal.aborted) {
      process.stdout.write('\n  Interrupting the running cell; press Ctrl+C again to stop the run.\n');
      this.interrupt.abort();
    } else {
      this.stop.abort();
    }
  };

  constructor() {
    process.on('SIGINT', this.pressed);
  }

  dispose(): void {
    process.off('SIGINT', this.pressed);
  }
}

function expand(path: string): Target[] {
  if (isDirectory(path)) return findNotebooks(path).map((p) => ({ path: p, relativePath: relative(path, p) }));
  if (extname(path) !== '.aielab')
    throw new UsageError(
      `${path} is not an .aielab notebook or a folder (convert a Jupyter notebook first: aielab convert ${path} ${basename(path, extname(path))}.aielab).`,
    );
  return [{ path, relativePath: basename(path) }];
}

function write(target: Target, notebook: Notebook, options: RunCommandOptions, outFile: string | undefined): string {
  const format = outFile ? (outFile.endsWith('.ipynb') ? 'ipynb' : 'aielab') : options.format;
  let path = outFile ?? (options.out ? join(options.out, target.relativePath) : target.path);
  if (format === 'ipynb' && !path.endsWith('.ipynb')) path = path.replace(/\.aielab$/, '') + '.ipynb';
  writeFileAtomic(path, format === 'ipynb' ? toIpynb(notebook) : serializeNotebook(notebook));
  return path;
}

/** Prints cell progress and, unless quiet, each output indented under its cell. */
class Printer {
  private midLine = false;
  /** The last state of displays updated during the cell, printed when it ends. */
  private readonly updated = new Map<string, string>();

  constructor(private readonly quiet: boolean) {}

  onCellStart(_index: number, label: string): void {
    process.stdout.write(`  ${label} …\n`);
  }

  onOutput(_index: number, output: OutputEvent): void {
    if (this.quiet) return;
    if (output.kind === 'update') {
      this.updated.set(output.displayId, output.data['text/plain']);
      return;
    }
    const text = output.kind === 'stream' ? output.text : output.kind === 'error' ? `${output.stack}\n` : `${output.data['text/plain']}\n`;
    this.print(text);
  }

  onCellEnd(index: number, status: string, durationMs: number): void {
    if (this.midLine) this.print('\n');
    for (const text of this.updated.values()) this.print(`${text}\n`);
    this.updated.clear();
    const mark = status === 'ok' ? '✓' : '✗';
    process.stdout.write(`  Cell ${index + 1} ${mark} ${status === 'ok' ? '' : `${status} `}${durationMs} ms\n`);
  }

  private print(text: string): void {
    if (!text) return;
    const pieces = text.split('\n');
    pieces.forEach((piece, i) => {
      if (i > 0) process.stdout.write('\n');
      if (i === pieces.length - 1 && piece === '') return;
      process.stdout.write(i === 0 && this.midLine ? piece : `    │ ${piece}`);
    });
    this.midLine = !text.endsWith('\n');
  }
}
