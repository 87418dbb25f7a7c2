// Turns a cell's JavaScript (esbuild's output) into a script that behaves like a REPL entry:
// top-level bindings become properties of the global object so later cells see them and may
// declare them again, `import` goes through the kernel's resolver (real ESM, never `require`), the
// last expression becomes the cell's result, top-level `await` works, every loop checks for an
// interrupt so a synchronous `while (true) {}` can be stopped without killing the kernel, and every
// `await` checks on resuming, so an interrupted cell's pending work does not run on.
import { parse, type AnyNode, type ImportDeclaration, type Pattern, type Statement, type VariableDeclaration } from 'acorn';
import { ancestor } from 'acorn-walk';
import MagicString from 'magic-string';
import { CELL_RUNTIME, INTERRUPT_CHECK, RESUME_CHECK } from './cellRuntime';

export interface RewrittenCell {
  code: string;
  /** Source map (JSON) from `code` back to the JavaScript that was rewritten. */
  map: string;
  /** Names the cell declares at top level, in order. */
  declared: string[];
}

type DeclarationPlace = 'statement' | 'for-init' | 'for-in-of';

/** The parameter a trusted cell's function receives the grader's functions in. */
const GRADER = '__aielab$grader';
const LOOPS = ['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement'] as const;
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'StaticBlock']);

export interface RewriteOptions {
  /**
   * A grader's check cell: the script's value is an async function taking the grader's own
   * `checks` and `expect`, which every use of those names in the cell (and an import of them from
   * 'aielab', under any alias) binds to, so nothing an earlier cell did to those names reaches it.
   */
  trusted?: boolean;
}

/** The module whose `checks` and `expect` a trusted cell gets from the grader instead. */
const SDK_MODULE = 'aielab';
const GRADER_NAMES = new Set(['checks', 'expect']);

export function rewriteCell(js: string, options: RewriteOptions = {}): RewrittenCell {
  const program = parse(js, {
    ecmaVersion: 'latest',
    sourceType: 'module',
    allowAwaitOutsideFunction: true,
    allowHashBang: true,
  });
  const cell = new CellRewrite(js, options.trusted === true);
  cell.rewriteNested(program);
  for (const statement of program.body) cell.rewriteTopLevel(statement);
  cell.returnLastExpression(program.body);
  return cell.finish();
}

/** The edits to one cell's JavaScript, made in the order rewriteCell calls them, and the names it declares. */
class CellRewrite {
  private readonly s: MagicString;
  private readonly declared = new Set<string>();
  private imports = 0;
  /** Local name → the grader's name it stands for, in a trusted cell. */
  private readonly graderBindings = new Map<string, string>(['checks', 'expect'].map((name) => [name, name]));

  constructor(
    private readonly js: string,
    private readonly trusted: boolean,
  ) {
    this.s = new MagicString(js);
  }

  /** What lies inside the cell's statements: `var`s outside functions, `import()`, `await`, `import.meta`, loops. */
  rewriteNested(program: Program): void {
    const s = this.s;
    ancestor(program, {
      // A trusted cell's nested `var`s stay its function's own, like its other bindings.
      VariableDeclaration: (node, _state, ancestors) => (this.trusted ? undefined : this.rewriteNestedVar(node, ancestors)),
      ImportExpression(node) {
        s.overwrite(node.start, node.start + 'import'.length, CELL_RUNTIME.importModule, { contentOnly: true });
      },
      AwaitExpression(node) {
        s.prependRight(node.start, `${CELL_RUNTIME.resumed}(`);
        s.appendLeft(node.end, ')');
      },
      MetaProperty(node) {
        if (node.meta.name === 'import') s.overwrite(node.start, node.end, CELL_RUNTIME.importMeta, { contentOnly: true });
      },
      ...Object.fromEntries(LOOPS.map((type) => [type, (node: AnyNode) => instrumentLoop(s, node)])),
    });
  }

  /** One statement of the cell's own: its bindings become the global object's. */
  rewriteTopLevel(statement: Program['body'][number]): void {
    const node = this.unwrapExport(statement);
    if (!node) return;
    if (this.trusted) {
      this.keepLocal(node);
      return;
    }
    const s = this.s;
    if (node.type === 'ImportDeclaration') {
      node.specifiers.forEach((spec) => this.declared.add(spec.local.name));
      s.overwrite(node.start, node.end, importStatement(node), { contentOnly: true });
    } else if (node.type === 'VariableDeclaration') {
      this.rewriteDeclaration(node, 'statement');
    } else if ((node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') && node.id) {
      this.declared.add(node.id.name);
      s.prependRight(node.start, `${node.id.name} = `);
      s.appendLeft(node.end, ';');
      // Function declarations are hoisted: a cell may call one above its definition.
      if (node.type === 'FunctionDeclaration' && node.start > 0) s.move(node.start, node.end, 0);
    } else if (node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') {
      s.prependRight(node.start, '(');
      s.appendLeft(node.end, ');');
    }
  }

  /**
   * A trusted cell's statement: its bindings stay local to the cell's function, which reads them,
   * and are copied to the global object for later cells. So a timer an earlier cell left running
   * cannot rebind what the check computed while the check awaits.
   */
  private keepLocal(node: AnyNode): void {
    let names: string[] = [];
    if (node.type === 'ImportDeclaration') {
      const kept = node.specifiers.filter((spec) => !this.graderBinding(node, spec));
      names = kept.map((spec) => spec.local.name);
      const ns = `__aielab$ns${this.imports++}`;
      this.s.overwrite(node.start, node.end, importStatement({ ...node, specifiers: kept }, ns), { contentOnly: true });
    } else if (node.type === 'VariableDeclaration') {
      names = node.declarations.flatMap((d) => boundNames(d.id));
    } else if ((node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') && node.id) {
      names = [node.id.name];
    } else if (node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') {
      this.s.prependRight(node.start, '(');
      this.s.appendLeft(node.end, ');');
    }
    names.forEach((name) => this.declared.add(name));
    if (names.length) this.s.appendLeft(node.end, ` ${names.map((name) => `globalThis[${JSON.stringify(name)}] = ${name};`).join(' ')}`);
  }

  returnLastExpression(body: Program['body']): void {
    const last = lastStatement(body);
    // A lone string is a "directive" to the parser, but in a cell it is a value to show.
    if (last?.type !== 'ExpressionStatement') return;
    // The statement's own range: esbuild may have wrapped the expression in parentheses.
    const end = this.js[last.end - 1] === ';' ? last.end - 1 : last.end;
    this.s.prependRight(last.start, 'return { value: (');
    this.s.appendLeft(end, ') }');
  }

  /** Wraps the cell in an async function (for top-level `await` and `return`), after declaring its names. */
  finish(): RewrittenCell {
    const names = [...this.declared];
    const declare = names.length ? `var ${names.join(', ')}; ` : '';
    if (this.trusted) {
      // A cell's own `const expect = …` wins over the grader's binding of that name.
      const bindings = [...this.graderBindings]
        .filter(([local]) => !this.declared.has(local))
        .map(([local, name]) => (local === name ? name : `${name}: ${local}`));
      this.s.prepend(`(async function (${GRADER}) { "use strict"; let { ${bindings.join(', ')} } = ${GRADER}; `);
      this.s.append('\n});');
    } else {
      this.s.prepend(`${declare}(async function () { "use strict"; `);
      this.s.append('\n})();');
    }
    return {
      code: this.s.toString(),
      map: this.s.generateMap({ hires: true, source: 'cell.js', includeContent: false }).toString(),
      declared: names,
    };
  }

  /** `import { checks as c } from 'aielab'` in a trusted cell: `c` is the grader's `checks`. */
  private graderBinding(node: ImportDeclaration, spec: ImportDeclaration['specifiers'][number]): boolean {
    if (node.source.value !== SDK_MODULE || spec.type !== 'ImportSpecifier') return false;
    const name = keyName(spec.imported);
    if (!GRADER_NAMES.has(name)) return false;
    this.graderBindings.set(spec.local.name, name);
    return true;
  }

  /** Drops `export` from a statement: what is left to rewrite, or nothing when the whole statement went. */
  private unwrapExport(statement: Program['body'][number]): AnyNode | undefined {
    if (statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration') {
      if (!statement.declaration) {
        this.s.remove(statement.start, statement.end);
        return undefined;
      }
      this.s.remove(statement.start, statement.declaration.start);
      return statement.declaration as AnyNode;
    }
    if (statement.type === 'ExportAllDeclaration') {
      this.s.remove(statement.start, statement.end);
      return undefined;
    }
    return statement;
  }

  /** A `var` in a block or loop of the cell (not in a function) is a top-level binding too. */
  private rewriteNestedVar(node: VariableDeclaration, ancestors: AnyNode[]): void {
    const parent = ancestors[ancestors.length - 2];
    if (node.kind !== 'var' || !parent || parent.type === 'Program' || parent.type === 'ExportNamedDeclaration') return;
    if (ancestors.some((a) => FUNCTIONS.has(a.type))) return;
    const place: DeclarationPlace =
      (parent.type === 'ForInStatement' || parent.type === 'ForOfStatement') && parent.left === node
        ? 'for-in-of'
        : parent.type === 'ForStatement' && parent.init === node
          ? 'for-init'
          : 'statement';
    this.rewriteDeclaration(node, place);
  }

  /** `let a = 1, b` becomes `a = 1, b = void 0`: an assignment to the global the cell declares. */
  private rewriteDeclaration(decl: VariableDeclaration, place: DeclarationPlace): void {
    const first = decl.declarations[0];
    if (!first) return;
    for (const d of decl.declarations) boundNames(d.id).forEach((name) => this.declared.add(name));
    this.s.remove(decl.start, first.start);
    if (place === 'for-in-of') return;
    for (const d of decl.declarations) {
      if (d.init) {
        // `{ a } = x` at the start of a statement would parse as a block: parenthesise the assignment.
        if (place === 'statement' && d.id.type !== 'Identifier') {
          this.s.prependRight(d.id.start, '(');
          this.s.appendLeft(d.init.end, ')');
        }
      } else if (decl.kind !== 'var') {
        this.s.appendLeft(d.id.end, ' = void 0');
      }
    }
  }
}

function instrumentLoop(s: MagicString, node: AnyNode): void {
  if (!('body' in node) || !node.body || Array.isArray(node.body)) return;
  const body = node.body as Statement;
  const check = node.type === 'ForOfStatement' && node.await ? `${INTERRUPT_CHECK} ${RESUME_CHECK}` : INTERRUPT_CHECK;
  if (body.type === 'BlockStatement') {
    s.appendLeft(body.start + 1, ` ${check} `);
  } else {
    s.prependRight(body.start, `{ ${check} `);
    s.appendLeft(body.end, ' }');
  }
}

/**
 * The import as statements: assignments to the cell's globals, or, given `local` (the name for
 * the module in a trusted cell), const declarations of the cell's function.
 */
function importStatement(node: ImportDeclaration, local?: string): string {
  const source = JSON.stringify(node.source.value);
  const attributes = node.attributes?.length
    ? `, { with: { ${node.attributes.map((a) => `${JSON.stringify(keyName(a.key))}: ${JSON.stringify(a.value.value)}`).join(', ')} } }`
    : '';
  const load = `await ${CELL_RUNTIME.importModule}(${source}${attributes})`;
  if (node.specifiers.length === 0) return `${load};`;
  const ns = local ?? '__aielab$ns';
  const declare = local ? 'const ' : '';
  const assignments: string[] = [];
  const picked: string[] = [];
  const fields: string[] = [];
  for (const spec of node.specifiers) {
    if (spec.type === 'ImportNamespaceSpecifier') {
      assignments.push(`${declare}${spec.local.name} = ${ns};`);
    } else {
      const imported = spec.type === 'ImportDefaultSpecifier' ? 'default' : keyName(spec.imported);
      picked.push(JSON.stringify(imported));
      fields.push(`${JSON.stringify(imported)}: ${spec.local.name}`);
    }
  }
  if (fields.length) {
    const pick = `{ ${fields.join(', ')} } = ${CELL_RUNTIME.named}(${ns}, [${picked.join(', ')}], ${source});`;
    assignments.push(local ? `const ${pick}` : `(${pick.slice(0, -1)});`);
  }
  return local ? `const ${ns} = ${load}; ${assignments.join(' ')}` : `{ const ${ns} = ${load}; ${assignments.join(' ')} }`;
}

function keyName(key: { type: string; name?: string; value?: unknown }): string {
  return key.type === 'Identifier' ? String(key.name) : String(key.value);
}

function lastStatement(body: Program['body']): Program['body'][number] | undefined {
  for (let i = body.length - 1; i >= 0; i--) {
    const statement = body[i];
    if (statement && statement.type !== 'EmptyStatement') return statement;
  }
  return undefined;
}

type Program = ReturnType<typeof parse>;

/** Every identifier a binding pattern introduces: `{ a, b: [c, ...d], e = 1 }` gives a, c, d, e. */
export function boundNames(pattern: Pattern): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p) => boundNames(p.type === 'RestElement' ? p.argument : p.value));
    case 'ArrayPattern':
      return pattern.elements.flatMap((e) => (e ? boundNames(e) : []));
    case 'RestElement':
      return boundNames(pattern.argument);
    case 'AssignmentPattern':
      return boundNames(pattern.left);
    default:
      return [];
  }
}
