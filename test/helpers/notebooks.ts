// Notebooks for tests, written the way the product writes them.
import { serializeNotebook, type Cell } from '../../contracts/notebook/format';

/** One cell per source; sources starting with "#" are markdown cells. */
export function notebookText(...sources: string[]): string {
  const cells = sources.map((source, i): Cell =>
    source.startsWith('#')
      ? { id: `m${i}`, kind: 'markdown', source, metadata: {} }
      : { id: `c${i}`, kind: 'code', language: 'typescript', source, metadata: {}, outputs: [] },
  );
  return serializeNotebook({ metadata: {}, cells });
}
