import { strict as assert } from 'node:assert';
import { codeFrame, syntaxErrorOutput } from '../../kernels/process/errorFormat';

describe('error format', () => {
  it('shows the failing line with two lines before it and a caret under the column', () => {
    const source = 'const a = 1;\nconst b = 2;\nconst c = a.b.c;\nconst d = 4;';
    assert.equal(
      codeFrame({ label: 'Cell 3', source }, 3, 12),
      ['Cell 3, line 3:', '  1 | const a = 1;', '  2 | const b = 2;', '> 3 | const c = a.b.c;', '    |             ^'].join('\n'),
    );
  });

  it('keeps tabs so the caret lines up', () => {
    assert.match(codeFrame({ label: 'Cell 1', source: '\tx.y' }, 1, 2), /\| \t {1}\^$/);
  });

  it('makes a syntax error read like a runtime one, located in the cell', () => {
    const out = syntaxErrorOutput({ label: 'Cell 2', source: 'let = 1' }, 'Expected identifier', 1, 4);
    assert.equal(out.name, 'SyntaxError');
    assert.match(out.stack, /^SyntaxError: Expected identifier\n {4}at Cell 2:1:5\n\nCell 2, line 1:/);
  });
});
