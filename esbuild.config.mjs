// One build for every bundle: the extension host (CommonJS, `vscode` external), the sidecar
// kernel (execution thread + protocol thread), the CLI, and the browser code of webview-ui (the
// notebook renderer and the panels). esbuild (the kernel compiles cells with it), nodejs-polars
// (behind `data`), onnxruntime-node (behind `onnx`) and TensorFlow.js (behind `nn`) stay external: they load native or wasm binaries
// at run time, and tfjs-node, when installed, must attach to the same tfjs copy as the SDK.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: 'dist',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // Prefer packages' ESM builds: some UMD builds hide their requires from the bundler.
  mainFields: ['module', 'main'],
  // Keep `import()` a real dynamic import: ESM-only packages must load as ESM, never via require.
  // esbuild says so for the kernel's computed `import(url, options)`; leaving it alone is the point.
  supported: { 'dynamic-import': true },
  logOverride: { 'unsupported-dynamic-import': 'silent' },
};

// Browser code: the notebook renderer is an ES module VS Code imports; panels are plain scripts.
const browser = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  outdir: 'dist',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, external: ['vscode', 'esbuild'] },
  {
    ...common,
    entryPoints: { kernel: 'kernels/process/main.ts', 'kernel-protocol': 'kernels/process/protocolThread.ts' },
    external: ['esbuild', 'nodejs-polars', '@tensorflow/*', 'onnxruntime-node'],
  },
  // The SDK on its own, for projects made by `aielab new pipeline` (they vendor it).
  { ...common, entryPoints: { sdk: 'sdk/index.ts' }, external: ['nodejs-polars', '@tensorflow/*', 'onnxruntime-node'] },
  {
    ...common,
    entryPoints: { cli: 'cli/main.ts' },
    external: ['esbuild', 'nodejs-polars', '@tensorflow/*', 'onnxruntime-node'],
    banner: { js: '#!/usr/bin/env node' },
  },
  { ...browser, entryPoints: { renderer: 'webview-ui/renderer/index.ts' }, format: 'esm' },
  {
    ...browser,
    entryPoints: {
      'charts-panel': 'webview-ui/panels/charts.ts',
      'weights-panel': 'webview-ui/panels/weights.ts',
      'runs-panel': 'webview-ui/panels/runs.ts',
    },
    format: 'iife',
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
