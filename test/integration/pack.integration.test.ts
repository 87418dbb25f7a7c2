// The instructor's path from a terminal: validate the curriculum pack, break a copy, release the
// student version and grade submissions of Module 1 that are right, wrong, crashing and too slow.
import { strict as assert } from 'node:assert';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Notebook } from '../../contracts/notebook/format';
import type { LearnerGrade } from '../../packs/grade';
import { aielab, LABS, readNotebook, writeNotebook } from '../helpers/aielabCli';
import { code, manifest, writePack } from '../helpers/packs';

const L1 = 'module-1-foundations/lab-01-ai-lifecycle.aielab';
const L2 = 'module-1-foundations/lab-02-tooling-landscape.aielab';
const M2L1 = 'module-2-data-science/lab-01-data-exploration.aielab';
const M2L2 = 'module-2-data-science/lab-02-classical-ml.aielab';
const M2L3 = 'module-2-data-science/lab-03-text-classification.aielab';
const L5 = 'module-2-data-science/lab-05-evaluation-metrics.aielab';
const M2L4 = 'module-2-data-science/lab-04-model-optimisation.aielab';
const M2L6 = 'module-2-data-science/lab-06-model-debugging.aielab';
const M2L7 = 'module-2-data-science/lab-07-quality-across-labels.aielab';
const M3L1 = 'module-3-ai-engineering/lab-01-model-packaging.aielab';
const M3L2 = 'module-3-ai-engineering/lab-02-inference-api.aielab';
const M3L4 = 'module-3-ai-engineering/lab-04-model-versioning.aielab';
const M3L5 = 'module-3-ai-engineering/lab-05-monitoring-drift.aielab';
const PROJECT = 'project/first-ml-pipeline.aielab';
const GRADED = [L1, L2, M2L1, M2L2, M2L3, M2L4, L5, M2L6, M2L7, M3L1, M3L2, M3L4, M3L5, PROJECT];

/** The released notebook with every exercise answered by the pack's own solution. */
function solved(released: Notebook, pack: Notebook): Notebook {
  const solutions = new Map<string, string>();
  pack.cells.forEach((cell, i) => {
    if (cell.metadata.role !== 'exercise') return;
    const solution = pack.cells.slice(i + 1).find((c) => c.metadata.role === 'solution' || c.metadata.role === 'exercise');
    if (solution?.metadata.role === 'solution') solutions.set(cell.id, solution.source);
  });
  return { ...released, cells: released.cells.map((c) => (solutions.has(c.id) ? { ...c, source: solutions.get(c.id) as string } : c)) };
}

function withExercise(notebook: Notebook, index: number, edit: (source: string) => string): Notebook {
  const exercises = notebook.cells.filter((c) => c.metadata.role === 'exercise');
  const target = exercises[index];
  return { ...notebook, cells: notebook.cells.map((c) => (c === target ? { ...c, source: edit(c.source) } : c)) };
}

describe('aielab pack on the curriculum', function () {
  // Grading starts a kernel for each lab a learner handed in.
  this.timeout(600_000);
  let work = '';
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'aielab-packs-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('validates labs/, listing every curriculum lab and the ones still planned', () => {
    const ran = aielab('pack', 'validate', LABS);
    assert.equal(ran.status, 0, ran.stderr);
    assert.match(ran.stdout, /is valid: 6 modules, 22 labs \(14 written, 7 planned, 1 journal\)/);
    assert.match(ran.stdout, /planned: m2-l8 Fine-tuning a language model with LoRA/);
    const pack = JSON.parse(readFileSync(join(LABS, 'labpack.json'), 'utf8')) as { modules: Array<{ labs: Array<{ id: string }> }> };
    const ids = pack.modules.flatMap((m) => m.labs.map((l) => l.id));
    const expected = [
      'm1-l1',
      'm1-l2',
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `m2-l${n}`),
      ...[1, 2, 3, 4, 5].map((n) => `m3-l${n}`),
      ...[1, 2, 3, 4, 5].map((n) => `m4-l${n}`),
      'pipeline-project',
      'lab-notes',
    ];
    assert.deepEqual(ids, expected);
  });

  it('fails usefully on a broken copy, naming each problem and where it is', () => {
    const broken = join(work, 'broken');
    cpSync(LABS, broken, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(broken, 'labpack.json'), 'utf8'));
    manifest.modules[1].labs[0].id = 'm1-l1';
    manifest.modules[0].labs[1].minutes = 'soon';
    manifest.datasets.push({ path: 'data/titanic.csv', source: 'nowhere', license: 'CC BY 4.0' });
    writeFileSync(join(broken, 'labpack.json'), JSON.stringify(manifest, null, 2));
    let ran = aielab('pack', 'validate', broken);
    assert.equal(ran.status, 1);
    assert.match(ran.stderr, /labpack.json: modules\[0\].labs\[1\].minutes: must be a whole number/);
    manifest.modules[0].labs[1].minutes = 45;
    writeFileSync(join(broken, 'labpack.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(broken, L2), readFileSync(join(broken, L2), 'utf8').replace('"kind": "code"', '"kind": "cod"'));
    ran = aielab('pack', 'validate', broken);
    assert.equal(ran.status, 1);
    assert.match(ran.stderr, /labpack.json: modules\[1\].labs\[0\].id: "m1-l1" is already the id of modules\[0\].labs\[0\]/);
    assert.match(ran.stderr, /labpack.json: datasets\[\d+\].path: data\/titanic.csv does not exist in the pack/);
    assert.match(
      ran.stderr,
      /module-1-foundations\/lab-02-tooling-landscape.aielab: cells\[\d+\].kind: must be "code" or "markdown", found "cod"/,
    );
    assert.match(ran.stderr, /labpack.json: modules\[1\].labs\[1\].prerequisites\[0\]: no lab has the id "m2-l1"/);
    assert.match(ran.stderr, /4 problems\.$/m);
  });

  it('releases the pack and grades right, wrong, crashing and slow submissions with the pack’s checks', () => {
    const student = join(work, 'student');
    let ran = aielab('pack', 'release', LABS, student);
    assert.equal(ran.status, 0, ran.stderr);
    assert.match(ran.stdout, /solution cells removed/);
    for (const lab of GRADED) assert.ok(!readNotebook(join(student, lab)).cells.some((c) => c.metadata.role === 'solution'));

    // Each learner hands in only the labs their kind of answer needs, in the short labs of module 1
    // (and lab 5 of module 2, for its feedback): every lab's solutions are graded once, in
    // labs.integration.test.ts, so none is run again here.
    const subs = join(work, 'submissions');
    const learner = (name: string, labs: Record<string, (released: Notebook, pack: Notebook) => Notebook>) => {
      for (const [lab, edit] of Object.entries(labs))
        writeNotebook(join(subs, name, lab), edit(readNotebook(join(student, lab)), readNotebook(join(LABS, lab))));
      return join(subs, name);
    };
    // Wrong answers, and a check cell edited to pass: checks come from the pack.
    const wrong = (released: Notebook) => ({
      ...released,
      cells: released.cells.map((c) => (c.metadata.role === 'check' ? { ...c, source: 'true' } : c)),
    });
    const bob = learner('bob', { [L1]: wrong, [L2]: wrong, [L5]: wrong });
    const cy = learner('cy', {
      [L1]: (released, pack) => withExercise(solved(released, pack), 0, (s) => `${s}\nprocess.exit(1);`),
      [L2]: solved,
    });
    const dee = learner('dee', {
      [L1]: solved,
      [L2]: (released, pack) => withExercise(solved(released, pack), 2, (s) => `while (true) {}\n${s}`),
    });
    const fay = learner('fay', { [L1]: solved });
    writeFileSync(join(fay, L2), '{ "aielab": 1, "cells": [');
    // One lab handed in as a file, in a folder named after the learner.
    mkdirSync(join(subs, 'eve'));
    writeNotebook(join(subs, 'eve', 'my-lab-1.aielab'), solved(readNotebook(join(student, L1)), readNotebook(join(LABS, L1))));

    const out = join(work, 'grades');
    // Module 1's cells take well under a second; a short limit keeps dee's endless loop short.
    ran = aielab('pack', 'grade', LABS, bob, cy, dee, fay, join(subs, 'eve', 'my-lab-1.aielab'), '--out', out, '--cell-timeout', '10');
    assert.equal(ran.status, 0, ran.stderr);
    const book = JSON.parse(readFileSync(join(out, 'gradebook.json'), 'utf8')) as {
      labs: Array<{ id: string; max: number }>;
      learners: LearnerGrade[];
    };
    assert.deepEqual(
      book.labs.map((l) => l.id),
      [
        'm1-l1',
        'm1-l2',
        'm2-l1',
        'm2-l2',
        'm2-l3',
        'm2-l4',
        'm2-l5',
        'm2-l6',
        'm2-l7',
        'm3-l1',
        'm3-l2',
        'm3-l4',
        'm3-l5',
        'pipeline-project',
      ],
    );
    const maxes = book.labs.map((l) => l.max);
    const [maxL1, maxL2] = maxes as [number, number];
    const total = maxes.reduce((a, b) => a + b, 0);
    const grade = (name: string) => book.learners.find((l) => l.learner === name) as LearnerGrade;
    const lab = (name: string, id: string) => grade(name).labs.find((l) => l.id === id);
    const csv = readFileSync(join(out, 'gradebook.csv'), 'utf8').trim().split('\n');
    assert.equal(
      csv[0],
      'learner,m1-l1,m1-l2,m2-l1,m2-l2,m2-l3,m2-l4,m2-l5,m2-l6,m2-l7,m3-l1,m3-l2,m3-l4,m3-l5,pipeline-project,total,max',
    );
    assert.equal(
      csv.find((row) => row.startsWith('eve,')),
      `eve,${maxL1},${maxes
        .slice(1)
        .map(() => 0)
        .join(',')},${maxL1},${total}`,
      'a lab not handed in scores 0 of the total',
    );

    const bobGraded = grade('bob').labs.filter((l) => l.status === 'graded');
    assert.deepEqual(
      bobGraded.map((l) => l.id),
      ['m1-l1', 'm1-l2', 'm2-l5'],
    );
    const [bobScore, bobMax] = [bobGraded.reduce((n, l) => n + l.score, 0), bobGraded.reduce((n, l) => n + l.max, 0)];
    assert.ok(bobScore < bobMax / 2, `bob: ${bobScore} / ${bobMax}`);
    const bobFeedback = readFileSync(join(out, 'feedback', 'bob.md'), 'utf8');
    assert.match(bobFeedback, /✗ the second model reaches the target accuracy: test accuracy: expected at least 0.9, got 0.8/);
    assert.match(bobFeedback, /✗ 1. why the scaler sees the training set only: question 1 has no answer yet/);
    assert.match(
      bobFeedback,
      /✗ tracking tools, sorted: toolsFor\('tracking'\): expected \[ 'DVC', 'MLflow', 'Weights & Biases' \], got \[\]/,
    );
    assert.match(bobFeedback, /✗ precision matches metrics.precision: myPrecision: expected a number within 1e-12 of 0\.95\d*, got 0/);

    assert.ok(lab('cy', 'm1-l1')!.score < maxL1 && lab('cy', 'm1-l2')!.score === maxL2);
    assert.match(readFileSync(join(out, 'feedback', 'cy.md'), 'utf8'), /Cell \d+ \(exercise\): KernelDied: The kernel exited with code 1/);
    assert.ok(lab('dee', 'm1-l2')!.score < maxL2 && lab('dee', 'm1-l1')!.score === maxL1);
    const deeFeedback = readFileSync(join(out, 'feedback', 'dee.md'), 'utf8');
    assert.match(deeFeedback, /Cell \d+ \(exercise\): Timeout: Cell \d+ ran longer than the 10 s cell timeout/);
    assert.match(
      deeFeedback,
      /✗ \*\*Check: a stack for the classifier\*\* \(0 \/ 3\)\n {2}- stopped: TypeError: Cannot read properties of undefined/,
    );
    assert.equal(lab('eve', 'm1-l1')!.score, maxL1);
    assert.equal(lab('eve', 'm1-l2')!.status, 'missing');
    assert.equal(lab('fay', 'm1-l1')!.score, maxL1);
    assert.match(
      readFileSync(join(out, 'feedback', 'fay.md'), 'utf8'),
      /## m1-l2 AI tooling landscape: 0 \/ 8\n\nthe notebook cannot be read: line 1, column 26: not valid JSON/,
    );
  });

  it('grades check cells written with plain asserts: clean is full marks, a failed assert is none', () => {
    const cells = [
      code('ex', 'const answer = 0;', { role: 'exercise' }),
      code('check', "import assert from 'node:assert/strict';\nassert.equal(answer, 42, 'the answer is 42');", {
        role: 'check',
        points: 3,
      }),
    ];
    const pack = writePack(manifest(), cells);
    try {
      const right = join(work, 'asserts', 'right');
      const wrong = join(work, 'asserts', 'wrong');
      for (const [dir, source] of [
        [right, 'const answer = 42;'],
        [wrong, 'const answer = 41;'],
      ] as const) {
        mkdirSync(join(dir, 'm1'), { recursive: true });
        writeNotebook(join(dir, 'm1', 'lab-1.aielab'), { metadata: {}, cells: [{ ...cells[0]!, source }, cells[1]!] });
      }
      const out = join(work, 'asserts', 'grades');
      const ran = aielab('pack', 'grade', pack, right, wrong, '--out', out);
      assert.equal(ran.status, 0, ran.stderr);
      assert.equal(readFileSync(join(out, 'gradebook.csv'), 'utf8'), 'learner,m1-l1,total,max\nright,3,3,3\nwrong,0,0,3\n');
      assert.match(readFileSync(join(out, 'feedback', 'wrong.md'), 'utf8'), /stopped: AssertionError: the answer is 42/);
    } finally {
      rmSync(pack, { recursive: true, force: true });
    }
  });

  it('shows a failed check as its result and one line, with no stack trace', () => {
    const ran = aielab('run', join(work, 'student', L1), '--out', join(work, 'starter.aielab'), '--quiet');
    assert.equal(ran.status, 1);
    const checkCell = readNotebook(join(work, 'starter.aielab')).cells.find((c) => c.metadata.role === 'check');
    assert.ok(checkCell?.kind === 'code');
    const error = checkCell.outputs.find((o) => o.kind === 'error');
    assert.equal(
      error?.kind === 'error' && error.stack,
      'CheckFailed: 2 of 3 checks failed. Fix the exercise above, run it, then run this cell again.',
    );
    assert.ok(checkCell.outputs.some((o) => o.kind === 'display' && o.data['application/vnd.aielab.check+json']));
  });
});
