// The queue of a notebook's cells in the VS Code host, on a fake kernel and fake executions: one
// cell at a time in order, Jupyter's stop-on-error, interrupt, per-cell cancel, kernel death.
import { strict as assert } from 'node:assert';
import { FakeSession, settle, until } from '../helpers/fakeKernelSession';

describe('cell queue (VS Code host, without VS Code)', () => {
  it('runs queued cells in order, one at a time, numbering them', async () => {
    const session = new FakeSession();
    const [a, b, c] = session.run('a', 'b', 'c');
    const kernel = await session.running('a');
    assert.deepEqual([a?.state, b?.state, c?.state], ['started', 'pending', 'pending'], 'only the first cell has started');
    kernel.finish('ok');
    await session.running('b');
    assert.equal(c?.state, 'pending', 'the third waits while the second runs');
    kernel.finish('ok');
    await session.running('c');
    kernel.finish('ok');
    await session.execution.settled();
    assert.deepEqual(session.journal, ['start a', 'end a true', 'start b', 'end b true', 'start c', 'end c true']);
    assert.deepEqual(
      kernel.requests.map((r) => r.cellId),
      ['a', 'b', 'c'],
    );
    assert.deepEqual([a?.executionOrder, b?.executionOrder, c?.executionOrder], [1, 2, 3]);
    assert.equal(session.kernels.length, 1, 'one kernel runs them all');
    assert.equal(session.execution.state, 'idle');
  });

  it('queues cells run while another runs behind it', async () => {
    const session = new FakeSession();
    session.run('a');
    const kernel = await session.running('a');
    const [b] = session.run('b');
    await settle();
    assert.equal(b?.state, 'pending');
    kernel.finish('ok');
    await session.running('b');
    kernel.finish('ok');
    await session.execution.settled();
    assert.deepEqual(
      kernel.requests.map((r) => r.cellId),
      ['a', 'b'],
    );
  });

  it('ends the cells queued behind a failing cell without running them, as Jupyter does', async () => {
    const session = new FakeSession();
    const [a, b, c] = session.run('a', 'b', 'c');
    const kernel = await session.running('a');
    kernel.output({ kind: 'error', name: 'TypeError', message: 'x is not a function', stack: 'TypeError: x is not a function' });
    kernel.finish('error');
    await session.execution.settled();
    assert.deepEqual(
      kernel.requests.map((r) => r.cellId),
      ['a'],
      'the kernel ran only the failing cell',
    );
    assert.equal(a?.success, false);
    for (const run of [b, c]) {
      assert.equal(run?.state, 'ended');
      assert.equal(run?.success, undefined, 'a cell that never ran neither succeeded nor failed');
      assert.equal(run?.startTime, undefined);
    }
    assert.deepEqual(session.journal, ['start a', 'end a false', 'end b undefined', 'end c undefined']);
    assert.deepEqual(session.cell('a').texts, ['TypeError: x is not a function']);
    // The next run starts afresh: the failure stopped what was queued then, not the queue.
    session.run('b');
    await session.running('b');
  });

  it('interrupt stops the running cell and drops the cells waiting behind it', async () => {
    const session = new FakeSession();
    const [a, b, c] = session.run('a', 'b', 'c');
    const kernel = await session.running('a');
    await session.execution.interrupt();
    assert.equal(kernel.interrupts, 1, 'the kernel was asked to stop the running cell');
    assert.deepEqual([b?.state, c?.state], ['ended', 'ended'], 'waiting cells end at once, not when the running one stops');
    assert.equal(a?.state, 'started');
    kernel.finish('interrupted');
    await session.execution.settled();
    assert.deepEqual(
      kernel.requests.map((r) => r.cellId),
      ['a'],
    );
    assert.equal(a?.success, false);
    assert.deepEqual(session.stuck, [], 'a cell that stopped is not offered a restart');
  });

  it("a waiting cell's own stop drops that cell alone", async () => {
    const session = new FakeSession();
    const [a, b, c] = session.run('a', 'b', 'c');
    const kernel = await session.running('a');
    b?.token.cancel();
    assert.equal(b?.state, 'ended');
    assert.equal(b?.success, undefined);
    assert.equal(kernel.interrupts, 0, 'the running cell goes on');
    assert.equal(c?.state, 'pending');
    kernel.finish('ok');
    await session.running('c');
    kernel.finish('ok');
    await session.execution.settled();
    assert.deepEqual(
      kernel.requests.map((r) => r.cellId),
      ['a', 'c'],
    );
    assert.deepEqual([a?.executionOrder, c?.executionOrder], [1, 2]);
  });

  it("the running cell's own stop interrupts it, and a cell that does not stop is offered a restart", async () => {
    const session = new FakeSession(20);
    const [a, b] = session.run('a', 'b');
    const kernel = await session.running('a');
    a?.token.cancel();
    await until(() => kernel.interrupts === 1, 'the interrupt');
    assert.equal(b?.state, 'ended');
    await until(() => session.stuck.length > 0, 'the restart offer');
    assert.equal(session.stuck[0], a);
    kernel.finish('interrupted');
    await session.execution.settled();
  });

  it('reports a kernel that dies under a cell in that cell, drops the queue and starts a new kernel on the next run', async () => {
    const session = new FakeSession();
    const [, b] = session.run('a', 'b');
    const kernel = await session.running('a');
    kernel.exit({ code: null, signal: 'SIGKILL', stderr: '', expected: false });
    await session.execution.settled();
    assert.equal(session.execution.state, 'dead');
    assert.equal(b?.success, undefined);
    assert.match(session.cell('a').texts.join('\n'), /KernelDied: The kernel was killed \(SIGKILL\).*It happened while running Cell a/);
    assert.deepEqual(session.diedIdle, [], 'the cell says it; no message on top');
    assert.equal(kernel.listeners, 0, 'nothing listens to a dead kernel');
    const [again] = session.run('b');
    const second = await session.running('b');
    assert.notEqual(second, kernel);
    second.finish('ok');
    await session.execution.settled();
    assert.equal(again?.executionOrder, 1, 'a new kernel counts from 1');
  });

  it('says so when the kernel dies while no cell runs', async () => {
    const session = new FakeSession();
    session.run('a');
    const kernel = await session.running('a');
    kernel.finish('ok');
    await session.execution.settled();
    kernel.exit({ code: 3, signal: null, stderr: '', expected: false });
    assert.equal(session.execution.state, 'dead');
    assert.equal(session.diedIdle.length, 1);
    assert.match(session.diedIdle[0]?.message ?? '', /exited with code 3.*while no cell was running/);
  });
});
