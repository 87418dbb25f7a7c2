import { strict as assert } from 'node:assert';
import { MIME, type CheckPayload } from '../../contracts/mime';
import type { MimeBundle } from '../../contracts/protocol';
import { CheckFailed, checks, digest, expect } from '../../sdk';
import { useDisplaySink } from '../../sdk/display/display';

function failure(run: () => void): string {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  return 'did not fail';
}

describe('expect() in check cells', () => {
  it('passes what holds', () => {
    expect(2 + 2).toBe(4);
    expect({ a: [1, 2] }).toEqual({ a: [1, 2] });
    expect(0.1 + 0.2).toBeCloseTo(0.3);
    expect(0.81).toBeCloseTo(0.8, { within: 0.02 });
    expect([1, 2, 3]).toContain(2);
    expect('hello').toMatch(/ell/);
    expect(() => JSON.parse('{')).toThrow(/JSON/);
    expect(' B ', 'q1').toMatchAnswer(digest('b'));
  });

  it('says what was expected and what it got, in words a learner reads', () => {
    assert.equal(
      failure(() => expect(0.81, 'accuracy').toBeCloseTo(0.95, { within: 0.02 })),
      'accuracy: expected a number within 0.02 of 0.95, got 0.81',
    );
    assert.equal(
      failure(() => expect(undefined, 'accuracy').toBeAtLeast(0.9)),
      'accuracy: expected a number, got undefined (it is undefined: did you assign it and run the exercise cell?)',
    );
    assert.equal(
      failure(() => expect(undefined, 'model').toBeDefined()),
      'model is undefined: assign it in the exercise above and run that cell',
    );
    assert.equal(
      failure(() => expect([1, 2], 'rows').toHaveLength(3)),
      'rows: expected 3 items, got 2',
    );
    assert.equal(
      failure(() => expect(['a'], 'labels').toEqual(['a', 'b'])),
      "labels: expected [ 'a', 'b' ], got [ 'a' ]",
    );
    assert.equal(
      failure(() => expect(() => 1, 'parse').toThrow()),
      'parse: expected it to throw an error, and it did not',
    );
    assert.equal(
      failure(() => expect(5, 'k').toSatisfy((k) => k % 2 === 0, 'an even number')),
      'k: expected an even number, got 5',
    );
  });

  it('checks quiz answers by digest without giving them away', () => {
    assert.equal(
      failure(() => expect('', 'question 1').toMatchAnswer(digest('c'), 'Reread step 4.')),
      'question 1 has no answer yet. Reread step 4.',
    );
    const wrong = failure(() => expect('a', 'question 1').toMatchAnswer(digest('c')));
    assert.equal(wrong, "question 1: 'a' is not the right answer");
    assert.ok(!wrong.includes("'c'"));
  });
});

describe('checks()', () => {
  let shown: MimeBundle[] = [];
  before(() => useDisplaySink({ show: (data) => shown.push(data), update: () => undefined }));
  after(() => useDisplaySink(undefined));
  beforeEach(() => {
    shown = [];
  });

  it('runs every check, shows one result and fails the cell when any check failed', async () => {
    const answer = 41;
    await assert.rejects(
      checks({
        'the answer is 42': () => expect(answer, 'answer').toBe(42),
        'the answer is a number': () => expect(typeof answer).toBe('number'),
        'a later cell ran': async () => {
          await Promise.resolve();
          throw new ReferenceError('model is not defined');
        },
      }),
      (err: CheckFailed) =>
        err.name === 'CheckFailed' && err.message === '2 of 3 checks failed. Fix the exercise above, run it, then run this cell again.',
    );
    const payload = shown[0]?.[MIME.check] as CheckPayload;
    assert.deepEqual(payload, {
      items: [
        { name: 'the answer is 42', passed: false, message: 'answer: expected 42, got 41' },
        { name: 'the answer is a number', passed: true },
        {
          name: 'a later cell ran',
          passed: false,
          message: 'model is not defined: run the cells above first (Run All runs them in order), then this one',
        },
      ],
      passed: 1,
      total: 3,
    });
    assert.equal(
      shown[0]?.['text/plain'],
      '1 of 3 checks passed\n✗ the answer is 42\n    answer: expected 42, got 41\n✓ the answer is a number\n✗ a later cell ran\n    model is not defined: run the cells above first (Run All runs them in order), then this one',
    );
  });

  it('resolves quietly when everything passed', async () => {
    assert.equal(await checks({ ok: () => expect(1).toBe(1) }, { title: 'Quiz' }), undefined);
    assert.match(shown[0]?.['text/plain'] ?? '', /^Quiz: 1 of 1 checks passed\n✓ ok$/);
  });
});
