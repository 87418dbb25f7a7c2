// Turns a cell's JavaScript (esbuild's output) into a script that behaves like a REPL entry:
// top-level bindings become properties of the global object so later cells see them and may
// declare them again, `import` goes through the kernel's resolver (real ESM, never `require`), the
// last expression becomes the cell's result, top-level `await` works, every loop checks for an
// interrupt so a synchronous `while (true) {}` can be stopped without killing the kernel, and every
// `await` checks on resuming, so an interrupted cell's pending work does not run on.
import { parse, type AnyNode, type ImportDeclaration, type Node, type Pattern, type Statement, type VariableDeclaration } from 'acorn';
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

const LOOPS = ['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement'] as const;
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'StaticBlock']);

export function rewriteCell(js: string): RewrittenCell {
  const program = parse(js, {
    ecmaVersion: 'latest',
    sourceType: 'module',
    allowAwaitOutsideFunction: true,
    allowHashBang: true,
  });
  const s = new MagicString(js);
  const declared = new Set<string>();
  const declare = (name: string) => declared.add(name);

  const rewriteDeclaration = (decl: VariableDeclaration, place: DeclarationPlace) => {
    const first = decl.declarations[0];
    if (!first) return;
    for (const d of decl.declarations) boundNames(d.id).forEach(declare);
    s.remove(decl.start, first.start);
    if (place === 'for-in-of') return;
    for (const d of decl.declarations) {
      if (d.init) {
        if (place === 'statement' && d.id.type !== 'Identifier') {
          s.prependRight(d.id.start, '(');
          s.appendLeft(d.init.end, ')');
        }
      } else if (decl.kind !== 'var') {
        s.appendLeft(d.id.end, ' = void 0');
      }
    }
  };

  ancestor(program, {
    VariableDeclaration(node, _state, ancestors) {
      const parent = ancestors[ancestors.length - 2];
      if (node.kind !== 'var' || !parent || parent.type === 'Program' || parent.type === 'ExportNamedDeclaration') return;
      if (ancestors.some((a) => FUNCTIONS.has(a.type))) return;
      const place: DeclarationPlace =
        (parent.type === 'ForInStatement' || parent.type === 'ForOfStatement') && parent.left === node ? 'for-in-of'
        : parent.type === 'ForStatement' && parent.init === node ? 'for-init' : 'statement';
      rewriteDeclaration(node, place);
    },
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

  for (const statement of program.body) {
    let node: Node = statement;
    if (statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration') {
      if (!statement.declaration) {
        s.remove(statement.start, statement.end);
        continue;
      }
      s.remove(statement.start, statement.declaration.start);
      node = statement.declaration;
    } else if (statement.type === 'ExportAllDeclaration') {
      s.remove(statement.start, statement.end);
      continue;
    }
    const n = node as AnyNode;
    if (n.type === 'ImportDeclaration') {
      n.specifiers.forEach((spec) => declare(spec.local.name));
      s.overwrite(n.start, n.end, importStatement(n), { contentOnly: true });
    } else if (n.type === 'VariableDeclaration') {
      rewriteDeclaration(n, 'statement');
    } else if ((n.type === 'FunctionDeclaration' || n.type === 'ClassDeclaration') && n.id) {
      declare(n.id.name);
      s.prependRight(n.start, `${n.id.name} = `);
      s.appendLeft(n.end, ';');
      // Function declarations are hoisted: a cell may call one above its definition.
      if (n.type === 'FunctionDeclaration' && n.start > 0) s.move(n.start, n.end, 0);
    } else if (n.type === 'FunctionDeclaration' || n.type === 'ClassDeclaration') {
      s.prependRight(n.start, '(');
      s.appendLeft(n.end, ');');
    }
  }

  const last = lastStatement(program.body);
  // A lone string is a "directive" to the parser, but in a cell it is a value to show.
  if (last?.type === 'ExpressionStatement') {
    // The statement's own range: esbuild may have wrapped the expression in parentheses.
    const end = js[last.end - 1] === ';' ? last.end - 1 : last.end;
    s.prependRight(last.start, 'return { value: (');
    s.appendLeft(end, ') }');
  }

  const names = [...declared];
  s.prepend(`${names.length ? `var ${names.join(', ')}; ` : ''}(async function () { "use strict"; `);
  s.append('\n})();');
  return {
    code: s.toString(),
    map: s.generateMap({ hires: true, source: 'cell.js', includeContent: false }).toString(),
    declared: names,
  };
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

function importStatement(node: ImportDeclaration): string {
  const source = JSON.stringify(node.source.value);
  const attributes = node.attributes?.length
    ? `, { with: { ${node.attributes.map((a) => `${JSON.stringify(keyName(a.key))}: ${JSON.stringify(a.value.value)}`).join(', ')} } }`
    : '';
  const load = `await ${CELL_RUNTIME.importModule}(${source}${attributes})`;
  if (node.specifiers.length === 0) return `${load};`;
  const ns = '__aielab$ns';
  const assignments: string[] = [];
  const picked: string[] = [];
  const fields: string[] = [];
  for (const spec of node.specifiers) {
    if (spec.type === 'ImportNamespaceSpecifier') {
      assignments.push(`${spec.local.name} = ${ns};`);
    } else {
      const imported = spec.type === 'ImportDefaultSpecifier' ? 'default' : keyName(spec.imported);
      picked.push(JSON.stringify(imported));
      fields.push(`${JSON.stringify(imported)}: ${spec.local.name}`);
    }
  }
  if (fields.length) {
    assignments.push(`({ ${fields.join(', ')} } = ${CELL_RUNTIME.named}(${ns}, [${picked.join(', ')}], ${source}));`);
  }
  return `{ const ${ns} = ${load}; ${assignments.join(' ')} }`;
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
