// The built `aielab` command (dist/cli.js), run the way a terminal runs it, and the notebooks it
// reads and writes.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseNotebook, serializeNotebook, type Notebook } from '../../contracts/notebook/format';
import { CLI, ROOT } from './paths';

export const LABS = join(ROOT, 'labs');

/** Runs `aielab …args` to the end; a whole pack's grading can take many minutes. */
export function aielab(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 1_200_000 });
}

export function readNotebook(path: string): Notebook {
  return parseNotebook(readFileSync(path, 'utf8'));
}

export function writeNotebook(path: string, notebook: Notebook): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, serializeNotebook(notebook));
}
