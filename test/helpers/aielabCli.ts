// The built `aielab` command (dist/cli.js), run the way a terminal runs it, and the notebooks it
// reads and writes.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseNotebook, serializeNotebook, type Notebook } from '../../contracts/notebook/format';
import { CLI, ROOT } from './paths';

export const LABS = join(ROOT, 'labs');

export interface CliRun extends SpawnSyncReturns<string> {
  /** How long the command took, start to end. */
  seconds: number;
}

export interface CliOptions {
  cwd?: string;
  timeoutMs?: number;
  /** The command's whole environment (this process's when not given). */
  env?: NodeJS.ProcessEnv;
}

/** Runs `aielab args` in `cwd` to the end, or until `timeoutMs` (then it is killed). */
export function runCli(args: readonly string[], { cwd = ROOT, timeoutMs = 60_000, env = process.env }: CliOptions = {}): CliRun {
  const started = Date.now();
  const ran = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: timeoutMs, env, maxBuffer: 64 * 1024 * 1024 });
  return { ...ran, seconds: (Date.now() - started) / 1000 };
}

/** Runs `aielab …args` to the end; a whole pack's grading can take many minutes. */
export function aielab(...args: string[]): CliRun {
  return runCli(args, { timeoutMs: 1_200_000 });
}

export function readNotebook(path: string): Notebook {
  return parseNotebook(readFileSync(path, 'utf8'));
}

export function writeNotebook(path: string, notebook: Notebook): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, serializeNotebook(notebook));
}
