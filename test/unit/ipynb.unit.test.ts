import { strict as assert } from 'node:assert';
import type { Notebook } from '../../contracts/notebook/format';
import { fromIpynb, toIpynb } from '../../contracts/notebook/ipynb';

const notebook: Notebook = {
  metadata: { course: 'AIE101' },
  cells: [
    { id: 'md', kind: 'markdown', source: '# Lab\nline two', metadata: { tags: ['explanation'] } },
    {
      id: 'code1',
      kind: 'code',
      language: 'typescript',
      source: 'console.log(1)\n1 + 1',
      metadata: {},
      executionCount: 3,
      outputs: [
        { kind: 'stream', name: 'stdout', text: '1\n' },
        { kind: 'stream', name: 'stderr', text: 'warn\n' },
        { kind: 'result', data: { 'text/plain': '2' } },
        { kind: 'display', data: { 'text/plain': 'a\nb', 'application/json': { a: [1, 2] } } },
        { kind: 'error', name: 'RangeError', message: 'bad', stack: 'RangeError: bad\n    at Cell 2:2:1' },
      ],
    },
    { id: 'unrun', kind: 'code', language: 'typescript', source: '', metadata: {}, outputs: [] },
  ],
};

describe('ipynb conversion', () => {
  it('writes nbformat 4.5 with the AI Lab kernelspec and Jupyter output types', () => {
    const nb = JSON.parse(toIpynb(notebook));
    assert.equal(nb.nbformat, 4);
    assert.equal(nb.nbformat_minor, 5);
    assert.equal(nb.metadata.kernelspec.name, 'aielab-typescript');
    assert.equal(nb.metadata.language_info.name, 'typescript');
    assert.equal(nb.metadata.course, 'AIE101');
    const [md, code, unrun] = nb.cells;
    assert.deepEqual(md.source, ['# Lab\n', 'line two']);
    assert.equal(md.cell_type, 'markdown');
    assert.equal(code.execution_count, 3);
    assert.deepEqual(
      code.outputs.map((o: { output_type: string }) => o.output_type),
      ['stream', 'stream', 'execute_result', 'display_data', 'error'],
    );
    assert.deepEqual(code.outputs[0], { name: 'stdout', output_type: 'stream', text: ['1\n'] });
    assert.equal(code.outputs[2].execution_count, 3);
    assert.deepEqual(code.outputs[3].data['application/json'], { a: [1, 2] });
    assert.deepEqual(code.outputs[4], {
      ename: 'RangeError',
      evalue: 'bad',
      output_type: 'error',
      traceback: ['RangeError: bad', '    at Cell 2:2:1'],
    });
    assert.equal(unrun.execution_count, null);
    assert.deepEqual(unrun.source, []);
  });

  it('comes back from .ipynb as the same notebook', () => {
    const { result, warnings } = fromIpynb(toIpynb(notebook));
    assert.deepEqual(warnings, []);
    assert.deepEqual(result, notebook);
  });

  it('reads notebooks Jupyter wrote: string sources, missing ids, raw cells, other languages', () => {
    const jupyter = {
      nbformat: 4,
      nbformat_minor: 4,
      metadata: { kernelspec: { name: 'python3', language: 'python' }, language_info: { name: 'python' } },
      cells: [
        { cell_type: 'markdown', metadata: {}, source: 'plain string', attachments: { 'a.png': {} } },
        { cell_type: 'raw', metadata: {}, source: ['raw\n', 'text'] },
        {
          cell_type: 'code',
          metadata: { tags: ['x'] },
          execution_count: 1,
          source: ['print(1)'],
          outputs: [
            { output_type: 'display_data', data: { 'image/png': ['iVBOR\n', 'w0KGgo='] }, metadata: {} },
            { output_type: 'unknown_type' },
          ],
        },
      ],
    };
    const { result, warnings } = fromIpynb(JSON.stringify(jupyter));
    assert.equal(result.cells.length, 3);
    assert.equal(result.cells[1]?.kind, 'markdown');
    assert.equal(result.cells[1]?.source, 'raw\ntext');
    const code = result.cells[2];
    assert.ok(code?.kind === 'code');
    assert.equal(code.language, 'python');
    assert.deepEqual(code.metadata, { tags: ['x'] });
    assert.deepEqual(code.outputs, [{ kind: 'display', data: { 'image/png': 'iVBOR\nw0KGgo=', 'text/plain': '[image/png]' } }]);
    assert.equal(new Set(result.cells.map((c) => c.id)).size, 3);
    assert.equal(warnings.length, 4);
    assert.match(warnings.join('\n'), /language is python/);
    assert.match(warnings.join('\n'), /attachments/);
    assert.match(warnings.join('\n'), /raw cell/);
    assert.match(warnings.join('\n'), /unknown_type/);
  });

  it('refuses what it cannot convert, saying why', () => {
    assert.throws(() => fromIpynb('{"nbformat": 3, "worksheets": []}', 'old.ipynb'), /old\.ipynb: nbformat: only nbformat 4.*upgrade/);
    assert.throws(() => fromIpynb('{"nbformat": 4,', 'cut.ipynb'), /cut\.ipynb: line 1, column 16: not valid JSON/);
  });
});
