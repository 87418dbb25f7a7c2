// The architecture's boundaries, checked on every import: the sidecar never touches VS Code, the
// extension host only talks to the kernel through the protocol and its client, and product code
// never reaches into tests.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../helpers/paths';

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/** The headless half: everything that runs without VS Code. */
const HEADLESS = ['contracts', 'tracking', 'sdk', 'server', 'kernels', 'scaffolds', 'packs', 'cli'];

interface Edge {
  file: string;
  specifier: string;
  /** Repository-relative target for relative imports. */
  target?: string;
}

function sources(folder: string): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(ts|mts|cts)$/.test(entry.name)) out.push(path);
    }
  };
  visit(join(ROOT, folder));
  return out;
}

function edges(folder: string): Edge[] {
  return sources(folder).flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    const file = relative(ROOT, path);
    return [...text.matchAll(IMPORT)].map((m) => {
      const specifier = (m[1] ?? m[2] ?? m[3] ?? m[4]) as string;
      return specifier.startsWith('.')
        ? { file, specifier, target: relative(ROOT, resolve(dirname(path), specifier)) }
        : { file, specifier };
    });
  });
}

function violations(folder: string, forbidden: (edge: Edge) => boolean): string[] {
  return edges(folder).filter(forbidden).map((e) => `${e.file} imports ${e.specifier}`);
}

describe('layering', () => {
  it('finds the imports it checks', () => {
    assert.ok(edges('src').some((e) => e.specifier === 'vscode'));
    assert.ok(edges('kernels').some((e) => e.target === 'contracts/protocol'));
  });

  it('keeps VS Code and the extension out of the sidecar, the SDK and the CLI', () => {
    for (const folder of HEADLESS) assert.deepEqual(violations(folder, (e) => e.specifier === 'vscode' || e.target?.startsWith('src/') === true), []);
  });

  it('lets the extension host reach the kernel only through the protocol, the MIME types, its client and the file formats', () => {
    const allowed = ['contracts/', 'kernels/client/', 'packs/manifest', 'packs/roles', 'tracking/', 'scaffolds/'];
    const headless = (e: Edge) => HEADLESS.some((folder) => e.target?.startsWith(`${folder}/`) === true);
    assert.deepEqual(violations('src', (e) => headless(e) && !allowed.some((a) => e.target?.startsWith(a))), []);
  });

  it('keeps webview code free of vscode and Node: it reaches the kernels only for the MIME payload types', () => {
    const forbidden = (e: Edge) => e.specifier === 'vscode' || e.specifier.startsWith('node:') || (HEADLESS.some((folder) => e.target?.startsWith(`${folder}/`) === true) && e.target !== 'contracts/mime' && e.target !== 'contracts/panelMessages') || e.target?.startsWith('src/') === true;
    assert.deepEqual(violations('webview-ui', forbidden), []);
    assert.ok(edges('webview-ui').some((e) => e.specifier === 'chart.js'));
  });

  it('never imports test code from product code', () => {
    const intoTests = (e: Edge) => e.target?.startsWith('test/') === true;
    assert.deepEqual(['src', 'webview-ui', ...HEADLESS].flatMap((folder) => violations(folder, intoTests)), []);
  });
});
