import { strict as assert } from 'node:assert';
import { MAX_STREAM_CHARS, OutputQueue } from '../../kernels/process/outputQueue';
import type { OutputParams } from '../../contracts/protocol';

const stream = (executionId: number, name: 'stdout' | 'stderr', text: string): OutputParams => ({
  executionId,
  cellId: 'c',
  output: { kind: 'stream', name, text },
});

describe('output queue', () => {
  it('joins consecutive text of one stream and keeps the order of everything else', () => {
    const sent: OutputParams[] = [];
    const queue = new OutputQueue((p) => sent.push(p));
    queue.push(stream(1, 'stdout', 'a'));
    queue.push(stream(1, 'stdout', 'b'));
    queue.push(stream(1, 'stderr', 'c'));
    queue.push(stream(1, 'stdout', 'd'));
    assert.equal(sent.length, 0, 'stream text waits for the next tick of the timer');
    queue.push({ executionId: 1, cellId: 'c', output: { kind: 'result', data: { 'text/plain': '1' } } });
    assert.deepEqual(
      sent.map((p) => (p.output.kind === 'stream' ? p.output.text : p.output.kind)),
      ['ab', 'c', 'd', 'result'],
    );
  });

  it('collapses updates of one display within the window into the last, keeping other displays apart', () => {
    const sent: OutputParams[] = [];
    const queue = new OutputQueue((p) => sent.push(p));
    const update = (displayId: string, text: string): OutputParams => ({
      executionId: 1,
      cellId: 'c',
      output: { kind: 'update', displayId, data: { 'text/plain': text } },
    });
    for (let i = 0; i < 1000; i++) queue.push(update('a', String(i)));
    queue.push(update('b', 'x'));
    queue.flush();
    assert.deepEqual(
      sent.map((p) => (p.output.kind === 'update' ? `${p.output.displayId}=${p.output.data['text/plain']}` : '')),
      ['a=999', 'b=x'],
    );
  });

  it('sends queued stream text on its own after a short delay', async () => {
    const sent: OutputParams[] = [];
    const queue = new OutputQueue((p) => sent.push(p));
    queue.push(stream(1, 'stdout', 'x'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(sent.length, 1);
  });

  it('cuts a cell that prints without end, once, with a note', () => {
    const sent: OutputParams[] = [];
    const queue = new OutputQueue((p) => sent.push(p));
    const chunk = 'x'.repeat(1_000_000);
    for (let i = 0; i < 8; i++) queue.push(stream(7, 'stdout', chunk));
    queue.flush();
    const text = sent.map((p) => (p.output.kind === 'stream' ? p.output.text : '')).join('');
    assert.ok(text.length < MAX_STREAM_CHARS + 200, `${text.length} characters sent`);
    assert.ok(text.endsWith('\n… output truncated: this cell printed more than 5,000,000 characters.\n'), 'ends with the note');
    assert.equal(text.split('truncated').length, 2, 'the note appears once');
    queue.forget(7);
    queue.push(stream(7, 'stdout', 'after'));
    queue.flush();
    assert.equal((sent.at(-1)?.output as { text: string }).text, 'after');
  });
});
