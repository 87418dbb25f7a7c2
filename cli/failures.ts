// How a failure ends the `aielab` command, in one table: its exit code and what it prints.
// 1: the work ran and found something wrong (a failing cell, an invalid pack, a damaged model);
// 2: it could not be done as asked (a bad command line, an unreadable notebook, a missing file, a
// folder that is not empty). Anything else is a bug of ours: its stack is printed, with exit 1.
import { NotebookFormatError } from '../contracts/notebook/format';
import { PackError } from '../packs/release';
import { SandboxUnavailable } from '../packs/sandbox';
import { TrafficError } from '../server/traffic';
import { ScaffoldError } from '../scaffolds/errors';
import { OnnxFormatError } from '../sdk/onnx/read';
import { UsageError } from './usage';

export interface Failure {
  code: 1 | 2;
  lines: string[];
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

function rule<E extends Error>(type: ErrorClass<E>, describe: (error: E) => Failure): (error: unknown) => Failure | undefined {
  return (error) => (error instanceof type ? describe(error) : undefined);
}

const said = (error: Error): string => `aielab: ${error.message}`;

const RULES: ReadonlyArray<(error: unknown) => Failure | undefined> = [
  rule(UsageError, (e) => ({ code: 2, lines: [said(e), 'Run aielab --help for usage.'] })),
  rule(NotebookFormatError, (e) => ({ code: 2, lines: [`aielab: cannot read notebook ${e.message}`, 'The file was not changed.'] })),
  rule(ScaffoldError, (e) => ({ code: 2, lines: [said(e)] })),
  rule(PackError, (e) => ({ code: e.problems.length ? 1 : 2, lines: [said(e), ...e.problems.map((p) => `  ${p.where}: ${p.message}`)] })),
  rule(OnnxFormatError, (e) => ({ code: 1, lines: [said(e)] })),
  rule(SandboxUnavailable, (e) => ({ code: 2, lines: [said(e)] })),
  rule(TrafficError, (e) => ({ code: 2, lines: [said(e)] })),
  // node:util's parseArgs and node:fs say what went wrong by a code, not a class.
  (e) =>
    hasCode(e, (code) => code.startsWith('ERR_PARSE_ARGS')) ? { code: 2, lines: [said(e), 'Run aielab --help for usage.'] } : undefined,
  (e) => (hasCode(e, (code) => code === 'ENOENT') ? { code: 2, lines: [said(e)] } : undefined),
];

function hasCode(error: unknown, test: (code: string) => boolean): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && test(code);
}

/** The failure `error` is to a person at a terminal, or undefined for a bug (print its stack). */
export function describeFailure(error: unknown): Failure | undefined {
  for (const describe of RULES) {
    const failure = describe(error);
    if (failure) return failure;
  }
  return undefined;
}
