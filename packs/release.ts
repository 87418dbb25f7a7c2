// `aielab pack release`: the student version of a pack. Solutions are removed, hints move into
// their exercise's metadata (revealed one at a time on request), exercises record their starter
// (for "Reset exercise"), outputs are cleared; checks stay as they are.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../contracts/notebook/files';
import { parseNotebook, serializeNotebook, type Cell, type Notebook } from '../contracts/notebook/format';
import { MANIFEST_FILE, type LabPack, type Problem } from './manifest';
import { roleOf, starterOf } from './roles';
import { validatePack } from './validate';

export class PackError extends Error {
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'PackError';
  }
}

export interface ReleaseSummary {
  notebooks: number;
  solutionsRemoved: number;
  hintsFolded: number;
}

export function releasePack(dir: string, out: string): ReleaseSummary {
  const source = resolve(dir);
  const target = resolve(out);
  if (target === source || source.startsWith(target + sep))
    throw new PackError(`cannot release into ${out}: it holds the pack itself; choose a new folder`);
  if (existsSync(target) && readdirSync(target).length)
    throw new PackError(`${out} already exists and is not empty; choose a new folder or remove it first`);
  const { pack, problems } = validatePack(source);
  if (!pack || problems.length) throw new PackError(`${dir} has problems to fix before it can be released`, problems);

  const skipped = new Set([
    target,
    ...(pack.release?.exclude ?? []).map((p) => resolve(source, p)),
    // Learners start their own journal.
    ...pack.modules.flatMap((m) => m.labs.flatMap((lab) => (lab.notes ? [resolve(source, lab.notes)] : []))),
  ]);
  cpSync(source, target, {
    recursive: true,
    filter: (path) => {
      const name = path.slice(path.lastIndexOf(sep) + 1);
      // Tracked runs (mlruns/) are what running the labs produced, not course material.
      return !skipped.has(path) && name !== 'node_modules' && name !== '.git' && name !== 'mlruns';
    },
  });

  const summary: ReleaseSummary = { notebooks: 0, solutionsRemoved: 0, hintsFolded: 0 };
  for (const file of notebooksUnder(target)) {
    const notebook = parseNotebook(readFileSync(file, 'utf8'), relative(target, file));
    const student = studentNotebook(notebook);
    summary.notebooks++;
    summary.solutionsRemoved += count(notebook, 'solution') - count(student, 'solution');
    summary.hintsFolded += count(notebook, 'hint') - count(student, 'hint');
    writeFileAtomic(file, serializeNotebook(student));
  }
  const manifest: LabPack = { ...pack, edition: 'student' };
  writeFileSync(join(target, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return summary;
}

/** The notebook a learner gets; `notebook` is not changed. */
export function studentNotebook(notebook: Notebook): Notebook {
  const cells: Cell[] = [];
  let exercise: Cell | undefined;
  for (const cell of notebook.cells) {
    const role = roleOf(cell);
    if (role === 'solution') continue;
    if (role === 'hint' && exercise) {
      const hints = Array.isArray(exercise.metadata.hints) ? exercise.metadata.hints : (exercise.metadata.hints = []);
      hints.push(cell.kind === 'markdown' ? cell.source : `\`\`\`${cell.language}\n${cell.source}\n\`\`\``);
      continue;
    }
    const copy: Cell =
      cell.kind === 'code' ? { ...cell, metadata: { ...cell.metadata }, outputs: [] } : { ...cell, metadata: { ...cell.metadata } };
    if (copy.kind === 'code') delete copy.executionCount;
    if (role === 'exercise') {
      copy.source = starterOf(cell);
      copy.metadata.starter = copy.source;
      if (Array.isArray(copy.metadata.hints)) copy.metadata.hints = [...copy.metadata.hints];
      exercise = copy;
    }
    cells.push(copy);
  }
  return { metadata: { ...notebook.metadata }, cells };
}

function count(notebook: Notebook, role: string): number {
  return notebook.cells.filter((c) => roleOf(c) === role).length;
}

function notebooksUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.aielab'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
