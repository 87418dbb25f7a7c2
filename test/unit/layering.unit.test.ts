// The architecture's boundaries, checked on every import: the sidecar never touches VS Code, the
// extension host only talks to the kernel through the protocol and its client, and product code
// never reaches into tests.
import { strict as assert } from 'node:assert';
import { ESLint } from 'eslint';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../helpers/paths';

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

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
  return edges(folder)
    .filter(forbidden)
    .map((e) => `${e.file} imports ${e.specifier}`);
}

describe('layering', () => {
  it('finds the imports it checks', () => {
    assert.ok(edges('src').some((e) => e.specifier === 'vscode'));
    assert.ok(edges('kernels').some((e) => e.target === 'contracts/protocol'));
  });

  it('keeps VS Code and the extension out of the sidecar, the SDK and the CLI', () => {
    for (const folder of HEADLESS)
      assert.deepEqual(
        violations(folder, (e) => e.specifier === 'vscode' || e.target?.startsWith('src/') === true),
        [],
      );
  });

  it('lets the extension host reach the kernel only through the protocol, the MIME types, its client and the file formats', () => {
    const allowed = ['contracts/', 'kernels/client/', 'packs/manifest', 'packs/roles', 'tracking/', 'scaffolds/'];
    const headless = (e: Edge) => HEADLESS.some((folder) => e.target?.startsWith(`${folder}/`) === true);
    assert.deepEqual(
      violations('src', (e) => headless(e) && !allowed.some((a) => e.target?.startsWith(a))),
      [],
    );
  });

  it('keeps webview code free of vscode and Node: it reaches the kernels only for the MIME payload types', () => {
    const forbidden = (e: Edge) =>
      e.specifier === 'vscode' ||
      e.specifier.startsWith('node:') ||
      (HEADLESS.some((folder) => e.target?.startsWith(`${folder}/`) === true) &&
        e.target !== 'contracts/mime' &&
        e.target !== 'contracts/panelMessages') ||
      e.target?.startsWith('src/') === true;
    assert.deepEqual(violations('webview-ui', forbidden), []);
    assert.ok(edges('webview-ui').some((e) => e.specifier === 'chart.js'));
  });

  it('never imports test code from product code', () => {
    const intoTests = (e: Edge) => e.target?.startsWith('test/') === true;
    assert.deepEqual(
      ['src', 'webview-ui', ...HEADLESS].flatMap((folder) => violations(folder, intoTests)),
      [],
    );
  });

  describe('the dependency order, as lint enforces it (eslint.config.mjs)', function () {
    this.timeout(60_000);
    const eslint = new ESLint({ cwd: ROOT });
    /** The rule and message of each problem lint finds in `code` as if it were the file at `path`. */
    const problems = async (path: string, code: string) => {
      const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
      return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
    };
    const forbidden: ReadonlyArray<[string, string, RegExp]> = [
      ['server/probe.ts', "import { runCommand } from '../cli/run';", /boundaries\/dependencies: .*"server" to elements of type "cli"/],
      ['packs/probe.ts', "import { runCommand } from '../cli/run';", /boundaries\/dependencies: .*"packs" to elements of type "cli"/],
      ['contracts/probe.ts', "import { track } from '../sdk/track';", /boundaries\/dependencies: .*"contracts" to elements of type "sdk"/],
      [
        'kernels/runner/probe.ts',
        "import { startServer } from '../../server/server';",
        /boundaries\/dependencies: .*"runner" to elements of type "server"/,
      ],
      ['sdk/ml/probe.ts', "import { startServer } from '../../server/server';", /no-restricted-imports: .*Only the SDK facade/],
      ['sdk/probe.ts', "import { serve } from './serve';", /no-restricted-imports: .*Only the SDK facade/],
      [
        'webview-ui/probe.ts',
        "import { parseNotebook } from '../contracts/notebook/format';",
        /no-restricted-imports: .*Browser code may use only/,
      ],
      ['src/probe.ts', "import { gradePack } from '../packs/grade';", /no-restricted-imports: .*read through its format only/],
      [
        'server/probe.ts',
        "import * as vscode from 'vscode';",
        /no-restricted-imports: .*Only src\/ \(the extension host\) may import vscode/,
      ],
    ];
    for (const [path, line, expected] of forbidden) {
      it(`reports ${path}: ${line}`, async () => {
        const found = await problems(path, `${line}\nexport const probe = 1;\n`);
        assert.ok(
          found.some((p) => expected.test(p)),
          found.join('\n') || 'no problem reported',
        );
      });
    }

    it('accepts imports that follow the order', async () => {
      assert.deepEqual(
        await problems('server/probe.ts', "import { OnnxSession } from '../sdk/onnx/session';\nexport const probe = OnnxSession;\n"),
        [],
      );
      assert.deepEqual(
        await problems('sdk/serve.ts', "import { startServer } from '../server/server';\nexport const probe = startServer;\n"),
        [],
      );
      assert.deepEqual(
        await problems('src/probe.ts', "import { readManifest } from '../packs/manifest';\nexport const probe = readManifest;\n"),
        [],
      );
    });
  });
});
