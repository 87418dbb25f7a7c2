// A value the kernel shows richly: a MIME bundle built by one of the SDK's builders (table,
// chart, metrics, confusion, image). Printed with console.log it shows its text rendering.
import { inspect } from 'node:util';
import type { MimeBundle } from '../../contracts/protocol';

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

/** A method that SDK results (a confusion matrix, a ROC curve) implement to show themselves richly. */
export const RICH_VIEW = Symbol.for('aielab.richView');

export interface RichView {
  [RICH_VIEW](): Rich;
}

export function hasRichView(value: unknown): value is RichView {
  return typeof value === 'object' && value !== null && typeof (value as Partial<RichView>)[RICH_VIEW] === 'function';
}
