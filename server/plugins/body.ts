// Request bodies are JSON whatever their content type says: clients that send JSON without saying
// so (curl -d sends application/x-www-form-urlencoded) are read as JSON too. A body that is not
// JSON is refused with the parser's own account of where it breaks.
import { RequestError } from '../errors';
import { appWide } from './appWide';

export const jsonBody = appWide('aielab-json-body', async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch (error) {
      done(new RequestError(`the body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });
});
