// Cell roles, kept in a cell's metadata as `role`: what a cell is for in a lab. An `exercise` is
// the code a learner writes (its `starter` is what "Reset exercise" restores); the `solution`,
// `hint` and `check` cells after it belong to it. Solutions are removed from the student release,
// hints are revealed one at a time, checks score the learner's work for `points`.
import type { Cell, Notebook } from '../contracts/notebook/format';
import type { JsonObject } from '../contracts/notebook/json';

export const ROLES = ['explanation', 'exercise', 'solution', 'check', 'hint'] as const;
export type Role = (typeof ROLES)[number];

/** Points a check cell is worth when its metadata does not say. */
export const DEFAULT_POINTS = 1;

export function roleOf(cell: { metadata: JsonObject }): Role | undefined {
  const role = cell.metadata.role;
  return typeof role === 'string' && (ROLES as readonly string[]).includes(role) ? (role as Role) : undefined;
}

export function pointsOf(cell: { metadata: JsonObject }): number {
  const points = cell.metadata.points;
  return typeof points === 'number' && points >= 0 ? points : DEFAULT_POINTS;
}

/** An exercise's starter code: recorded in its metadata by release, else the cell's own source. */
export function starterOf(cell: Cell): string {
  return typeof cell.metadata.starter === 'string' ? cell.metadata.starter : cell.source;
}

/** Hints not shown yet: the student release keeps them in the exercise's metadata. */
export function hiddenHintsOf(cell: { metadata: JsonObject }): string[] {
  const hints = cell.metadata.hints;
  return Array.isArray(hints) ? hints.filter((h): h is string => typeof h === 'string') : [];
}

export interface RoleProblem {
  cell: number;
  field: string;
  message: string;
}

/** What is wrong with the roles of a notebook's cells, each with the cell and field to fix. */
export function roleProblems(notebook: Notebook): RoleProblem[] {
  const problems: RoleProblem[] = [];
  let exercise = false;
  notebook.cells.forEach((cell, index) => {
    const role = cell.metadata.role;
    if (role === undefined) return;
    const problem = (field: string, message: string) => problems.push({ cell: index, field, message });
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      problem('role', `must be one of ${ROLES.map((r) => `"${r}"`).join(', ')}, found ${JSON.stringify(role)}`);
      return;
    }
    if ((role === 'exercise' || role === 'solution' || role === 'check') && cell.kind !== 'code')
      problem('role', `a ${role} cell must be a code cell`);
    if ((role === 'solution' || role === 'hint') && !exercise)
      problem('role', `a ${role} cell belongs to the exercise before it, and there is none`);
    if (role === 'exercise') exercise = true;
    if (
      role === 'check' &&
      cell.metadata.points !== undefined &&
      !(typeof cell.metadata.points === 'number' && cell.metadata.points >= 0)
    ) {
      problem('points', `must be a number of points, 0 or more, found ${JSON.stringify(cell.metadata.points)}`);
    }
    if (role === 'exercise' && cell.metadata.starter !== undefined && typeof cell.metadata.starter !== 'string')
      problem('starter', 'must be the starter code as a string');
  });
  return problems;
}
