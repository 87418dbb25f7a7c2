// Output that reaches the VS Code host after its cell finished (the cell's timers, a display
// updated from another cell), on a fake kernel and fake executions: it lands in its own cell,
// after that cell's last outputs, and the cell keeps how its run ended; a restarted kernel never
// hears the old one.
import { strict as assert } from 'node:assert';
import type { OutputEvent } from '../../contracts/protocol';
import { FakeSession, settle, until } from '../helpers/fakeKernelSession';

const text = (t: string): OutputEvent => ({ kind: 'stream', name: 'stdout', text: t });
const display = (displayId: string, t: string): OutputEvent => ({ kind: 'display', displayId, data: { 'text/plain': t } });
const update = (displayId: string, t: string): OutputEvent => ({ kind: 'update', displayId, data: { 'text/plain': t } });

/** Runs `id` to the end on the session's kernel, the kernel writing `outputs` first. */
async function runToEnd(session: FakeSession, id: string, status: 'ok' | 'error', ...outputs: OutputEvent[]): Promise<void> {
  session.run(id);
  const kernel = await session.running(id);
  for (const output of outputs) kernel.output(output);
  kernel.finish(status);
  await session.execution.settled();
}

describe('late output (VS Code host, without VS Code)', () => {
  it("writes output a finished cell's timer prints into that cell, keeping its order, status and times", async () => {
    const session = new FakeSession();
    await runToEnd(session, 'a', 'ok', text('started\n'));
    await runToEnd(session, 'b', 'error', text('about to fail\n'));
    const [a] = session.runsOf('a');
    const [b] = session.runsOf('b');
    session.kernel.late('a', text('tick\n'));
    session.kernel.late('b', text('tock\n'));
    await until(
      () => session.runsOf('a')[1]?.state === 'ended' && session.runsOf('b')[1]?.state === 'ended',
      'the late outputs to be written',
    );
    assert.deepEqual(session.cell('a').texts, ['started\n', 'tick\n']);
    assert.deepEqual(session.cell('b').texts, ['about to fail\n', 'tock\n']);
    const [, aLate] = session.runsOf('a');
    const [, bLate] = session.runsOf('b');
    assert.deepEqual(
      [aLate?.executionOrder, aLate?.success, aLate?.startTime, aLate?.endTime],
      [1, true, a?.startTime, a?.endTime],
      'cell a still reads as its first run ended',
    );
    assert.deepEqual([bLate?.executionOrder, bLate?.success, bLate?.endTime], [2, false, b?.endTime], 'a failed cell stays failed');
    assert.deepEqual(session.errors, []);
  });

  it("waits for the cell's last outputs to be written before writing late output after them", async () => {
    const session = new FakeSession();
    const open = session.holdWrites();
    const [a] = session.run('a');
    const kernel = await session.running('a');
    kernel.output(text('last words\n'));
    kernel.finish('interrupted');
    await settle();
    // An interrupted training reports "stopped" just after its cell returned, while VS Code is
    // still taking the cell's last outputs.
    kernel.late('a', text('training stopped\n'));
    await settle();
    assert.equal(a?.state, 'started', 'the run is still writing its last outputs');
    assert.equal(session.runsOf('a').length, 1, 'no second execution while the first is open');
    open();
    await until(() => session.runsOf('a')[1]?.state === 'ended', 'the late output to be written');
    assert.deepEqual(session.cell('a').texts, ['last words\n', 'training stopped\n']);
    assert.equal(session.runsOf('a')[1]?.success, false, 'it stays interrupted');
    assert.deepEqual(session.errors, []);
  });

  it('joins a burst of late output into one execution of the cell, in order', async () => {
    const session = new FakeSession();
    await runToEnd(session, 'a', 'ok');
    const open = session.holdWrites();
    for (const t of ['1', '2', '3']) session.kernel.late('a', text(t));
    await settle();
    open();
    await until(() => session.runsOf('a').every((r) => r.state === 'ended'), 'the burst to be written');
    assert.equal(session.runsOf('a').length, 2, 'VS Code allows one execution of a cell at a time');
    assert.deepEqual(session.cell('a').texts, ['1', '2', '3']);
    assert.deepEqual(session.errors, []);
  });

  it('sends an update of a display another cell shows to that cell, leaving the running cell alone', async () => {
    const session = new FakeSession();
    await runToEnd(session, 'chart', 'ok', display('d1', 'loss: 0.9'));
    session.run('train');
    const kernel = await session.running('train');
    kernel.output(text('epoch 1\n'));
    kernel.output(update('d1', 'loss: 0.5'));
    await until(() => session.cell('chart').texts[0] === 'loss: 0.5', 'the update in the chart cell');
    // Later, from a timer of the training cell: it names the training cell, the display is in the chart cell.
    kernel.finish('ok');
    await session.execution.settled();
    kernel.late('train', update('d1', 'loss: 0.1'));
    await until(() => session.cell('chart').texts[0] === 'loss: 0.1', 'the late update in the chart cell');
    assert.deepEqual(session.cell('train').texts, ['epoch 1\n']);
    assert.deepEqual(session.cell('chart').texts, ['loss: 0.1']);
    await until(() => session.runsOf('chart').every((r) => r.state === 'ended'), 'the chart cell to be done');
    assert.deepEqual(
      session.runsOf('chart').map((r) => [r.executionOrder, r.success]),
      [
        [1, true],
        [1, true],
        [1, true],
      ],
    );
    assert.deepEqual(session.errors, []);
  });

  it('drops an update of a display whose cell ran again or was cleared', async () => {
    const session = new FakeSession();
    await runToEnd(session, 'a', 'ok', display('d1', 'old'));
    await runToEnd(session, 'a', 'ok', text('new run\n'));
    session.kernel.late('a', update('d1', 'stale'));
    await settle();
    assert.deepEqual(session.cell('a').texts, ['new run\n']);
    assert.equal(session.runsOf('a').length, 2);
  });

  it('writes late output of the running cell into its run', async () => {
    const session = new FakeSession();
    await runToEnd(session, 'a', 'ok');
    session.run('a');
    const kernel = await session.running('a');
    kernel.late('a', text('from the earlier run\n'));
    kernel.finish('ok');
    await session.execution.settled();
    assert.deepEqual(session.cell('a').texts, ['from the earlier run\n']);
    assert.equal(session.runsOf('a').length, 2);
  });

  it('a new kernel after a restart ignores the late output, exit and compute info of the old one', async () => {
    const session = new FakeSession();
    await runToEnd(session, 'a', 'ok', text('first kernel\n'));
    const old = session.kernel;
    const restarting = session.execution.restart();
    old.late('a', text('old timer while shutting down\n'));
    await restarting;
    assert.equal(old.listeners, 0, 'nothing listens to the old kernel');
    await runToEnd(session, 'a', 'ok', text('second kernel\n'));
    assert.notEqual(session.kernel, old);
    old.late('a', text('old timer\n'));
    old.compute({ backend: 'cpu', device: 'old kernel', skipped: [] });
    old.exit({ code: 1, signal: null, stderr: '', expected: false });
    await settle();
    assert.deepEqual(session.cell('a').texts, ['second kernel\n']);
    assert.equal(session.runsOf('a').length, 2, 'no execution was made for the old kernel');
    assert.equal(session.execution.compute, undefined);
    assert.equal(session.execution.state, 'idle');
    assert.deepEqual(session.diedIdle, []);
    session.kernel.late('a', text('new timer\n'));
    session.kernel.compute({ backend: 'tensorflow', device: 'CPU', skipped: [] });
    await until(() => session.runsOf('a')[2]?.state === 'ended', "the new kernel's late output");
    assert.deepEqual(session.cell('a').texts, ['second kernel\n', 'new timer\n']);
    assert.deepEqual(session.execution.compute, { backend: 'tensorflow', device: 'CPU', skipped: [] });
  });
});
