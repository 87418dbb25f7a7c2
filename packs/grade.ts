// `aielab pack grade`: runs each learner's notebooks headlessly with the pack's own checks and
// scores them. Checks come from the pack (a learner's edits to check cells, and any solution
// cells, are dropped), each learner runs in a fresh copy of the pack so one cannot affect
// another, and a crash or a timeout costs that lab's points instead of stopping the grading.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { runNotebook } from '../kernels/runner/runNotebook';
import { NotebookFormatError, parseNotebook, type Cell, type CodeCell, type Notebook } from '../contracts/notebook/format';
import { MIME, type CheckPayload } from '../contracts/mime';
import { allLabs, type Lab, type LabPack } from './manifest';
import { PackError } from './release';
import { pointsOf, roleOf } from './roles';
import { validatePack } from './validate';

export interface CheckGrade {
  cellId: string;
  title: string;
  score: number;
  max: number;
  items: CheckPayload['items'];
  /** Why the check gave no result: the error it stopped with, a timeout, a crash. */
  error?: string;
}

export interface LabGrade {
  id: string;
  title: string;
  score: number;
  max: number;
  status: 'graded' | 'missing' | 'unreadable';
  note?: string;
  checks: CheckGrade[];
  /** Errors raised by the learner's own cells, which usually explain failed checks. */
  errors: string[];
}

export interface LearnerGrade {
  learner: string;
  score: number;
  max: number;
  labs: LabGrade[];
}

export interface GradeOptions {
  /** Seconds a cell may run before it is stopped and graded as timed out. */
  cellTimeout: number;
  onProgress?(message: string): void;
}

export interface Gradebook {
  pack: LabPack;
  /** The labs that have checks, in pack order. */
  labs: Array<{ id: string; title: string; max: number }>;
  learners: LearnerGrade[];
}

interface GradedLab {
  lab: Lab;
  notebook: Notebook;
  checks: Cell[];
}

export async function gradePack(packDir: string, submissions: readonly string[], options: GradeOptions): Promise<Gradebook> {
  const root = resolve(packDir);
  const { pack, problems, notebooks } = validatePack(root);
  if (!pack || problems.length) throw new PackError(`${packDir} has problems to fix before it can grade`, problems);
  const graded: GradedLab[] = allLabs(pack).flatMap(({ lab }) => {
    const notebook = notebooks.get(lab.id);
    const checks = notebook?.cells.filter((c) => roleOf(c) === 'check') ?? [];
    return notebook && checks.length ? [{ lab, notebook, checks }] : [];
  });
  if (!graded.length) throw new PackError(`${packDir} has no check cells to grade with: mark cells with "role": "check" in their metadata`);

  const learners: LearnerGrade[] = [];
  for (const [learner, files] of groupSubmissions(submissions, graded)) {
    options.onProgress?.(`grading ${learner}`);
    const workspace = copyPack(root);
    try {
      const labs: LabGrade[] = [];
      for (const entry of graded)
        labs.push(await gradeLab(entry, files.get(entry.lab.id), join(workspace, entry.lab.notebook as string), options));
      learners.push({ learner, labs, score: round(sum(labs.map((l) => l.score))), max: sum(labs.map((l) => l.max)) });
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  }
  return { pack, labs: graded.map(({ lab, checks }) => ({ id: lab.id, title: lab.title, max: sum(checks.map(pointsOf)) })), learners };
}

/** Learner → lab id → their notebook file. A folder is one learner's copy of the pack; a file is
 * one lab, found by the check cells it shares with the pack, and its learner is its folder. */
function groupSubmissions(submissions: readonly string[], graded: readonly GradedLab[]): Map<string, Map<string, string>> {
  const byLearner = new Map<string, Map<string, string>>();
  const add = (learner: string, labId: string, file: string) => {
    const labs = byLearner.get(learner) ?? new Map<string, string>();
    labs.set(labId, file);
    byLearner.set(learner, labs);
  };
  for (const submission of submissions) {
    const path = resolve(submission);
    if (!existsSync(path)) throw new PackError(`${submission} does not exist`);
    if (statSync(path).isDirectory()) {
      byLearner.set(basename(path), byLearner.get(basename(path)) ?? new Map());
      for (const { lab } of graded) add(basename(path), lab.id, join(path, lab.notebook as string));
      continue;
    }
    if (!path.endsWith('.aielab')) throw new PackError(`${submission} is neither a folder nor an .aielab notebook`);
    const lab = matchLab(path, graded);
    if (!lab)
      throw new PackError(
        `${submission} matches no lab of the pack: it has none of the pack's check cells and no lab notebook has its file name`,
      );
    add(basename(dirname(path)), lab.id, path);
  }
  return byLearner;
}

function matchLab(file: string, graded: readonly GradedLab[]): Lab | undefined {
  let ids: Set<string>;
  try {
    ids = new Set(parseNotebook(readFileSync(file, 'utf8')).cells.map((c) => c.id));
  } catch {
    ids = new Set();
  }
  const shared = (entry: GradedLab) => entry.checks.filter((c) => ids.has(c.id)).length;
  const best = [...graded].sort((a, b) => shared(b) - shared(a))[0];
  if (best && shared(best) > 0) return best.lab;
  return graded.find(({ lab }) => basename(lab.notebook as string) === basename(file))?.lab;
}

async function gradeLab(
  { lab, notebook: packNotebook, checks }: GradedLab,
  file: string | undefined,
  runAt: string,
  options: GradeOptions,
): Promise<LabGrade> {
  const max = sum(checks.map(pointsOf));
  const base = { id: lab.id, title: lab.title, score: 0, max, checks: [], errors: [] };
  if (!file || !existsSync(file)) return { ...base, status: 'missing', note: `not submitted (${lab.notebook} not found)` };
  let submitted: Notebook;
  try {
    submitted = parseNotebook(readFileSync(file, 'utf8'));
  } catch (err) {
    if (!(err instanceof NotebookFormatError)) throw err;
    return { ...base, status: 'unreadable', note: `the notebook cannot be read: ${err.where}: ${err.problem}` };
  }
  const notebook = gradedNotebook(packNotebook, submitted);
  options.onProgress?.(`  ${lab.id}: running ${notebook.cells.filter((c) => c.kind === 'code').length} cells`);
  await runNotebook(notebook, { notebookPath: runAt, allowErrors: true, cellTimeout: options.cellTimeout });

  const checkIds = new Set(checks.map((c) => c.id));
  const grades = checks.map((check, k) =>
    gradeCheck(
      check,
      notebook.cells.find((c): c is CodeCell => c.id === check.id && c.kind === 'code'),
      k,
    ),
  );
  const errors = notebook.cells.flatMap((cell, index) => {
    if (cell.kind !== 'code' || checkIds.has(cell.id)) return [];
    const error = cell.outputs.find((o) => o.kind === 'error');
    return error?.kind === 'error'
      ? [`Cell ${index + 1}${roleOf(cell) ? ` (${roleOf(cell)})` : ''}: ${error.name}: ${firstLine(error.message)}`]
      : [];
  });
  return { ...base, status: 'graded', score: round(sum(grades.map((g) => g.score))), checks: grades, errors };
}

/** The learner's notebook with the pack's check cells in place of theirs and no solutions. */
export function gradedNotebook(pack: Notebook, submitted: Notebook): Notebook {
  const packChecks = new Map(pack.cells.filter((c) => roleOf(c) === 'check').map((c) => [c.id, c]));
  const packRoles = new Map(pack.cells.map((c) => [c.id, roleOf(c)]));
  const cells: Cell[] = [];
  for (const cell of submitted.cells) {
    const packCheck = packChecks.get(cell.id);
    if (packCheck) cells.push(structuredClone(packCheck));
    else if (roleOf(cell) !== 'check' && roleOf(cell) !== 'solution' && packRoles.get(cell.id) !== 'solution')
      cells.push(structuredClone(cell));
  }
  // A check the learner deleted still runs, after the last cell before it in the pack.
  pack.cells.forEach((cell, index) => {
    if (!packChecks.has(cell.id) || cells.some((c) => c.id === cell.id)) return;
    const before = pack.cells
      .slice(0, index)
      .reverse()
      .find((c) => cells.some((x) => x.id === c.id));
    const at = before ? cells.findIndex((c) => c.id === before.id) + 1 : 0;
    cells.splice(at, 0, structuredClone(cell));
  });
  return { metadata: structuredClone(submitted.metadata), cells };
}

function gradeCheck(check: Cell, ran: CodeCell | undefined, index: number): CheckGrade {
  const max = pointsOf(check);
  const results = (ran?.outputs ?? []).flatMap((o) =>
    (o.kind === 'display' || o.kind === 'result') && o.data[MIME.check] ? [o.data[MIME.check] as CheckPayload] : [],
  );
  const items = results.flatMap((r) => r.items);
  const title = results.find((r) => r.title)?.title ?? commentTitle(check.source) ?? `Check ${index + 1}`;
  const error = ran?.outputs.find((o) => o.kind === 'error');
  const why =
    ran?.executionCount === undefined
      ? 'did not run'
      : error?.kind === 'error' && error.name !== 'CheckFailed'
        ? `${error.name}: ${firstLine(error.message)}`
        : undefined;
  // A check written with plain asserts instead of checks() is one check: it passes if it ran cleanly.
  const passed = items.length ? items.filter((i) => i.passed).length / items.length : why ? 0 : 1;
  return { cellId: check.id, title, score: round(max * passed), max, items, ...(why ? { error: why } : {}) };
}

function commentTitle(source: string): string | undefined {
  const first = source.split('\n').find((l) => l.trim());
  const comment = first?.match(/^\s*\/\/\s*(.+)$/);
  return comment?.[1]?.trim();
}

/** A private copy of the pack to run in; its installed packages are shared, not copied. */
function copyPack(root: string): string {
  const workspace = mkdtempSync(join(tmpdir(), 'aielab-grade-'));
  cpSync(root, workspace, { recursive: true, filter: (path) => !/[\\/](node_modules|\.git)$/.test(path) });
  const modules = join(root, 'node_modules');
  if (existsSync(modules)) symlinkSync(modules, join(workspace, 'node_modules'), 'dir');
  return workspace;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
