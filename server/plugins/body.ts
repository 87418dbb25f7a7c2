// Request bodies are JSON whatever their content type says: clients that send JSON without saying
// so (curl -d sends application/x-www-form-urlencoded) are read as JSON too. A body that is not
// JSON is refused with the parser's own account of where it breaks, and so is one nested deeper
// than any request of the protocol needs: the code that reads a parsed body (and error messages
// quoting a part of it) may recurse, and 50,000 nested lists overflow the stack.
import { RequestError } from '../errors';
import { appWide } from './appWide';

/** { inputs: [{ data: [[…]] }] } is 4 levels plus the tensor's rank; 32 leaves room for rank 28. */
export const MAX_JSON_DEPTH = 32;

export const jsonBody = appWide('aielab-json-body', async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (nestedPast(text, MAX_JSON_DEPTH))
      return done(
        new RequestError(`the body nests lists or objects more than ${MAX_JSON_DEPTH} levels deep; no request needs that`),
        undefined,
      );
    try {
      done(null, text === '' ? undefined : JSON.parse(text));
    } catch (error) {
      done(new RequestError(`the body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });
});

/** Whether JSON text opens more than `limit` lists or objects at once (brackets in strings do not count). */
export function nestedPast(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
