// `aielab new pipeline`: a real project from templates/pipeline (data → features → tracked sweep →
// registry → packaged model → HTTP server, retraining, Dockerfile, CI workflow, tests), with this
// version of the SDK vendored as a local package, because the SDK is not on the npm registry:
// `npm install` links it and fetches its dependencies (TensorFlow.js, nodejs-polars) from the
// registry as usual.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { ScaffoldError } from './errors';

/** Files and folders npm and vsce would drop or act on if they shipped under their real names. */
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore', dockerignore: '.dockerignore', github: '.github' };

/**
 * Writes the project into `dir` (new or empty) and returns the files written, relative to it.
 * `productRoot` is where this product is installed: its package.json, dist/ and templates/.
 */
export function newPipeline(dir: string, productRoot: string): string[] {
  const root = resolve(dir);
  if (existsSync(root) && readdirSync(root).length)
    throw new ScaffoldError(
      `${dir} is not empty (it has ${readdirSync(root).slice(0, 3).join(', ')}${readdirSync(root).length > 3 ? ', …' : ''}); choose a new folder for the project.`,
    );
  const template = join(productRoot, 'templates', 'pipeline');
  const sdk = join(productRoot, 'dist', 'sdk.js');
  for (const needed of [template, sdk, join(productRoot, 'dist', 'sdk-types')]) {
    if (!existsSync(needed))
      throw new ScaffoldError(
        `${needed} is missing: this installation of AI Engineering Lab is incomplete (build it with npm run build, or reinstall the extension).`,
      );
  }
  mkdirSync(root, { recursive: true });
  cpSync(template, root, {
    recursive: true,
    filter: (source) => !/node_modules|mlruns|[/\\]model$|[/\\]dist$/.test(relative(template, source)),
  });
  for (const [from, to] of Object.entries(RENAMED)) if (existsSync(join(root, from))) renameSync(join(root, from), join(root, to));

  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string };
  manifest.name = packageName(basename(root));
  writeFileSync(join(root, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  vendorSdk(join(root, 'vendor', 'aielab'), productRoot);
  return listFiles(root).sort();
}

function vendorSdk(target: string, productRoot: string): void {
  const product = JSON.parse(readFileSync(join(productRoot, 'package.json'), 'utf8')) as {
    version: string;
    license: string;
    dependencies: Record<string, string>;
  };
  // esbuild is the kernel's compiler, and the project does not use onnx (onnxruntime-node is 290 MB
  // and its install script downloads); the SDK loads both lazily. nodejs-polars' native package
  // stays a plain dependency: npm does not install it as an optional one.
  const dependencies = Object.fromEntries(
    Object.entries(product.dependencies).filter(([name]) => name !== 'esbuild' && name !== 'onnxruntime-node'),
  );
  mkdirSync(target, { recursive: true });
  cpSync(join(productRoot, 'dist', 'sdk.js'), join(target, 'index.js'));
  cpSync(join(productRoot, 'dist', 'sdk-types'), join(target, 'types'), { recursive: true });
  const vendored = {
    name: 'aielab',
    version: product.version,
    description: 'The AI Engineering Lab SDK (data, ml, nn, metrics, text, track), vendored by `aielab new pipeline`.',
    license: product.license,
    main: 'index.js',
    types: 'types/sdk/index.d.ts',
    dependencies,
  };
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(vendored, null, 2)}\n`);
}

function packageName(folder: string): string {
  return (
    folder
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+|-+$/g, '') || 'ml-pipeline'
  );
}

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join(root, 'vendor') ? ['vendor/aielab/'] : listFiles(root, path);
    return [relative(root, path)];
  });
}
