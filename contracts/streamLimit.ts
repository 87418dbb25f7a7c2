// How much stream text one cell's output may hold. The kernel cuts what cell code prints, the
// client cuts what child processes and native code write to fd 1 and 2 around it: both apply the
// same limit and end with the same note, so a learner sees one rule however the text was printed.

/** Beyond this much stream text a cell's output is cut, with a note saying so. */
export const MAX_STREAM_CHARS = 5_000_000;

/** The line that ends a cut stream. */
export const STREAM_TRUNCATED_NOTE = `\n… output truncated: this cell printed more than ${MAX_STREAM_CHARS.toLocaleString('en')} characters.\n`;

/**
 * What of `text` still fits once `before` characters were let through, with the note when it
 * crosses the limit; `undefined` once the limit was already passed (the note has been sent).
 */
export function capStream(before: number, text: string): string | undefined {
  if (before > MAX_STREAM_CHARS) return undefined;
  return before + text.length > MAX_STREAM_CHARS ? `${text.slice(0, MAX_STREAM_CHARS - before)}${STREAM_TRUNCATED_NOTE}` : text;
}
