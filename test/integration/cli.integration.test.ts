import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNotebook, type CodeCell, type Notebook } from '../../contracts/notebook/format';
import { onnx } from '../../sdk';
import { runCli } from '../helpers/aielabCli';
import { notebookText as notebook } from '../helpers/notebooks';
import { CLI, NOTEBOOKS } from '../helpers/paths';

const aielab = (args: string[], cwd = NOTEBOOKS) => runCli(args, { cwd });

function codeCells(nb: Notebook): CodeCell[] {
  return nb.cells.filter((c): c is CodeCell => c.kind === 'code');
}

/**
 * Debian's python3-nbformat is the reference validator. CI installs it and requires it; elsewhere
 * the check says it did not run.
 */
function validateWithNbformat(path: string): string | undefined {
  const python = '/usr/bin/python3';
  const check = existsSync(python)
    ? spawnSync(python, ['-c', 'import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print("valid")', path], {
        encoding: 'utf8',
      })
    : undefined;
  const missing = !check
    ? 'no /usr/bin/python3'
    : check.stderr.includes("No module named 'nbformat'")
      ? 'python3-nbformat is not installed'
      : undefined;
  if (missing) {
    assert.ok(!process.env.CI, `CI must validate with nbformat: ${missing}`);
    return missing;
  }
  assert.equal(check?.stdout.trim(), 'valid', check?.stderr);
  return undefined;
}

describe('aielab CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aielab-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the kernel tour and saves a Jupyter notebook with its results, streams and errors', function () {
    const out = join(dir, 'tour.ipynb');
    const ran = aielab(['run', 'kernel-tour.aielab', '--allow-errors', '--cell-timeout', '2', '--out', out]);
    assert.equal(ran.status, 0, ran.stdout + ran.stderr);
    const nb = JSON.parse(readFileSync(out, 'utf8'));
    const byId = Object.fromEntries(nb.cells.map((c: { id: string }) => [c.id, c]));
    const result = (id: string) =>
      byId[id].outputs.find((o: { output_type: string }) => o.output_type === 'execute_result')?.data['text/plain'].join('');
    const streams = (id: string) =>
      byId[id].outputs
        .filter((o: { output_type: string }) => o.output_type === 'stream')
        .map((o: { name: string; text: string[] }) => `${o.name}:${o.text.join('')}`);
    const error = (id: string) => byId[id].outputs.find((o: { output_type: string }) => o.output_type === 'error');

    assert.equal(result('state'), "'hello'");
    assert.equal(result('redeclare'), "'redeclared 2'");
    assert.equal(result('await'), "'awaited'");
    assert.deepEqual(streams('streams'), ['stdout:one\n', 'stderr:two\n', 'stdout:three\nfour\n'], 'one output per run of a stream');
    assert.equal(result('streams'), '42');
    assert.equal(result('declarations'), "[ '12.57', 'Square' ]");
    assert.equal(result('imports'), "[ 'hello, lab', 'ESM!', 1, 42, 'a/b' ]");
    assert.equal(result('dynamic-esm'), 'true');
    assert.equal(result('paths'), '[ true, true ]');
    assert.equal(error('error').ename, 'RangeError');
    assert.deepEqual(error('error').traceback.slice(0, 3), [
      'RangeError: cannot divide by zero',
      '    at divide (Cell 10:2:22)',
      '    at Cell 10:5:1',
    ]);
    assert.equal(error('loop').ename, 'Timeout');
    assert.equal(error('loop').evalue, 'Cell 11 ran longer than the 2 s cell timeout and was stopped.');
    assert.equal(error('loop').traceback[1], '    at Cell 11:2:14');
    assert.equal(result('survives'), '[ 2, true ]', 'state survives the interrupt');
    assert.deepEqual(streams('crash'), ['stdout:bye\n', 'stderr:process.exit(3) was called at Cell 13:2:9\n']);
    assert.match(error('crash').evalue, /exited with code 3/);
    assert.equal(result('fresh'), "'undefined'", 'the next cell runs on a new kernel');
    assert.deepEqual(
      nb.cells.map((c: { execution_count?: number }) => c.execution_count ?? null),
      [null, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1],
    );
    const skipped = validateWithNbformat(out);
    if (skipped) console.log(`      (nbformat validation not run: ${skipped})`);
  });

  it('stops at the first failing cell with exit code 1, showing it, and writes what ran', () => {
    const path = join(dir, 'fails.aielab');
    writeFileSync(
      path,
      notebook("console.log('first')", 'const data = [1, 2];\ndata.map((d) => d.missing.value);', "console.log('never')"),
    );
    const ran = aielab(['run', path]);
    assert.equal(ran.status, 1);
    assert.match(ran.stdout, /TypeError: Cannot read properties of undefined \(reading 'value'\)\n.*at Cell 2:2:27\n/);
    assert.match(ran.stdout, /Cell 2 failed; stopping \(use --allow-errors to run every cell\)/);
    assert.doesNotMatch(ran.stdout, /never/);
    const saved = codeCells(parseNotebook(readFileSync(path, 'utf8')));
    assert.equal(saved[0]?.outputs[0]?.kind, 'stream');
    assert.equal(saved[1]?.outputs[0]?.kind, 'error');
    assert.deepEqual(saved[2]?.outputs, []);
    assert.equal(saved[2]?.executionCount, undefined);
  });

  it('runs every cell with --allow-errors and exits 0', () => {
    const path = join(dir, 'fails.aielab');
    writeFileSync(path, notebook('throw new Error("one")', '"two"'));
    const ran = aielab(['run', path, '--allow-errors']);
    assert.equal(ran.status, 0, ran.stdout);
    const saved = codeCells(parseNotebook(readFileSync(path, 'utf8')));
    assert.equal(saved[1]?.outputs[0]?.kind, 'result');
  });

  it('saves background output into the cell that was running when it was printed, as Jupyter does', () => {
    const path = join(dir, 'background.aielab');
    writeFileSync(
      path,
      notebook(
        "console.log('now');\nsetTimeout(() => console.log('later'), 50);",
        "await new Promise((r) => setTimeout(r, 300));\nconsole.log('done')",
      ),
    );
    assert.equal(aielab(['run', path, '--quiet']).status, 0);
    const saved = codeCells(parseNotebook(readFileSync(path, 'utf8')));
    assert.deepEqual(saved[0]?.outputs, [{ kind: 'stream', name: 'stdout', text: 'now\n' }], 'a timer handle is not shown as a result');
    assert.deepEqual(saved[1]?.outputs, [{ kind: 'stream', name: 'stdout', text: 'later\ndone\n' }]);
  });

  it('interrupts while (true) {} at --cell-timeout, reports it and exits 1', () => {
    const path = join(dir, 'loop.aielab');
    writeFileSync(path, notebook('let x = 1;', 'while (true) {}', 'x'));
    const ran = aielab(['run', path, '--cell-timeout', '2']);
    assert.equal(ran.status, 1);
    assert.match(ran.stdout, /Cell 2 ✗ timeout/);
    const saved = codeCells(parseNotebook(readFileSync(path, 'utf8')));
    const error = saved[1]?.outputs[0];
    assert.ok(error?.kind === 'error');
    assert.equal(error.name, 'Timeout');
    assert.match(error.stack, /at Cell 2:1:14/);
  });

  it('stops a kernel whose cell ignores the interrupt, and goes on with a new one', function () {
    this.timeout(60_000);
    cpSync(join(NOTEBOOKS, 'node_modules'), join(dir, 'node_modules'), { recursive: true });
    const path = join(dir, 'stuck.aielab');
    // After an await the cell's synchronous part is over: nothing can break the package's loop.
    writeFileSync(path, notebook("const counter = require('cjs-counter');\nawait null;\ncounter.spin();", 'typeof counter'));
    const ran = aielab(['run', path, '--cell-timeout', '1', '--allow-errors']);
    assert.equal(ran.status, 0, ran.stdout + ran.stderr);
    const saved = codeCells(parseNotebook(readFileSync(path, 'utf8')));
    assert.deepEqual(
      saved[0]?.outputs.map((o) => o.kind === 'error' && o.stack),
      [
        'Timeout: Cell 1 ran longer than the 1 s cell timeout and was stopped.\nIt did not stop when interrupted, so its kernel was stopped; the next cell runs on a new kernel.',
      ],
    );
    assert.deepEqual(saved[1]?.outputs, [{ kind: 'result', data: { 'text/plain': "'undefined'" } }]);
  });

  it('refuses a malformed notebook, names the file and position, and leaves it byte for byte', () => {
    const path = join(dir, 'broken.aielab');
    const bytes = '{\n  "aielab": 1,\n  "cells": [\n    {"id": "a", "kind": "code", "source": "1"}\n    {"id": "b"}\n  ]\n}\n';
    writeFileSync(path, bytes);
    const ran = aielab(['run', path]);
    assert.equal(ran.status, 2);
    assert.match(
      ran.stderr,
      new RegExp(
        `cannot read notebook ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 5, column 5: not valid JSON: expected ','\\nThe file was not changed\\.`,
      ),
    );
    assert.equal(readFileSync(path, 'utf8'), bytes);
    writeFileSync(path, '{"aielab": 1, "cells": [{"id": "a", "kind": "sql"}]}');
    const shape = aielab(['run', path]);
    assert.equal(shape.status, 2);
    assert.match(shape.stderr, /cells\[0\]\.kind: must be "code" or "markdown", found "sql"/);
  });

  it('runs a folder, one fresh kernel per notebook, into an --out folder as .ipynb', () => {
    cpSync(join(NOTEBOOKS, 'node_modules'), join(dir, 'pack', 'node_modules'), { recursive: true });
    writeFileSync(join(dir, 'pack', 'a.aielab'), notebook('globalThis.shared = 1; 1'));
    cpSync(join(dir, 'pack', 'a.aielab'), join(dir, 'pack', 'sub', 'b.aielab'));
    writeFileSync(join(dir, 'pack', 'node_modules', 'ignored.aielab'), 'not even json');
    const ran = aielab(['run', join(dir, 'pack'), '--out', join(dir, 'out'), '--format', 'ipynb']);
    assert.equal(ran.status, 0, ran.stdout + ran.stderr);
    assert.match(ran.stdout, /✓ 2 notebooks, 2 cells run/);
    for (const file of ['a.ipynb', join('sub', 'b.ipynb')]) {
      const nb = JSON.parse(readFileSync(join(dir, 'out', file), 'utf8'));
      assert.deepEqual(nb.cells[0].outputs[0].data['text/plain'], ['1']);
    }
    assert.equal(readFileSync(join(dir, 'pack', 'a.aielab'), 'utf8'), notebook('globalThis.shared = 1; 1'), 'sources untouched with --out');
  });

  it('converts .ipynb to .aielab and back, keeping sources, outputs and ids', () => {
    const ipynb = join(dir, 'lab.ipynb');
    writeFileSync(
      ipynb,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: 'aielab-typescript', language: 'typescript' } },
        cells: [
          { cell_type: 'markdown', id: 'intro', metadata: {}, source: ['# Hello\n', 'world'] },
          {
            cell_type: 'code',
            id: 'sum',
            metadata: { tags: ['exercise'] },
            execution_count: 1,
            source: ['1 + 1'],
            outputs: [{ output_type: 'execute_result', execution_count: 1, data: { 'text/plain': ['2'] }, metadata: {} }],
          },
        ],
      }),
    );
    const aielabPath = join(dir, 'lab.aielab');
    assert.equal(aielab(['convert', ipynb, aielabPath]).status, 0);
    const converted = parseNotebook(readFileSync(aielabPath, 'utf8'));
    assert.deepEqual(
      converted.cells.map((c) => [c.id, c.kind, c.source]),
      [
        ['intro', 'markdown', '# Hello\nworld'],
        ['sum', 'code', '1 + 1'],
      ],
    );
    assert.deepEqual(converted.cells[1]?.metadata, { tags: ['exercise'] });
    const back = join(dir, 'back.ipynb');
    assert.equal(aielab(['convert', aielabPath, back]).status, 0);
    const nb = JSON.parse(readFileSync(back, 'utf8'));
    assert.deepEqual(nb.cells[1].outputs[0].data, { 'text/plain': ['2'] });
    assert.deepEqual(nb.cells[0].source, ['# Hello\n', 'world']);
    const skipped = validateWithNbformat(back);
    if (skipped) console.log(`      (nbformat validation not run: ${skipped})`);
    const wrong = aielab(['convert', ipynb, join(dir, 'lab.txt')]);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /convert goes from \.ipynb to \.aielab or from \.aielab to \.ipynb/);
  });

  it('exports a saved nn model to ONNX from the terminal, checked, inspects it, and says what is wrong with the arguments', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'aielab-export-'));
    writeFileSync(
      join(dir, 'save.aielab'),
      notebook(
        "import { nn } from 'aielab';\nnn.seed(1);\nconst model = nn.sequential([nn.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), nn.layers.dense({ units: 3, activation: 'softmax' })]);\nawait nn.save(model, 'iris-model')",
      ),
    );
    assert.equal(aielab(['run', join(dir, 'save.aielab')]).status, 0);
    const ran = aielab(['export', join(dir, 'iris-model'), join(dir, 'iris.onnx'), '--labels', 'setosa, versicolor, virginica']);
    assert.equal(ran.status, 0, ran.stderr);
    assert.match(
      ran.stdout,
      /Wrote .*iris\.onnx \([\d.]+ KB, 7 nodes, 67 parameters\): input \[batch, 4\] → output \[batch, 3\]\.\nChecked with onnxruntime on 16 rows: outputs within \d\.\d\de-\d+ of the model's\./,
    );
    const meta = onnx.read(join(dir, 'iris.onnx')).metadata;
    assert.deepEqual(JSON.parse(meta.labels ?? ''), ['setosa', 'versicolor', 'virginica']);
    const inspected = aielab(['inspect', join(dir, 'iris.onnx'), '--diff', join(dir, 'iris.onnx')]);
    assert.equal(inspected.status, 0, inspected.stderr);
    assert.match(inspected.stdout, /iris\.onnx: 67 parameters, 2 MatMul, 2 Add, 1 Relu, 1 Softmax, 1 Identity/);
    assert.match(inspected.stdout, /Classifier head: .*\nclass .*\n.*\nsetosa /);
    assert.match(inspected.stdout, /iris\.onnx → .*iris\.onnx\n/);
    assert.equal(JSON.parse(aielab(['inspect', join(dir, 'iris.onnx'), '--json']).stdout).inspection.head.classes.length, 3);
    writeFileSync(join(dir, 'broken.onnx'), 'not onnx');
    const broken = aielab(['inspect', join(dir, 'broken.onnx')]);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /broken\.onnx is not a readable ONNX model/);
    const missing = aielab(['export', dir, join(dir, 'x.onnx')]);
    assert.equal(missing.status, 2);
    assert.match(
      missing.stderr,
      /is not a saved nn model: there is no model\.json in .*Save one with nn\.save\(model, folder\) or run\.logModel\(model\)\./,
    );
    assert.match(
      aielab(['export', join(dir, 'iris-model'), join(dir, 'iris.txt')]).stderr,
      /the output should be an \.onnx file, not .*iris\.txt\./,
    );
  });

  it('says with doctor which nn backend this machine trains on and why not a faster one, and takes a forced one', function () {
    this.timeout(60_000);
    const ran = aielab(['doctor']);
    assert.equal(ran.status, 0, ran.stderr);
    assert.match(ran.stdout, /✓ runtime {4}Node\.js \d+/);
    assert.match(ran.stdout, /✓ data {7}nodejs-polars loads/);
    assert.match(ran.stdout, /✓ nn {9}trains on (wasm|tensorflow|tensorflow-gpu) · /);
    assert.match(ran.stdout, /not tensorflow-gpu: /, 'a machine without CUDA says why not the GPU');
    assert.match(ran.stdout, /✓ onnx {7}onnxruntime-node \d+\.\d+\.\d+ loads/);
    const forced = spawnSync(process.execPath, [CLI, 'doctor'], { encoding: 'utf8', env: { ...process.env, AIELAB_NN_BACKEND: 'cpu' } });
    assert.match(forced.stdout, /✓ nn {9}trains on cpu · CPU in plain JavaScript \(AIELAB_NN_BACKEND=cpu\)/);
    const wrong = spawnSync(process.execPath, [CLI, 'doctor'], { encoding: 'utf8', env: { ...process.env, AIELAB_NN_BACKEND: 'gpu' } });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stdout, /✗ nn {9}AIELAB_NN_BACKEND=gpu is not a backend/);
  });

  it('tracks runs from a notebook into mlruns/ beside it, and lists, shows and compares them', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'aielab-runs-'));
    writeFileSync(
      join(dir, 'sweep.aielab'),
      notebook(
        "import { track } from 'aielab';\ntrack.experiment('lr search');\nconst result = await track.sweep({ lr: [0.3, 0.1, 0.03, 0.01, 0.003] }, async (p) => ({ accuracy: 1 - Number(p.lr) }), { metric: 'accuracy', name: 'lr' });\nresult.best.params.lr",
      ),
    );
    const ran = aielab(['run', 'sweep.aielab'], dir);
    assert.equal(ran.status, 0, ran.stdout + ran.stderr);
    assert.match(ran.stdout, /│ 0\.003/);
    const list = aielab(['runs', 'list'], dir);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^6 runs in mlruns/);
    assert.equal((list.stdout.match(/lr search +lr · trial \d/g) ?? []).length, 5);
    const ids = [...list.stdout.matchAll(/trial (\d) +([0-9a-f]{8})/g)].map((m) => m[2] as string);
    const show = aielab(['runs', 'show', ids[0] as string], dir);
    assert.match(show.stdout, /tag +mlflow\.source\.type +NOTEBOOK/);
    assert.match(show.stdout, /tag +mlflow\.parentRunId +[0-9a-f]{32}/);
    const compare = aielab(['runs', 'compare', ids[0] as string, ids[1] as string], dir);
    assert.match(compare.stdout, /^Comparing 2 runs/);
    assert.match(compare.stdout, /param lr +0\.\d+ +0\.\d+/);
    const missing = aielab(['runs', 'list', '--experiment', 'nope'], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no experiment "nope" in mlruns; there are: lr search/);
  });

  it('documents its commands in --help and rejects unknown ones', () => {
    const help = aielab(['--help']);
    assert.equal(help.status, 0);
    for (const text of ['aielab run', '--out', '--allow-errors', '--cell-timeout', 'aielab convert', 'Exit codes'])
      assert.ok(help.stdout.includes(text), text);
    const bad = aielab(['frobnicate']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown command 'frobnicate'\.\nRun aielab --help for usage\./);
    assert.match(
      aielab(['run', 'x.aielab', '--cell-timeout', 'soon']).stderr,
      /--cell-timeout takes a number of seconds above 0, not soon/,
    );
  });
});
