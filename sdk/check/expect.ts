// expect(): assertions for lab checks, with messages written for a learner ("accuracy: expected a
// number within 0.02 of 0.95, got 0.81") rather than a test runner's diff.
import { createHash } from 'node:crypto';
import { isDeepStrictEqual, inspect } from 'node:util';

/** A check's expectation that did not hold; its message is what the learner reads. */
export class ExpectationFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpectationFailed';
  }
}

export interface CloseOptions {
  /** Largest allowed difference (default 1e-6). */
  within?: number;
}

export class Expectation<T> {
  constructor(
    private readonly actual: T,
    private readonly label: string,
  ) {}

  toBe(expected: T): void {
    if (!Object.is(this.actual, expected)) this.fail(`expected ${show(expected)}, got ${show(this.actual)}`);
  }

  /** Same structure and values (arrays, objects, Maps, Sets), however they were built. */
  toEqual(expected: unknown): void {
    if (!isDeepStrictEqual(this.actual, expected)) this.fail(`expected ${show(expected)}, got ${show(this.actual)}`);
  }

  toBeCloseTo(expected: number, options: CloseOptions = {}): void {
    const within = options.within ?? 1e-6;
    const actual = this.number();
    if (!(Math.abs(actual - expected) <= within)) this.fail(`expected a number within ${within} of ${expected}, got ${show(actual)}`);
  }

  toBeGreaterThan(limit: number): void {
    if (!(this.number() > limit)) this.fail(`expected more than ${limit}, got ${show(this.actual)}`);
  }

  toBeAtLeast(limit: number): void {
    if (!(this.number() >= limit)) this.fail(`expected at least ${limit}, got ${show(this.actual)}`);
  }

  toBeLessThan(limit: number): void {
    if (!(this.number() < limit)) this.fail(`expected less than ${limit}, got ${show(this.actual)}`);
  }

  toBeAtMost(limit: number): void {
    if (!(this.number() <= limit)) this.fail(`expected at most ${limit}, got ${show(this.actual)}`);
  }

  toBeBetween(low: number, high: number): void {
    const actual = this.number();
    if (!(actual >= low && actual <= high)) this.fail(`expected a number from ${low} to ${high}, got ${show(actual)}`);
  }

  toBeOneOf(options: readonly T[]): void {
    if (!options.some((o) => Object.is(o, this.actual)))
      this.fail(`expected one of ${options.map(show).join(', ')}, got ${show(this.actual)}`);
  }

  toBeTruthy(): void {
    if (!this.actual) this.fail(`expected a true value, got ${show(this.actual)}`);
  }

  toBeDefined(): void {
    if (this.actual === undefined) this.fail('is undefined: assign it in the exercise above and run that cell');
  }

  toContain(item: unknown): void {
    const actual = this.actual as unknown;
    const found =
      typeof actual === 'string'
        ? typeof item === 'string' && actual.includes(item)
        : isIterable(actual) && [...actual].some((x) => isDeepStrictEqual(x, item));
    if (!found) this.fail(`expected it to contain ${show(item)}, got ${show(actual)}`);
  }

  toHaveLength(length: number): void {
    const actual = (this.actual as { length?: unknown } | null | undefined)?.length;
    if (typeof actual !== 'number') this.fail(`expected something with a length, got ${show(this.actual)}`);
    if (actual !== length) this.fail(`expected ${length} items, got ${actual}`);
  }

  toMatch(pattern: RegExp): void {
    if (typeof this.actual !== 'string') this.fail(`expected text matching ${pattern}, got ${show(this.actual)}`);
    if (!pattern.test(this.actual)) this.fail(`expected text matching ${pattern}, got ${show(this.actual)}`);
  }

  /** The value is a function that throws (with a message matching `pattern`, when given). */
  toThrow(pattern?: RegExp | string): void {
    if (typeof this.actual !== 'function') this.fail(`expected a function to call, got ${show(this.actual)}`);
    try {
      (this.actual as () => unknown)();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const matches = pattern === undefined || (typeof pattern === 'string' ? message.includes(pattern) : pattern.test(message));
      if (!matches) this.fail(`expected an error saying ${typeof pattern === 'string' ? show(pattern) : pattern}, got ${show(message)}`);
      return;
    }
    this.fail('expected it to throw an error, and it did not');
  }

  /** Any rule of your own: `expect(split).toSatisfy((s) => s.train.length > 0, 'a non-empty training set')`. */
  toSatisfy(predicate: (value: T) => boolean, description: string): void {
    if (!predicate(this.actual)) this.fail(`expected ${description}, got ${show(this.actual)}`);
  }

  /** A quiz answer compared by its digest (see `digest()`), so the check cell does not give the
   * answer away; `hint` is what a wrong answer is told. */
  toMatchAnswer(answerDigest: string, hint?: string): void {
    const given = this.actual === undefined || this.actual === null ? '' : String(this.actual).trim();
    if (!given) this.fail(`has no answer yet${hint ? `. ${hint}` : ''}`);
    if (digest(given) !== answerDigest) this.fail(`${show(given)} is not the right answer${hint ? `. ${hint}` : ''}`);
  }

  private number(): number {
    if (typeof this.actual !== 'number' || Number.isNaN(this.actual)) this.fail(`expected a number, got ${show(this.actual)}`);
    return this.actual as number;
  }

  private fail(problem: string): never {
    const hint =
      this.actual === undefined && !/^(is undefined|has no answer)/.test(problem)
        ? ' (it is undefined: did you assign it and run the exercise cell?)'
        : '';
    throw new ExpectationFailed(`${this.label}${/^(is|has) /.test(problem) ? ' ' : ': '}${problem}${hint}`);
  }
}

/** `expect(value, 'what it is')`: the label starts every message about the value. */
export function expect<T>(actual: T, label = 'the value'): Expectation<T> {
  return new Expectation(actual, label);
}

/** The digest `toMatchAnswer` compares: answers match whatever their case and surrounding spaces. */
export function digest(answer: unknown): string {
  return createHash('sha256').update(String(answer).trim().toLowerCase()).digest('hex').slice(0, 16);
}

function show(value: unknown): string {
  const text = inspect(value, { depth: 2, maxArrayLength: 8, breakLength: Infinity, maxStringLength: 80 });
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value;
}
