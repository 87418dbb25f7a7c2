import { strict as assert } from 'node:assert';
import { createContext, runInContext, type Context } from 'node:vm';
import { pickNamed } from '../../kernels/process/moduleLoader';
import { CELL_RUNTIME } from '../../kernels/transpile/cellRuntime';
import { CellSyntaxError, compileCell } from '../../kernels/transpile/compileCell';
import { rewriteCell } from '../../kernels/transpile/rewrite';
import { tracePosition } from '../../kernels/transpile/sourcePosition';

/** A context standing in for the kernel: cells run one after another and share its globals. */
class FakeKernel {
  readonly flags = new Int32Array(3);
  readonly imported: string[] = [];
  readonly context: Context;

  constructor(modules: Record<string, Record<string, unknown>> = {}) {
    this.context = createContext({
      console,
      Atomics,
      setTimeout,
      [CELL_RUNTIME.flags]: this.flags,
      [CELL_RUNTIME.interrupted]: () => {
        throw new Error('interrupted');
      },
      [CELL_RUNTIME.resumed]: (value: unknown) => value,
      [CELL_RUNTIME.importModule]: async (specifier: string) => {
        this.imported.push(specifier);
        const found = modules[specifier];
        if (!found) throw new Error(`no module ${specifier}`);
        return found;
      },
      [CELL_RUNTIME.named]: pickNamed,
      [CELL_RUNTIME.importMeta]: { url: 'file:///lab/notebook.aielab' },
    });
  }

  /** `grader`: run the cell as a trusted one, handing its function the grader's `checks` and `expect`. */
  async run(source: string, grader?: Record<string, unknown>): Promise<unknown> {
    const compiled = await compileCell(source, { trusted: grader !== undefined });
    const script = runInContext(compiled.code, this.context) as unknown;
    const completion = grader ? (script as (g: unknown) => unknown)(grader) : script;
    const result = (await completion) as { value: unknown } | undefined;
    // Values made in the context have its prototypes; a JSON copy compares cleanly with ours.
    return result?.value === undefined ? undefined : JSON.parse(JSON.stringify(result.value));
  }
}

describe('cell compilation', () => {
  it("gives a trusted cell the grader's checks and expect, whatever the notebook bound to those names", async () => {
    const sdk = { checks: () => 'the notebook’s checks', expect: () => 'the notebook’s expect', table: () => 'table' };
    const k = new FakeKernel({ aielab: sdk });
    await k.run("import { checks, expect } from 'aielab';\nconst checks2 = checks;");
    await k.run("var checks = () => 'forged';");
    const grader = { checks: () => 'grader checks', expect: () => 'grader expect' };
    assert.deepEqual(await k.run('[checks(), expect()]', grader), ['grader checks', 'grader expect']);
    // An import of them, under any alias, binds the grader's too; other imports load as usual.
    assert.deepEqual(
      await k.run("import { checks as c, expect, table } from 'aielab';\nconst seen = [c(), expect(), table()];\nseen", grader),
      ['grader checks', 'grader expect', 'table'],
    );
    // Its own declarations still reach later cells; the notebook's names are left as they were.
    assert.deepEqual(await k.run('[seen.length, checks(), checks2()]'), [3, 'forged', 'the notebook’s checks']);
  });

  it("keeps a trusted cell's bindings its own while it awaits: a timer rebinding the global changes nothing", async () => {
    const k = new FakeKernel();
    // A function of the notebook's that the check calls: it rebinds the global 5 ms later, while the check awaits.
    await k.run("function rebindSoon() { setTimeout(() => { globalThis.target = 'rebound'; }, 5); }");
    const grader = { checks: () => undefined, expect: () => undefined };
    assert.equal(
      await k.run("const target = 'computed';\nrebindSoon();\nawait new Promise((resolve) => setTimeout(resolve, 50));\ntarget", grader),
      'computed',
    );
    assert.equal(await k.run('target'), 'rebound', 'the global copy is what the timer left');
  });

  it('compiles a trusted cell to a function that runs nothing until called', async () => {
    const compiled = await compileCell('sideEffect = 1;', { trusted: true });
    const context = createContext({ sideEffect: 0 });
    const fn = runInContext(compiled.code, context) as unknown;
    assert.equal(typeof fn, 'function');
    assert.equal(context.sideEffect, 0);
  });

  it('keeps top-level declarations across cells and lets a later cell declare them again', async () => {
    const k = new FakeKernel();
    await k.run('const a: number = 1;\nlet b = 2;\nvar c = 3;');
    assert.equal(await k.run('a + b + c'), 6);
    await k.run("const a = 'again';\nlet b;");
    assert.equal(await k.run('`${a} ${b}`'), 'again undefined');
  });

  it('binds every name of a destructuring declaration', async () => {
    const k = new FakeKernel();
    await k.run('const { x, y: [z, ...rest], w = 5 } = { x: 1, y: [2, 3, 4] };');
    assert.deepEqual(await k.run('[x, z, rest, w]'), [1, 2, [3, 4], 5]);
  });

  it('hoists functions within a cell and shares functions and classes with later cells', async () => {
    const k = new FakeKernel();
    assert.equal(await k.run('const early = twice(4);\nfunction twice(n: number) { return 2 * n; }\nearly'), 8);
    await k.run('class Point { constructor(public x: number) {} norm() { return Math.abs(this.x); } }');
    assert.equal(await k.run('new Point(-3).norm() + twice(1)'), 5);
  });

  it('keeps TypeScript-only constructs working: enums, namespaces, type-only imports', async () => {
    const k = new FakeKernel();
    await k.run(
      "import type { Foo } from 'nowhere';\nenum Color { Red, Green }\nnamespace Geo { export const unit = 1; }\ninterface I { a: number }\ntype T = I | null;",
    );
    assert.deepEqual(await k.run('[Color.Green, Color[0], Geo.unit]'), [1, 'Red', 1]);
    assert.deepEqual(k.imported, [], 'a type-only import loads nothing');
  });

  it('shows the last expression and nothing for a declaration or a statement', async () => {
    const k = new FakeKernel();
    assert.equal(await k.run('const v = 1;'), undefined);
    assert.equal(await k.run('v + 1;\n'), 2);
    assert.equal(await k.run('if (v) { 5 }'), undefined);
    assert.deepEqual(await k.run('({ a: 1 })'), { a: 1 });
  });

  it('supports top-level await, also in for-await and loops', async () => {
    const k = new FakeKernel();
    const value = await k.run(
      'let total = 0;\nfor await (const n of [Promise.resolve(1), 2]) total += n;\nawait Promise.resolve(total * 10)',
    );
    assert.equal(value, 30);
  });

  it('loads static and dynamic imports through the kernel, named exports checked', async () => {
    const k = new FakeKernel({ 'node:path': { default: { sep: '/' }, join: (...p: string[]) => p.join('/') }, esm: { value: 42 } });
    await k.run("import path, { join as j } from 'node:path';\nimport * as ns from 'esm';\nimport 'esm';");
    assert.deepEqual(await k.run("[path.sep, j('a', 'b'), ns.value]"), ['/', 'a/b', 42]);
    assert.equal(await k.run("(await import('esm')).value"), 42);
    assert.deepEqual(k.imported, ['node:path', 'esm', 'esm', 'esm']);
    await assert.rejects(k.run("import { missing } from 'esm';"), /does not provide an export named 'missing'/);
    await assert.rejects(k.run("import nothing from 'esm';"), /does not provide a default export/);
  });

  it('replaces import.meta and drops export keywords', async () => {
    const k = new FakeKernel();
    await k.run('export const exported = 1;\nexport function f() { return 2; }\nexport { exported as alias };');
    assert.deepEqual(await k.run('[exported, f(), import.meta.url]'), [1, 2, 'file:///lab/notebook.aielab']);
  });

  it('puts an interrupt check in every loop, however it is written', () => {
    const loops = [
      'while (true) x();',
      'do { x() } while (true)',
      'for (;;) x()',
      'for (const a of b) x()',
      'for (const k in o) x()',
      'function f() { while (1) {} }',
    ];
    for (const loop of loops) {
      assert.match(rewriteCell(loop).code, /__aielab\$flags\[0\] !== 0 && __aielab\$interrupted\(\)/, loop);
    }
  });

  it('stops a synchronous loop once the interrupt flag is set', async () => {
    const k = new FakeKernel();
    k.flags[0] = 1;
    await assert.rejects(k.run('let i = 0;\nwhile (true) { i++ }'), /interrupted/);
    assert.equal(await k.run('i'), 0, 'state up to the interrupt is kept');
  });

  it('persists `var` declared in top-level blocks and loops, not in functions', async () => {
    const k = new FakeKernel();
    await k.run('for (var i = 0; i < 3; i++) {}\nif (true) { var inBlock = 7; }\nfunction g() { var local = 1; return local; }');
    assert.deepEqual(await k.run('[i, inBlock, typeof local]'), [3, 7, 'undefined']);
  });

  it('reports a syntax error at the line and column of the cell', async () => {
    await assert.rejects(compileCell('const ok = 1;\nconst broken = ;'), (err: unknown) => {
      assert.ok(err instanceof CellSyntaxError);
      assert.equal(err.line, 2);
      assert.equal(err.column, 15);
      assert.match(err.message, /Unexpected ";"/);
      return true;
    });
  });

  it('maps a position in the generated script back to the cell', async () => {
    const source = 'import { x } from "m";\nconst a = 1;\n\nfunction f(n: number) {\n  return n.toFixed(2);\n}';
    const compiled = await compileCell(source);
    const lines = compiled.code.split('\n');
    const line = lines.findIndex((l) => l.includes('toFixed')) + 1;
    const column = (lines[line - 1] ?? '').indexOf('toFixed');
    assert.deepEqual(tracePosition([compiled.rewriteMap, compiled.typescriptMap], line, column), { line: 5, column: 11 });
  });
});
