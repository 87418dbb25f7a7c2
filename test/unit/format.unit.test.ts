import { strict as assert } from 'node:assert';
import { NotebookFormatError, parseNotebook, serializeNotebook, type Notebook } from '../../contracts/notebook/format';

const sample: Notebook = {
  metadata: { title: 'Sample', authors: ['b', 'a'] },
  cells: [
    { id: 'intro', kind: 'markdown', source: '# Title\n\nText with a trailing newline\n', metadata: { tags: ['hint'] } },
    {
      id: 'c1',
      kind: 'code',
      language: 'typescript',
      source: 'const a = 1;\r\nconsole.log(a)',
      metadata: { z: 1, a: { y: 2, b: 3 } },
      executionCount: 4,
      outputs: [
        { kind: 'stream', name: 'stdout', text: '1\n' },
        { kind: 'result', data: { 'text/plain': "'x'\n'y'", 'application/vnd.aielab.table+json': { columns: ['a'], rows: [[1]] } } },
        { kind: 'display', data: { 'text/plain': '[image]', 'image/png': 'iVBORw0KGgo=' } },
        { kind: 'error', name: 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at Cell 2:1:1' },
      ],
    },
    { id: 'empty', kind: 'code', language: 'typescript', source: '', metadata: {}, outputs: [] },
  ],
};

function formatError(fn: () => unknown): NotebookFormatError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof NotebookFormatError, `expected a NotebookFormatError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the notebook to be refused');
}

describe('.aielab format', () => {
  it('round-trips a notebook without losing anything', () => {
    assert.deepEqual(parseNotebook(serializeNotebook(sample)), sample);
  });

  it('writes the same bytes for the same notebook, with sorted metadata and a trailing newline', () => {
    const text = serializeNotebook(sample);
    assert.equal(serializeNotebook(parseNotebook(text)), text);
    assert.ok(text.endsWith('}\n'));
    const reordered = { ...sample, metadata: { authors: ['b', 'a'], title: 'Sample' } };
    assert.equal(serializeNotebook(reordered), text);
    assert.ok(text.indexOf('"a": {') < text.indexOf('"z": 1'), 'cell metadata keys are sorted');
  });

  it('keeps multi-line text as arrays of lines so diffs read line by line', () => {
    const json = JSON.parse(serializeNotebook(sample));
    assert.deepEqual(json.cells[0].source, ['# Title', '', 'Text with a trailing newline', '']);
    assert.deepEqual(json.cells[1].outputs[1].data['text/plain'], ["'x'", "'y'"]);
    assert.deepEqual(json.cells[1].outputs[1].data['application/vnd.aielab.table+json'], { columns: ['a'], rows: [[1]] });
    assert.equal(json.cells[1].outputs[2].data['image/png'], 'iVBORw0KGgo=');
    assert.equal(json.aielab, 1);
    assert.deepEqual(Object.keys(json.cells[1]), ['id', 'kind', 'language', 'source', 'metadata', 'executionCount', 'outputs']);
  });

  it('reads an empty file as an empty notebook (how VS Code creates new files)', () => {
    assert.deepEqual(parseNotebook(''), { metadata: {}, cells: [] });
    assert.deepEqual(parseNotebook('  \n'), { metadata: {}, cells: [] });
  });

  it('accepts hand-written cells: source as one string, no id, no language', () => {
    const text = '{"aielab": 1, "cells": [{"kind": "code", "source": "1 + 1"}, {"kind": "markdown", "source": "# A"}]}';
    const notebook = parseNotebook(text);
    const [code, markdown] = notebook.cells;
    assert.equal(code?.kind === 'code' && code.language, 'typescript');
    assert.match(code?.id ?? '', /^[0-9a-f]{12}$/);
    assert.notEqual(code?.id, markdown?.id);
    assert.deepEqual(parseNotebook(text), notebook, 'derived ids are the same every time');
  });

  it('points at the line and column of broken JSON', () => {
    const err = formatError(() => parseNotebook('{\n  "aielab": 1,\n  "cells": [\n    { "id": "a" "kind": "code" }\n  ]\n}', 'lab.aielab'));
    assert.equal(err.where, 'line 4, column 17');
    assert.match(err.message, /^lab\.aielab: line 4, column 17: not valid JSON: expected ','/);
  });

  it('names the field that has the wrong shape', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['[]', 'the file', /must be a JSON object/],
      ['{"cells": []}', 'the file', /no "aielab" version field.*aielab convert/],
      ['{"aielab": 2, "cells": []}', 'aielab', /newer AI Engineering Lab/],
      ['{"aielab": 1, "cells": {}}', 'cells', /must be an array/],
      ['{"aielab": 1, "cells": [{"id": "a", "kind": "raw"}]}', 'cells[0].kind', /"code" or "markdown", found "raw"/],
      ['{"aielab": 1, "cells": [{"id": "a b", "kind": "code"}]}', 'cells[0].id', /letters, digits/],
      ['{"aielab": 1, "cells": [{"id": "a", "kind": "code"}, {"id": "a", "kind": "markdown"}]}', 'cells[1].id', /unique/],
      ['{"aielab": 1, "cells": [{"id": "a", "kind": "code", "source": 5}]}', 'cells[0].source', /string or an array of lines, found 5/],
      [
        '{"aielab": 1, "cells": [{"id": "a", "kind": "code", "outputs": [{"kind": "result", "data": {}}]}]}',
        'cells[0].outputs[0].data',
        /"text\/plain"/,
      ],
      [
        '{"aielab": 1, "cells": [{"id": "a", "kind": "code", "outputs": [{"kind": "stream", "name": "out", "text": ""}]}]}',
        'cells[0].outputs[0].name',
        /"stdout" or "stderr"/,
      ],
      ['{"aielab": 1, "cells": [{"id": "a", "kind": "code", "executionCount": 1.5}]}', 'cells[0].executionCount', /whole number/],
    ];
    for (const [text, where, problem] of cases) {
      const err = formatError(() => parseNotebook(text));
      assert.equal(err.where, where, text);
      assert.match(err.problem, problem, text);
    }
  });

  it('gives cells that lost or share an id a new one when writing', () => {
    const notebook: Notebook = {
      metadata: {},
      cells: [
        { id: 'same', kind: 'markdown', source: 'a', metadata: {} },
        { id: 'same', kind: 'markdown', source: 'b', metadata: {} },
        { id: '', kind: 'markdown', source: 'c', metadata: {} },
      ],
    };
    const ids = parseNotebook(serializeNotebook(notebook)).cells.map((c) => c.id);
    assert.equal(ids[0], 'same');
    assert.equal(new Set(ids).size, 3);
    assert.equal(serializeNotebook(notebook), serializeNotebook(notebook));
  });
});
