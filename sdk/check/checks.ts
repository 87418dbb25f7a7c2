// checks(): what a lab's check cell runs. Every check runs (so a learner sees all that is wrong
// at once and partial credit can be given), the results show as one output, and the cell fails
// when any check did, so Run All stops there like at a failing test.
import { MIME, type CheckPayload } from '../../contracts/mime';
import { QUIET_ERROR } from '../../contracts/quietError';
import { display } from '../display/display';
import { Rich } from '../display/rich';
import { ExpectationFailed } from './expect';

export class CheckFailed extends Error {
  readonly [QUIET_ERROR] = true;

  constructor(readonly result: CheckPayload) {
    const failed = result.total - result.passed;
    super(
      `${failed} of ${result.total} check${result.total === 1 ? '' : 's'} failed. Fix the exercise above, run it, then run this cell again.`,
    );
    this.name = 'CheckFailed';
  }
}

export interface ChecksOptions {
  title?: string;
}

/** `await checks({ 'the split keeps 80% for training': () => expect(train.length).toBe(120) })` */
export async function checks(items: Readonly<Record<string, () => unknown>>, options: ChecksOptions = {}): Promise<void> {
  const payload = await runChecks(items, options);
  if (payload.passed < payload.total) throw new CheckFailed(payload);
}

/** Runs every check and shows the results; what `checks()` and a grader's own `checks` share. */
export async function runChecks(items: Readonly<Record<string, () => unknown>>, options: ChecksOptions = {}): Promise<CheckPayload> {
  const names = Object.keys(items);
  if (!names.length) throw new TypeError('checks() needs at least one check: { "what is checked": () => expect(…)… }');
  const results: CheckPayload['items'] = [];
  for (const name of names) {
    try {
      await (items[name] as () => unknown)();
      results.push({ name, passed: true });
    } catch (err) {
      results.push({ name, passed: false, message: explain(err) });
    }
  }
  const payload: CheckPayload = {
    ...(options.title ? { title: options.title } : {}),
    items: results,
    passed: results.filter((r) => r.passed).length,
    total: results.length,
  };
  display(new Rich({ [MIME.check]: payload, 'text/plain': checkText(payload) }));
  return payload;
}

function explain(err: unknown): string {
  try {
    return describe(err);
  } catch {
    return 'threw a value that cannot be described';
  }
}

function describe(err: unknown): string {
  if (err instanceof ExpectationFailed) return err.message;
  if (err instanceof ReferenceError) return `${err.message}: run the cells above first (Run All runs them in order), then this one`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return `threw ${String(err)}`;
}

export function checkText(payload: CheckPayload): string {
  const lines = payload.items.map((item) => `${item.passed ? '✓' : '✗'} ${item.name}${item.message ? `\n    ${item.message}` : ''}`);
  return [`${payload.title ? `${payload.title}: ` : ''}${payload.passed} of ${payload.total} checks passed`, ...lines].join('\n');
}
