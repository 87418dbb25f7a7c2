// A value the kernel shows richly: a MIME bundle built by one of the SDK's builders (table,
// chart, metrics, confusion, image). Printed with console.log it shows its text rendering.
import { inspect } from 'node:util';
import type { MimeBundle } from '../../protocol';

/** Shared across copies of the SDK, so a Rich from any copy is recognised. */
const RICH = Symbol.for('aielab.rich');

export class Rich {
  readonly [RICH] = true;

  constructor(readonly data: MimeBundle) {}

  [inspect.custom](): string {
    return this.data['text/plain'];
  }
}

export function isRich(value: unknown): value is Rich {
  return typeof value === 'object' && value !== null && (value as { [RICH]?: boolean })[RICH] === true;
}
