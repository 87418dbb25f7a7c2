// Lint: typescript-eslint's strict rules everywhere, and the architecture's dependency order
// (README, "Layers") as boundaries rules, so an import against it fails `npm test`.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/** Each layer, lowest first, by folder. */
const LAYERS = [
  { type: 'contracts', pattern: 'contracts' },
  { type: 'tracking', pattern: 'tracking' },
  { type: 'scaffolds', pattern: 'scaffolds' },
  { type: 'sdk', pattern: 'sdk' },
  { type: 'server', pattern: 'server' },
  { type: 'transpile', pattern: 'kernels/transpile' },
  { type: 'kernel-client', pattern: 'kernels/client' },
  { type: 'kernel', pattern: 'kernels/process' },
  { type: 'runner', pattern: 'kernels/runner' },
  { type: 'packs', pattern: 'packs' },
  { type: 'cli', pattern: 'cli' },
  { type: 'host', pattern: 'src' },
  { type: 'webview', pattern: 'webview-ui' },
  { type: 'tests', pattern: '{test,bench}' },
];

/** Who may import whom: anything not listed is an error. Finer rules inside a layer follow below. */
const MAY_IMPORT = {
  contracts: ['contracts'],
  tracking: ['contracts', 'tracking'],
  scaffolds: ['contracts', 'packs', 'scaffolds'],
  // sdk → server is the SDK's notebook facade alone (see FACADE below).
  sdk: ['contracts', 'tracking', 'scaffolds', 'server', 'sdk'],
  server: ['contracts', 'tracking', 'sdk', 'server'],
  // The cell compiler is a library both ends use: an isolated kernel may not start esbuild's process.
  transpile: ['transpile'],
  'kernel-client': ['contracts', 'transpile', 'kernel-client'],
  kernel: ['contracts', 'sdk', 'transpile', 'kernel'],
  runner: ['contracts', 'kernel-client', 'runner'],
  packs: ['contracts', 'kernel-client', 'runner', 'packs'],
  cli: ['contracts', 'tracking', 'scaffolds', 'sdk', 'server', 'kernel-client', 'runner', 'packs', 'cli'],
  host: ['contracts', 'tracking', 'scaffolds', 'kernel-client', 'packs', 'host'],
  webview: ['contracts', 'webview'],
  tests: LAYERS.map((layer) => layer.type),
};

/** Only the extension host talks to VS Code; everything else runs in plain Node or a browser. */
const NO_VSCODE = [
  { name: 'vscode', message: 'Only src/ (the extension host) may import vscode: this code also runs in the kernel, the CLI or a webview.' },
];

const FACADE =
  'Only the SDK facade (sdk/index.ts, sdk/serve.ts) may import the server or the facade: the server is built on the SDK libraries.';

const PACK_FORMAT = {
  group: ['**/packs/*', '!**/packs/manifest', '!**/packs/roles'],
  message:
    'Outside the packs layer, a lab pack is read through its format only (packs/manifest, packs/roles): validation and grading run in the CLI.',
};

/**
 * Finer rules where a layer may use only part of another: which files, which imports, and why.
 * Disjoint on purpose: where two entries match a file, the later one's options replace the other's.
 */
const PARTS = [
  { files: ['{contracts,tracking,server,kernels,packs,cli}/**/*.ts'], paths: NO_VSCODE, patterns: [] },
  { files: ['scaffolds/**/*.ts'], paths: NO_VSCODE, patterns: [PACK_FORMAT] },
  { files: ['src/**/*.ts'], paths: [], patterns: [PACK_FORMAT] },
  {
    files: ['sdk/*.ts'],
    ignores: ['sdk/index.ts', 'sdk/serve.ts'],
    paths: NO_VSCODE,
    patterns: [{ group: ['**/server/*', './index', './serve'], message: FACADE }],
  },
  { files: ['sdk/index.ts', 'sdk/serve.ts'], paths: NO_VSCODE, patterns: [] },
  { files: ['sdk/*/**/*.ts'], paths: NO_VSCODE, patterns: [{ group: ['**/server/*', '../index', '../serve'], message: FACADE }] },
  {
    files: ['webview-ui/**/*.ts'],
    paths: NO_VSCODE,
    patterns: [
      {
        group: ['**/contracts/*', '!**/contracts/mime', '!**/contracts/panelMessages', 'node:*'],
        message: 'Browser code may use only the contracts without Node: contracts/mime and contracts/panelMessages.',
      },
    ],
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      'test-results/**',
      'test/e2e/vscode/node_modules/**',
      'labs/**',
      'templates/**/node_modules/**',
      'templates/**/vendor/**',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Unused names are the compiler's job (noUnusedLocals/Parameters), with the same exceptions.
      '@typescript-eslint/no-unused-vars': 'off',
      // A non-null assertion states a fact the types cannot carry; reviewed where it appears.
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.{ts,mts,mjs}'],
    ignores: ['templates/**'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': LAYERS,
      'import/resolver': { node: { extensions: ['.ts', '.mts', '.js', '.mjs', '.json'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: Object.entries(MAY_IMPORT).map(([from, to]) => ({
            from: { element: { type: from } },
            allow: { to: { element: { types: { anyOf: to } } } },
          })),
        },
      ],
    },
  },
  {
    // Node scripts of the build and the benches.
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
  },
  {
    // Tests read JSON fixtures whose shape the assertions themselves check.
    files: ['test/**/*.ts', 'templates/**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...PARTS.map(({ files, ignores, paths, patterns }) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
  })),
  {
    // The server, the runner and the kernel's threads are where long functions hid the design.
    files: ['server/**/*.ts', 'kernels/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60 }] },
  },
);
