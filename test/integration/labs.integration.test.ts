// Every lab in labs/ runs top to bottom without an error, and its solutions get full marks from its
// own checks. One `aielab pack grade` shows both: the learner it grades hands in every lab as the
// pack has it, each exercise's starter run in a cell of its own and the exercise answered with the
// pack's solution where the solution cell was, so the graded run is the lab's cells in their order.
// (test/integration/pack.integration.test.ts grades wrong, crashing and slow answers.)
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { findNotebooks } from '../../contracts/notebook/files';
import type { Cell, Notebook } from '../../contracts/notebook/format';
import type { LabGrade, LearnerGrade } from '../../packs/grade';
import { allLabs, type LabPack } from '../../packs/manifest';
import { aielab, LABS, readNotebook, writeNotebook } from '../helpers/aielabCli';

/** The lab handed in after running it top to bottom: each exercise's starter stays as a cell of
 * the learner's own, and the exercise cell, holding the solution, takes the solution cell's place. */
function handedIn(lab: Notebook): Notebook {
  const cells: Cell[] = [];
  let exercise: Cell | undefined;
  for (const cell of lab.cells) {
    if (cell.metadata.role === 'exercise') {
      exercise = cell;
      cells.push({ ...cell, id: `${cell.id}-starter`, metadata: {} });
    } else if (cell.metadata.role === 'solution' && exercise) {
      cells.push({ ...exercise, source: cell.source });
      exercise = undefined;
    } else cells.push(cell);
  }
  return { ...lab, cells };
}

describe('the lab pack in labs/', () => {
  it('runs every lab top to bottom without an error, and its solutions get full marks from its checks', function () {
    this.timeout(1_500_000);
    const work = mkdtempSync(join(tmpdir(), 'aielab-labs-'));
    try {
      const notebooks = findNotebooks(LABS).map((path) => relative(LABS, path));
      assert.ok(notebooks.length >= 1);
      const solutions = join(work, 'solutions');
      for (const lab of notebooks) writeNotebook(join(solutions, lab), handedIn(readNotebook(join(LABS, lab))));
      // No cell of a lab comes near ten minutes; the limit only turns a hung cell into a failure.
      const ran = aielab('pack', 'grade', LABS, solutions, '--out', join(work, 'grades'), '--cell-timeout', '600');
      assert.equal(ran.status, 0, ran.stdout + ran.stderr);
      const book = JSON.parse(readFileSync(join(work, 'grades', 'gradebook.json'), 'utf8')) as {
        labs: Array<{ id: string; max: number }>;
        learners: LearnerGrade[];
      };
      const [learner] = book.learners;
      assert.ok(learner);
      const maxes = book.labs.map((l) => l.max);
      const total = maxes.reduce((a, b) => a + b, 0);
      assert.equal(
        readFileSync(join(work, 'grades', 'gradebook.csv'), 'utf8')
          .trim()
          .split('\n')[1],
        `solutions,${maxes.join(',')},${total},${total}`,
        'the solutions get full marks',
      );

      const pack = JSON.parse(readFileSync(join(LABS, 'labpack.json'), 'utf8')) as LabPack;
      const notebookOf = new Map(allLabs(pack).map(({ lab }) => [lab.id, lab.notebook]));
      const graded = new Set(book.labs.map((l) => notebookOf.get(l.id)));
      for (const { id } of book.labs) {
        const lab = notebookOf.get(id) as string;
        const grade: LabGrade | undefined = learner.labs.find((l) => l.id === id);
        assert.ok(grade?.status === 'graded', `${lab}: graded`);
        const codeCells = readNotebook(join(LABS, lab)).cells.filter((c) => c.kind === 'code').length;
        assert.match(
          ran.stderr,
          new RegExp(`^ {2}${id}: running ${codeCells} cells$`, 'm'),
          `${lab}: each of its ${codeCells} code cells ran`,
        );
        assert.deepEqual(grade.errors, [], `${lab}: no cell has an error`);
        for (const check of grade.checks)
          assert.ok(
            check.score === check.max && !check.error,
            `${lab}: ${check.title} ${check.score} / ${check.max}${check.error ? `, stopped: ${check.error}` : ''}`,
          );
      }

      // A notebook without check cells is not graded: it runs as `aielab run` runs it.
      const ungraded = notebooks.filter((lab) => !graded.has(lab));
      if (ungraded.length) {
        const out = join(work, 'ungraded');
        const plain = aielab('run', ...ungraded.map((lab) => join(LABS, lab)), '--out', out, '--quiet');
        assert.equal(plain.status, 0, plain.stdout + plain.stderr);
        for (const lab of ungraded) {
          for (const cell of readNotebook(join(out, basename(lab))).cells) {
            if (cell.kind !== 'code') continue;
            assert.ok(cell.executionCount, `${lab}: ${cell.id} ran`);
            assert.ok(!cell.outputs.some((o) => o.kind === 'error'), `${lab}: ${cell.id} has no error`);
          }
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
