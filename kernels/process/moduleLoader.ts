// `import` and `require` for cells, resolved from the notebook's folder. Static and dynamic imports
// both end in Node's real `import()`, so ESM-only packages load as they would in a `.mjs` file.
import { createRequire, isBuiltin } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolve as resolveEsm } from 'import-meta-resolve';

export interface CellImportMeta {
  url: string;
  filename: string;
  dirname: string;
  resolve(specifier: string): string;
}

export class ModuleLoader {
  readonly require: NodeJS.Require;
  readonly meta: CellImportMeta;
  private readonly folder: string;
  private readonly parentUrl: string;

  /** `builtins`: modules the kernel provides itself, such as the `aielab` SDK. */
  constructor(
    notebookPath: string,
    private readonly builtins: Readonly<Record<string, unknown>> = {},
  ) {
    this.folder = dirname(notebookPath);
    this.parentUrl = pathToFileURL(notebookPath).href;
    const required = createRequire(notebookPath);
    this.require = Object.assign((id: string) => (Object.hasOwn(builtins, id) ? builtins[id] : required(id)), required);
    this.meta = { url: this.parentUrl, filename: notebookPath, dirname: this.folder, resolve: (s) => this.resolve(s) };
  }

  /** The URL `import(specifier)` loads, or an error that says where it looked and what to do. */
  resolve(specifier: string): string {
    if (isBuiltin(specifier) || /^(file|data|node):/.test(specifier)) return specifier;
    if (specifier.startsWith('.') || isAbsolute(specifier)) return pathToFileURL(resolve(this.folder, specifier)).href;
    try {
      return resolveEsm(specifier, this.parentUrl);
    } catch (err) {
      const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      const why = err instanceof Error ? err.message : String(err);
      const missing = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
      throw Object.assign(
        new Error(
          missing
            ? `Cannot find package '${pkg}' from ${this.folder}. Install it next to the notebook (npm install ${pkg}) or check the name.`
            : `Cannot resolve '${specifier}' from ${this.folder}: ${why}`,
        ),
        { code: (err as { code?: string }).code ?? 'ERR_MODULE_NOT_FOUND' },
      );
    }
  }

  import(specifier: string, options?: ImportCallOptions): Promise<unknown> {
    if (Object.hasOwn(this.builtins, specifier)) return Promise.resolve(this.builtins[specifier]);
    return import(this.resolve(specifier), options);
  }
}

/** `import { a } from 'm'` where `m` has no export `a` fails as it would in Node, not as `undefined`. */
export function pickNamed(namespace: Record<string, unknown>, names: readonly string[], specifier: string): Record<string, unknown> {
  for (const name of names) {
    if (!(name in namespace)) {
      throw new SyntaxError(
        name === 'default'
          ? `The module '${specifier}' does not provide a default export; use import * as name from '${specifier}'.`
          : `The module '${specifier}' does not provide an export named '${name}'.`,
      );
    }
  }
  return namespace;
}
