// The headless runner the CLI, grading and tests share, driven through its own API: outputs
// assembled into the notebook, and a run stopped by the caller's signals, with no process-wide
// handler left behind.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { parseNotebook } from '../../contracts/notebook/format';
import type { CodeCell, Notebook } from '../../contracts/notebook/format';
import { runNotebook, type CellStatus } from '../../kernels/runner/runNotebook';
import { notebookText } from '../helpers/notebooks';
import { KERNEL_SCRIPT, NOTEBOOKS } from '../helpers/paths';

const options = { notebookPath: join(NOTEBOOKS, 'scratch.aielab'), kernel: { kernelScript: KERNEL_SCRIPT } };
const code = (notebook: Notebook, index: number) => notebook.cells[index] as CodeCell;

describe('the headless runner', function () {
  this.timeout(60_000);

  it('joins a stream into one output, replaces an updated display in its own cell, and numbers the cells', async () => {
    const notebook = parseNotebook(
      notebookText(
        "for (let i = 0; i < 3; i++) { console.log(i); await new Promise((r) => setTimeout(r, 30)); }\nconst shown = display('first');",
        "shown.update('second'); 'done'",
      ),
      'runner.aielab',
    );
    const run = await runNotebook(notebook, { ...options, allowErrors: false });
    assert.deepEqual(run, { ok: true, executed: 2, stopped: false, verdicts: new Map() });
    const [first, second] = [code(notebook, 0), code(notebook, 1)];
    assert.deepEqual(
      first.outputs.map((o) => o.kind),
      ['stream', 'display'],
    );
    assert.equal(first.outputs[0]?.kind === 'stream' && first.outputs[0].text, '0\n1\n2\n');
    assert.equal(first.outputs[1]?.kind === 'display' && first.outputs[1].data['text/plain'], "'second'");
    assert.equal(second.executionCount, 2);
  });

  it('interrupts the running cell when the interrupt signal aborts, and stops at it', async () => {
    const notebook = parseNotebook(notebookText("console.log('looping');\nwhile (true) {}", "'never'"), 'runner.aielab');
    const interrupt = new AbortController();
    const ends: CellStatus[] = [];
    const run = await runNotebook(
      notebook,
      { ...options, allowErrors: false, interrupt: interrupt.signal },
      {
        onOutput: () => interrupt.abort(),
        onCellEnd: (_index, status) => ends.push(status),
      },
    );
    assert.deepEqual(ends, ['interrupted']);
    assert.deepEqual(run, { ok: false, failedCell: 0, executed: 1, stopped: false, verdicts: new Map() });
    assert.deepEqual(code(notebook, 1).outputs, []);
    assert.equal(process.listenerCount('SIGINT'), 0, 'the runner leaves process signals to its caller');
  });

  it('interrupts a cell when the interrupt came while its kernel was starting', async () => {
    const notebook = parseNotebook(notebookText('while (true) {}'), 'runner.aielab');
    const interrupt = new AbortController();
    const run = await runNotebook(
      notebook,
      { ...options, allowErrors: false, interrupt: interrupt.signal },
      { onCellStart: () => interrupt.abort() },
    );
    assert.deepEqual(run, { ok: false, failedCell: 0, executed: 1, stopped: false, verdicts: new Map() });
  });

  it('ends the run at once when the stop signal aborts, even with errors allowed, saying where it stopped', async () => {
    const notebook = parseNotebook(notebookText("console.log('waiting');\nawait new Promise(() => {})", "'never'"), 'runner.aielab');
    const stop = new AbortController();
    const run = await runNotebook(notebook, { ...options, allowErrors: true, signal: stop.signal }, { onOutput: () => stop.abort() });
    assert.equal(run.stopped, true);
    assert.equal(run.executed, 1);
    const error = code(notebook, 0).outputs.find((o) => o.kind === 'error');
    assert.equal(error?.kind === 'error' && error.name, 'Stopped');
    assert.deepEqual(code(notebook, 1).outputs, []);
  });
  it("returns a trusted cell's verdict from an isolated kernel, and none for a cell that calls checks() itself", async () => {
    const notebook = parseNotebook(
      notebookText(
        "import { checks as own } from 'aielab';\nconst x = 2;\nawait own({ 'printed, not scored': () => undefined });",
        "await checks({ 'x is 2': () => expect(x).toBe(2), 'x is 3': () => expect(x).toBe(3) });",
      ),
      'graded.aielab',
    );
    const [mine, check] = [code(notebook, 0), code(notebook, 1)];
    const run = await runNotebook(notebook, {
      ...options,
      allowErrors: true,
      trustedCells: new Set([check.id]),
      kernel: { kernelScript: KERNEL_SCRIPT, isolated: { sandbox: [], token: 'a secret of the run' } },
    });
    assert.deepEqual([...run.verdicts.keys()], [check.id], `no verdict for ${mine.id}`);
    const verdict = run.verdicts.get(check.id);
    assert.equal(verdict?.status, 'error');
    assert.equal(verdict?.error, undefined, 'a check failing is not an error of the cell');
    assert.deepEqual(
      verdict?.results.flatMap((r) => r.items.map((i) => [i.name, i.passed])),
      [
        ['x is 2', true],
        ['x is 3', false],
      ],
    );
  });
});
