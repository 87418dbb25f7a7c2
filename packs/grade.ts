// `aielab pack grade`: runs each learner's notebooks headlessly with the pack's own checks and
// scores them, the way trusted autograders do:
// - each learner runs in a fresh copy of the *released* pack (no solutions on disk), isolated
//   (sandbox.ts) from the instructor's files, the other submissions and the grader;
// - checks come from the pack (a learner's edits to check cells, and any solution cells, are
//   dropped) and run as trusted cells: a score is computed from the verdict the kernel reports
//   for them over a channel the notebook cannot reach, never from what the notebook printed;
// - a crash, a timeout or a flood costs that lab's points instead of stopping the grading, and
//   every copy is removed whatever happens.
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { runNotebook, type Verdict } from '../kernels/runner/runNotebook';
import { NotebookFormatError, parseNotebook, type Cell, type CodeCell, type Notebook } from '../contracts/notebook/format';
import type { CheckPayload } from '../contracts/mime';
import { allLabs, type Lab, type LabPack } from './manifest';
import { PackError, releasePack } from './release';
import { pointsOf, roleOf } from './roles';
import { executeOnlyNode, requireBubblewrap, sandboxFor, WORKSPACE_HOME, WORKSPACE_TMP } from './sandbox';
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
  /** Run submissions without bubblewrap (trusted ones only): Node's permission model still applies. */
  noSandbox?: boolean;
  /** Aborted: the running notebook is stopped and no further learner is graded. */
  signal?: AbortSignal;
  onProgress?(message: string): void;
  /** After each learner: the gradebook so far, so that it is on disk whatever happens next. */
  onLearner?(book: Gradebook): void;
}

/** The product's folder: the CLI and its kernel are dist/*.js. */
const PRODUCT = dirname(__dirname);

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

  if (!options.noSandbox) requireBubblewrap();
  const labs = graded.map(({ lab, checks }) => ({ id: lab.id, title: lab.title, max: sum(checks.map(pointsOf)) }));
  const byLearner = groupSubmissions(submissions, graded);
  const book: Gradebook = { pack, labs, learners: [] };
  const temp = mkdtempSync(join(tmpdir(), 'aielab-grade-'));
  try {
    // One release for everyone; each learner gets a copy of it, never of the instructor's pack.
    const released = join(temp, 'released');
    releasePack(root, released);
    const node = options.noSandbox ? undefined : executeOnlyNode(temp);
    let n = 0;
    for (const [learner, files] of byLearner) {
      if (options.signal?.aborted) break;
      options.onProgress?.(`grading ${learner}`);
      const workspace = join(temp, `learner-${++n}`, basename(root));
      cpSync(released, workspace, { recursive: true });
      for (const folder of [WORKSPACE_HOME, WORKSPACE_TMP]) mkdirSync(join(workspace, folder));
      // Without bubblewrap the pack's packages are linked in; the permission model keeps writes out of them.
      const packModules = join(root, 'node_modules');
      if (options.noSandbox && existsSync(packModules)) symlinkSync(packModules, join(workspace, 'node_modules'), 'dir');
      try {
        const labGrades: LabGrade[] = [];
        for (const entry of graded)
          labGrades.push(await gradeLab(entry, files.get(entry.lab.id), { root, workspace, ...(node ? { node } : {}) }, options));
        book.learners.push({
          learner,
          labs: labGrades,
          score: round(sum(labGrades.map((l) => l.score))),
          max: sum(labGrades.map((l) => l.max)),
        });
      } finally {
        rmSync(dirname(workspace), { recursive: true, force: true });
      }
      options.onLearner?.(book);
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return book;
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
  where: { root: string; workspace: string; node?: string },
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
  const checkIds = new Set(checks.map((c) => c.id));
  const packModules = join(where.root, 'node_modules');
  const sandbox = sandboxFor(
    {
      workspace: where.workspace,
      product: PRODUCT,
      ...(existsSync(packModules) ? { packModules } : {}),
      ...(where.node ? { node: where.node } : {}),
    },
    { bubblewrap: !options.noSandbox },
  );
  const run = await runNotebook(notebook, {
    notebookPath: join(where.workspace, lab.notebook as string),
    allowErrors: true,
    cellTimeout: options.cellTimeout,
    trustedCells: checkIds,
    ...(options.signal ? { signal: options.signal } : {}),
    kernel: {
      runtime: sandbox.runtime,
      runtimeArgs: sandbox.nodeFlags,
      env: sandbox.env,
      isolated: { sandbox: sandbox.command, token: randomBytes(24).toString('base64url') },
    },
  });
  const grades = checks.map((check, k) =>
    gradeCheck(
      check,
      run.verdicts.get(check.id),
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

/** Points come from the verdict alone; the cell's outputs only explain a missing one. */
function gradeCheck(check: Cell, verdict: Verdict | undefined, ran: CodeCell | undefined, index: number): CheckGrade {
  const max = pointsOf(check);
  const results = verdict?.results ?? [];
  const items = results.flatMap((r) => r.items);
  const title = results.find((r) => r.title)?.title ?? commentTitle(check.source) ?? `Check ${index + 1}`;
  const why = verdict ? verdict.error : missingVerdict(ran);
  // A check written with plain asserts instead of checks() is one check: it passes if it ran cleanly.
  const passed = items.length ? items.filter((i) => i.passed).length / items.length : why ? 0 : 1;
  return { cellId: check.id, title, score: round(max * passed), max, items, ...(why ? { error: why } : {}) };
}

function missingVerdict(ran: CodeCell | undefined): string {
  if (ran?.executionCount === undefined) return 'did not run';
  const error = ran.outputs.findLast((o) => o.kind === 'error');
  return error?.kind === 'error' ? `${error.name}: ${firstLine(error.message)}` : 'its kernel stopped before the check finished';
}

function commentTitle(source: string): string | undefined {
  const first = source.split('\n').find((l) => l.trim());
  const comment = first?.match(/^\s*\/\/\s*(.+)$/);
  return comment?.[1]?.trim();
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
