import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelProcess } from '../../kernels/client/kernelProcess';
import { MIME, type ProgressPayload } from '../../contracts/mime';
import type { DisplayOutput, DisplayUpdate } from '../../contracts/protocol';
import { run, startKernel } from '../helpers/kernel';
import { notebookText } from '../helpers/notebooks';
import { CLI } from '../helpers/paths';

describe('rich display through the kernel', () => {
  let kernel: KernelProcess;
  beforeEach(async () => {
    kernel = await startKernel();
  });
  afterEach(() => kernel.shutdown());

  it('imports the SDK as aielab, with import and require', async () => {
    const cell = await run(
      kernel,
      "import { table } from 'aielab';\nconst sdk = require('aielab');\nconst dynamic = await import('aielab');\n[typeof table, sdk.table === table, dynamic.chart === sdk.chart, typeof display]",
    );
    assert.equal(cell.result, "[ 'function', true, true, 'function' ]");
  });

  it('shows a result of records as a table, with text for terminals', async () => {
    const cell = await run(kernel, "[{ species: 'setosa', n: 50 }, { species: 'virginica', n: 52 }]");
    const result = cell.outputs.find((o) => o.kind === 'result');
    assert.ok(result?.kind === 'result');
    assert.deepEqual(Object.keys(result.data).sort(), [MIME.table, 'text/html', 'text/plain']);
    assert.equal(result.data['text/plain'], 'species     n\n─────────  ──\nsetosa     50\nvirginica  52');
  });

  it('display() adds outputs; a handle updates its output in place, throttled, ending on the last value', async () => {
    const cell = await run(
      kernel,
      "display('first');\nconst h = display(0);\nfor (let i = 1; i <= 20000; i++) h.update(i);\nawait new Promise((r) => setTimeout(r, 50));\nconsole.log(String(h.id).length)",
    );
    const displays = cell.outputs.filter((o): o is DisplayOutput => o.kind === 'display');
    assert.deepEqual(
      displays.map((d) => d.data['text/plain']),
      ["'first'", '0'],
    );
    const updates = cell.outputs.filter((o): o is DisplayUpdate => o.kind === 'update');
    assert.ok(updates.length >= 1 && updates.length < 100, `${updates.length} updates reached the client for 20,000 in the cell`);
    assert.ok(updates.every((u) => u.displayId === displays[1]?.displayId));
    assert.equal(updates[updates.length - 1]?.data['text/plain'], '20000');
    assert.equal(cell.text, '36\n');
  });

  it('streams a training progress output that ends with every point', async () => {
    const cell = await run(
      kernel,
      "import { progress } from 'aielab';\nconst p = progress({ total: 30, unit: 'epoch' });\nfor (let e = 1; e <= 30; e++) { await new Promise((r) => setTimeout(r, 10)); p.log({ loss: 1 / e }); }\np.done();",
    );
    const updates = cell.outputs.filter((o): o is DisplayUpdate => o.kind === 'update');
    assert.ok(updates.length >= 2, 'updated while the loop ran');
    const last = updates[updates.length - 1]?.data[MIME.progress] as ProgressPayload;
    assert.deepEqual([last.step, last.status, last.metrics[0]?.points.length], [30, 'done', 30]);
  });

  it('prints rich values with console.log as their text', async () => {
    const cell = await run(kernel, "import { metrics } from 'aielab';\nconsole.log(metrics({ accuracy: 0.5 }))");
    assert.equal(cell.text, 'accuracy  0.5\n');
  });
});

describe('aielab run with rich outputs', () => {
  it('writes every output kind into .ipynb with its aielab MIME type and readable text', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'aielab-rich-'));
    try {
      const sources = [
        "import { table, chart, metrics, confusion, progress, image } from 'aielab';\ntable({ a: [1, 2], b: ['x', 'y'] })",
        'chart.line({ loss: [1, 0.5] })',
        'metrics({ accuracy: 0.9 })',
        "confusion([[1, 0], [0, 1]], ['a', 'b'])",
        'const p = progress({ total: 3 });\nfor (let i = 0; i < 3; i++) p.log({ loss: 1 / (i + 1) });\np.done();',
        "image(Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0e6f0bd0000000049454e44ae426082', 'hex'))",
      ];
      writeFileSync(join(dir, 'rich.aielab'), notebookText(...sources));
      const ran = spawnSync(process.execPath, [CLI, 'run', join(dir, 'rich.aielab'), '--out', join(dir, 'rich.ipynb')], {
        encoding: 'utf8',
      });
      assert.equal(ran.status, 0, ran.stdout + ran.stderr);
      assert.match(ran.stdout, /step 3\/3 ▕█{20}▏ 100% {2}loss 0\.3333/, 'the progress output is printed in its final state');
      const nb = JSON.parse(readFileSync(join(dir, 'rich.ipynb'), 'utf8'));
      const data = nb.cells.map((c: { outputs: Array<{ data?: Record<string, unknown> }> }) =>
        c.outputs.map((o) => Object.keys(o.data ?? {}).sort()),
      );
      assert.deepEqual(data, [
        [[MIME.table, 'text/html', 'text/plain']],
        [[MIME.chart, 'text/plain']],
        [[MIME.metrics, 'text/plain']],
        [[MIME.confusion, 'text/plain']],
        [[MIME.progress, 'text/plain']],
        [['image/png', 'text/plain']],
      ]);
      const progressOut = nb.cells[4].outputs[0];
      assert.equal(progressOut.output_type, 'display_data');
      assert.equal(progressOut.data[MIME.progress].status, 'done', 'the saved progress is its final state');
      assert.match(progressOut.data['text/plain'].join(''), /step 3\/3/);
      assert.equal(nb.cells[5].outputs[0].data['text/plain'].join(''), '[image: 1×1 PNG]');
      if (existsSync('/usr/bin/python3')) {
        const check = spawnSync(
          '/usr/bin/python3',
          [
            '-c',
            'import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print("valid")',
            join(dir, 'rich.ipynb'),
          ],
          { encoding: 'utf8' },
        );
        if (!check.stderr.includes("No module named 'nbformat'")) assert.equal(check.stdout.trim(), 'valid', check.stderr);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
