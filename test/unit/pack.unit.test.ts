import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNotebook, serializeNotebook } from '../../contracts/notebook/format';
import { gradedNotebook } from '../../packs/grade';
import { feedbackMarkdown, gradebookCsv } from '../../packs/gradebook';
import { ManifestError, parseManifest } from '../../packs/manifest';
import { PackError, releasePack, studentNotebook } from '../../packs/release';
import { ScaffoldError } from '../../scaffolds/errors';
import { roleProblems } from '../../packs/roles';
import { scaffoldPack } from '../../scaffolds/labPack';
import { validatePack } from '../../packs/validate';
import { packCommand } from '../../cli/pack';
import { code, LAB_CELLS, manifest, md, writePack } from '../helpers/packs';

function manifestProblems(json: unknown): string[] {
  try {
    parseManifest(JSON.stringify(json));
  } catch (err) {
    if (err instanceof ManifestError) return err.problems.map((p) => `${p.where}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('labpack.json', () => {
  it('accepts a complete manifest', () => {
    assert.deepEqual(manifestProblems(manifest()), []);
  });

  it('names every field that is wrong, by its path', () => {
    const pack = manifest() as unknown as Record<string, unknown>;
    delete pack.title;
    pack.licence = 'MIT';
    const broken = {
      ...pack,
      version: 'one',
      modules: [{ id: 'M 1', title: 'x', labs: [{ id: 'a', title: 'A', minutes: 0, notebook: '/abs/lab.aielab' }] }],
    };
    assert.deepEqual(manifestProblems(broken).sort(), [
      'labpack.json: licence: is not a labpack.json field (check its spelling)',
      "labpack.json: modules[0].id: must be lowercase letters, digits and '-', starting with a letter or digit",
      'labpack.json: modules[0].labs[0].minutes: must be at least 1',
      "labpack.json: modules[0].labs[0].notebook: must be a path inside the pack, relative to labpack.json (no leading '/' and no '..')",
      'labpack.json: title: is missing',
      'labpack.json: version: must be a version like 1.0.0',
    ]);
  });

  it('says a lab needs a notebook, and a journal its notes folder instead', () => {
    const labs = [
      { id: 'a', title: 'A', minutes: 5 },
      { id: 'b', title: 'B', minutes: 5, kind: 'journal', notebook: 'b.aielab' },
    ];
    const problems = manifestProblems({ ...manifest(), modules: [{ id: 'm', title: 'M', labs }] });
    assert.ok(problems.includes('labpack.json: modules[0].labs[0].notebook: is missing'), problems.join('\n'));
    assert.ok(problems.includes('labpack.json: modules[0].labs[1].notes: is missing'), problems.join('\n'));
    assert.ok(
      problems.some((p) => p.startsWith('labpack.json: modules[0].labs[1]: a lab has either "notebook"')),
      problems.join('\n'),
    );
  });

  it('reports a JSON syntax error with its line and column', () => {
    assert.throws(
      () => parseManifest('{\n  "id": "x",\n}'),
      (err: ManifestError) => err.problems[0]?.where === 'labpack.json: line 3, column 1',
    );
  });

  it('ships a schema VS Code can use, covering the same fields', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, '../../schemas/labpack.schema.json'), 'utf8')) as {
      properties: Record<string, unknown>;
      definitions: { lab: { properties: Record<string, unknown> } };
    };
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
      contributes: { jsonValidation: Array<{ fileMatch: string; url: string }> };
    };
    assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: 'labpack.json', url: './schemas/labpack.schema.json' }]);
    for (const field of ['title', 'version', 'authors', 'license', 'requires', 'modules', 'datasets'])
      assert.ok(field in schema.properties, field);
    for (const field of ['id', 'title', 'notebook', 'planned', 'objectives', 'minutes', 'prerequisites'])
      assert.ok(field in schema.definitions.lab.properties, field);
  });
});

describe('aielab pack validate', () => {
  const dirs: string[] = [];
  const pack = (...args: Parameters<typeof writePack>) => {
    const dir = writePack(...args);
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('passes a good pack and lists labs without a notebook as planned', () => {
    const result = validatePack(pack());
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.planned.map((p) => p.lab.id),
      ['m1-l2'],
    );
    assert.deepEqual([...result.notebooks.keys()], ['m1-l1']);
    assert.equal(
      validatePack(pack(), { strict: true }).problems[0]?.message,
      'm1/lab-2.aielab does not exist (the lab is planned; --strict wants every notebook)',
    );
  });

  it('names a lab whose notebook is missing and that is not planned, with the fix', () => {
    const typo = manifest();
    typo.modules[0]!.labs[0]!.notebook = 'm1/lab_1.aielab';
    const result = validatePack(pack(typo));
    assert.deepEqual(
      result.problems.map((p) => `${p.where}: ${p.message}`),
      [
        'labpack.json: modules[0].labs[0].notebook: m1/lab_1.aielab does not exist (lab m1-l1 "Double it"): create it, fix the path, or mark the lab "planned": true',
      ],
    );
    assert.deepEqual(
      result.planned.map((p) => p.lab.id),
      ['m1-l2'],
      'a missing notebook does not make a lab planned',
    );
    const unmarked = manifest();
    delete unmarked.modules[0]!.labs[1]!.planned;
    assert.deepEqual(
      validatePack(pack(unmarked)).problems.map((p) => p.where),
      ['labpack.json: modules[0].labs[1].notebook'],
    );
  });

  it('wants "planned" removed once the notebook is written, and on no journal', () => {
    const m = manifest();
    m.modules[0]!.labs[0]!.planned = true;
    m.modules[1]!.labs[0]!.planned = true;
    const result = validatePack(pack(m));
    assert.deepEqual(
      result.problems.map((p) => `${p.where}: ${p.message}`),
      [
        'labpack.json: modules[0].labs[0].planned: lab m1-l1 "Double it" is marked planned, but m1/lab-1.aielab exists: remove "planned": true now that the notebook is written',
        'labpack.json: modules[1].labs[0].planned: a journal has no notebook to plan; remove "planned" (its notes folder is written as learners take notes)',
      ],
    );
    assert.deepEqual(
      result.planned.map((p) => p.lab.id),
      ['m1-l2'],
    );
  });

  it('exits 1 from the CLI on a mistyped notebook path, naming it, and 0 on planned labs', async () => {
    const typo = manifest();
    typo.modules[0]!.labs[0]!.notebook = 'm1/lab_1.aielab';
    const printed: string[] = [];
    const { log, error } = console;
    console.log = console.error = (...args: unknown[]) => void printed.push(args.join(' '));
    try {
      const dir = pack(typo);
      assert.equal(await packCommand(['validate', dir]), 1);
      assert.ok(
        printed.includes(
          'labpack.json: modules[0].labs[0].notebook: m1/lab_1.aielab does not exist (lab m1-l1 "Double it"): create it, fix the path, or mark the lab "planned": true',
        ),
        printed.join('\n'),
      );
      printed.length = 0;
      assert.equal(await packCommand(['validate', pack()]), 0);
      assert.match(
        printed.join('\n'),
        /is valid: 2 modules, 3 labs \(1 written, 1 planned, 1 journal\)\.\n {2}planned: m1-l2 Later \(m1\/lab-2.aielab does not exist yet\)/,
      );
    } finally {
      console.log = log;
      console.error = error;
    }
  });

  it('finds duplicate ids, unknown and circular prerequisites, missing data and an SDK it does not fit', () => {
    const m = manifest({ requires: { aielab: '^9.0.0' }, datasets: [{ path: 'data/missing.csv', source: 's', license: 'l' }] });
    const labs = m.modules[0]!.labs;
    labs.push({ id: 'm1-l1', title: 'Copy', notebook: 'm1/lab-3.aielab', minutes: 5 });
    labs[0]!.prerequisites = ['m1-l2', 'nope'];
    const problems = validatePack(pack(m)).problems.map((p) => `${p.where}: ${p.message}`);
    assert.deepEqual(problems, [
      'labpack.json: requires.aielab: the pack needs AI Engineering Lab ^9.0.0, and this is 0.1.0: update the extension and CLI (or widen the range if the pack works with 0.1.0)',
      'labpack.json: modules[0].labs[2].id: "m1-l1" is already the id of modules[0].labs[0]; lab ids must be unique in the pack',
      'labpack.json: modules[0].labs[0].prerequisites[1]: no lab has the id "nope"',
      'labpack.json: modules[0].labs[0].prerequisites: the prerequisites go round in a circle: m1-l1 → m1-l2 → m1-l1',
      'labpack.json: datasets[0].path: data/missing.csv does not exist in the pack',
    ]);
  });

  it('names a notebook that does not parse, and cell roles that make no sense', () => {
    const dir = pack(manifest(), [
      md('a', 'text', 'exercise'),
      code('b', 'x', { role: 'solution' }),
      code('c', 'y', { role: 'quiz' }),
      code('d', 'z', { role: 'check', points: -1 }),
    ]);
    assert.deepEqual(
      validatePack(dir).problems.map((p) => `${p.where}: ${p.message}`),
      [
        'm1/lab-1.aielab: cells[0].metadata.role: a exercise cell must be a code cell',
        'm1/lab-1.aielab: cells[2].metadata.role: must be one of "explanation", "exercise", "solution", "check", "hint", found "quiz"',
        'm1/lab-1.aielab: cells[3].metadata.points: must be a number of points, 0 or more, found -1',
      ],
    );
    writeFileSync(join(dir, 'm1/lab-1.aielab'), '{"aielab": 1, "cells": [{"kind": "sql"}]}');
    assert.deepEqual(
      validatePack(dir).problems.map((p) => `${p.where}: ${p.message}`),
      ['m1/lab-1.aielab: cells[0].kind: must be "code" or "markdown", found "sql"'],
    );
  });

  it('says a folder without labpack.json is not a pack', () => {
    const empty = mkdtempSync(join(tmpdir(), 'aielab-empty-'));
    dirs.push(empty);
    assert.match(
      validatePack(empty).problems[0]?.message ?? '',
      /has no labpack.json; a lab pack needs one at its root \(create a pack with: aielab new pack <folder>\)/,
    );
  });

  it('finds a solution or hint with no exercise before it', () => {
    assert.deepEqual(roleProblems({ metadata: {}, cells: [md('h', 'x', 'hint')] }), [
      { cell: 0, field: 'role', message: 'a hint cell belongs to the exercise before it, and there is none' },
    ]);
  });
});

describe('aielab pack release', () => {
  it('removes solutions, keeps hints for Show hint, records starters and clears outputs', () => {
    const cells = structuredClone(LAB_CELLS);
    const check = cells.find((c) => c.id === 'check');
    if (check?.kind === 'code') {
      check.outputs = [{ kind: 'stream', name: 'stdout', text: 'old' }];
      check.executionCount = 3;
    }
    const student = studentNotebook({ metadata: { title: 'x' }, cells });
    assert.deepEqual(
      student.cells.map((c) => c.id),
      ['intro', 'given', 'ex', 'check'],
    );
    const exercise = student.cells[2];
    assert.equal(exercise?.metadata.starter, '// Exercise: double the input\nconst answer: number = 0;');
    assert.deepEqual(exercise?.metadata.hints, ['Multiply by two.', '```typescript\ninput * 2\n```']);
    const released = student.cells[3];
    assert.ok(released?.kind === 'code' && released.outputs.length === 0 && released.executionCount === undefined);
    assert.equal(released?.source, check?.source, 'checks are kept as they are');
    assert.equal(cells.length, LAB_CELLS.length, 'the pack notebook is not changed');
  });

  it('writes the student pack: data kept, artifacts, tracked runs and notes left out, edition marked', () => {
    const dir = writePack();
    const out = join(mkdtempSync(join(tmpdir(), 'aielab-release-')), 'student');
    mkdirSync(join(dir, 'm1', 'mlruns', '0'), { recursive: true });
    writeFileSync(join(dir, 'm1', 'mlruns', '0', 'meta.yaml'), 'name: Default\n');
    try {
      const summary = releasePack(dir, out);
      assert.ok(!existsSync(join(out, 'm1/mlruns')), "the instructor's runs are not released");
      assert.deepEqual(summary, { notebooks: 1, solutionsRemoved: 1, hintsFolded: 2 });
      assert.ok(existsSync(join(out, 'data/numbers.csv')));
      assert.ok(!existsSync(join(out, 'm1/artifacts')));
      assert.ok(!existsSync(join(out, 'notes/2026-01-01-m1-l1.md')));
      assert.equal(JSON.parse(readFileSync(join(out, 'labpack.json'), 'utf8')).edition, 'student');
      assert.ok(!parseNotebook(readFileSync(join(out, 'm1/lab-1.aielab'), 'utf8')).cells.some((c) => c.metadata.role === 'solution'));
      assert.throws(
        () => releasePack(dir, out),
        (err: PackError) => /already exists and is not empty/.test(err.message),
      );
      assert.throws(
        () => releasePack(dir, dir),
        (err: PackError) => /holds the pack itself/.test(err.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });

  it('refuses a pack with problems, listing them', () => {
    const dir = writePack(manifest({ datasets: [{ path: 'gone.csv', source: 's', license: 'l' }] }));
    try {
      assert.throws(
        () => releasePack(dir, join(dir, '..', 'never')),
        (err: PackError) => err.problems[0]?.where === 'labpack.json: datasets[0].path',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('aielab pack release of planned labs', () => {
  it('refuses a pack whose notebook path is mistyped, naming the lab and the path', () => {
    const typo = manifest();
    typo.modules[0]!.labs[0]!.notebook = 'm1/lab-01.aielab';
    const dir = writePack(typo);
    const out = `${dir}-student`;
    try {
      assert.throws(
        () => releasePack(dir, out),
        (err: PackError) =>
          err.problems.length === 1 &&
          err.problems[0]?.where === 'labpack.json: modules[0].labs[0].notebook' &&
          /m1\/lab-01.aielab does not exist \(lab m1-l1 "Double it"\)/.test(err.problems[0].message),
      );
      assert.ok(!existsSync(out), 'nothing is written');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('releases planned labs as planned', () => {
    const dir = writePack();
    const out = join(mkdtempSync(join(tmpdir(), 'aielab-release-')), 'student');
    try {
      releasePack(dir, out);
      const released = parseManifest(readFileSync(join(out, 'labpack.json'), 'utf8'));
      assert.deepEqual(
        released.modules[0]?.labs.map((l) => [l.id, l.planned ?? false]),
        [
          ['m1-l1', false],
          ['m1-l2', true],
        ],
      );
      assert.deepEqual(validatePack(out).problems, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });
});

describe('grading', () => {
  it('runs the pack’s checks in place of the learner’s, puts back deleted ones and drops solutions', () => {
    const pack = { metadata: {}, cells: LAB_CELLS };
    const submitted = {
      metadata: {},
      cells: [
        code('given', 'const input = 21;'),
        code('ex', 'const answer = 42;', { role: 'exercise' }),
        code('mine', 'const answer = 42;', { role: 'solution' }),
        code('check', 'true // I passed, trust me', { role: 'check' }),
      ],
    };
    const graded = gradedNotebook(pack, submitted);
    assert.deepEqual(
      graded.cells.map((c) => c.id),
      ['given', 'ex', 'check'],
    );
    assert.equal(graded.cells[2]?.source, LAB_CELLS[6]?.source);
    const deleted = gradedNotebook(pack, { metadata: {}, cells: [code('given', 'x'), code('ex', 'y')] });
    assert.deepEqual(
      deleted.cells.map((c) => c.id),
      ['given', 'ex', 'check'],
    );
  });

  it('writes a CSV gradebook and feedback that says what to fix', () => {
    const book = {
      pack: manifest(),
      labs: [{ id: 'm1-l1', title: 'Double it', max: 4 }],
      learners: [
        {
          learner: 'Ada, "the first"',
          score: 2,
          max: 4,
          labs: [
            {
              id: 'm1-l1',
              title: 'Double it',
              score: 2,
              max: 4,
              status: 'graded' as const,
              errors: ['Cell 3 (exercise): TypeError: x'],
              checks: [
                {
                  cellId: 'check',
                  title: 'Check: doubling',
                  score: 2,
                  max: 4,
                  items: [
                    { name: 'the answer is 42', passed: false, message: 'answer: expected 42, got 41' },
                    { name: 'even', passed: true },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    assert.equal(gradebookCsv(book), 'learner,m1-l1,total,max\n"Ada, ""the first""",2,2,4\n');
    const text = feedbackMarkdown(book, book.learners[0]!);
    assert.match(text, /## m1-l1 Double it: 2 \/ 4/);
    assert.match(text, /- ✗ \*\*Check: doubling\*\* \(2 \/ 4\)\n {2}- ✗ the answer is 42: answer: expected 42, got 41\n {2}- ✓ even/);
    assert.match(text, /Errors in your cells:\n- Cell 3 \(exercise\): TypeError: x/);
  });
});

describe('aielab new pack', () => {
  it('creates a pack that validates, with every cell role, and refuses a folder in use', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'aielab-new-')), 'My Course');
    try {
      scaffoldPack(dir, 'My course');
      const result = validatePack(dir, { strict: true });
      assert.deepEqual(result.problems, []);
      assert.equal(result.pack?.id, 'my-course');
      const roles = new Set(result.notebooks.get('m1-l1')?.cells.map((c) => c.metadata.role));
      assert.deepEqual([...roles].sort(), ['check', 'exercise', 'explanation', 'hint', 'solution']);
      assert.throws(
        () => scaffoldPack(dir),
        (err: ScaffoldError) => err instanceof ScaffoldError && /is not empty/.test(err.message),
      );
      assert.equal(
        serializeNotebook(parseNotebook(readFileSync(join(dir, 'module-1/lab-01-mean.aielab'), 'utf8'))),
        readFileSync(join(dir, 'module-1/lab-01-mean.aielab'), 'utf8'),
      );
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});
