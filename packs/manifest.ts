// labpack.json: what a lab pack holds (modules → labs, datasets, the SDK range it needs). The JSON
// Schema in schemas/ is the one definition of its shape: VS Code validates with it as an author
// types, and this module checks files with the same schema so both say the same thing.
import Ajv, { type ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { version as sdkVersion } from '../package.json';
import schema from '../schemas/labpack.schema.json';
import { JsonSyntaxError, parseJson } from '../contracts/notebook/json';

export const MANIFEST_FILE = 'labpack.json';

export interface LabPack {
  id: string;
  title: string;
  description?: string;
  version: string;
  authors: string[];
  license: string;
  requires: { aielab: string };
  edition?: 'instructor' | 'student';
  modules: Module[];
  datasets?: Dataset[];
  release?: { exclude?: string[] };
}

export interface Module {
  id: string;
  title: string;
  objectives?: string[];
  labs: Lab[];
}

export interface Lab {
  id: string;
  title: string;
  kind?: 'notebook' | 'journal';
  notebook?: string;
  /** The notebook is not written yet: `notebook` is the path it will have. */
  planned?: boolean;
  notes?: string;
  objectives?: string[];
  minutes: number;
  prerequisites?: string[];
}

export interface Dataset {
  path: string;
  source: string;
  license: string;
  description?: string;
}

/** One thing wrong with a pack: `where` is a file and, inside it, a position or a field path. */
export interface Problem {
  where: string;
  message: string;
}

/** A labpack.json that cannot be used, with every problem found. */
export class ManifestError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.where}: ${p.message}`).join('\n'));
    this.name = 'ManifestError';
  }
}

const validateShape = new Ajv({ allErrors: true, strict: false }).compile<LabPack>(schema);

export function readManifest(packDir: string): LabPack {
  const file = join(packDir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new ManifestError([
      {
        where: packDir,
        message: `has no ${MANIFEST_FILE}; a lab pack needs one at its root (create a pack with: aielab new pack <folder>)`,
      },
    ]);
  }
  return parseManifest(text);
}

/** Parses and checks the shape of a labpack.json's text; problems are named by field path. */
export function parseManifest(text: string): LabPack {
  let json: unknown;
  try {
    json = parseJson(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError)
      throw new ManifestError([
        { where: `${MANIFEST_FILE}: line ${err.line}, column ${err.column}`, message: `not valid JSON: ${err.problem}` },
      ]);
    throw err;
  }
  if (validateShape(json)) return json;
  throw new ManifestError(shapeProblems(validateShape.errors ?? []));
}

export const SDK_VERSION = sdkVersion;

/** Whether this SDK is one the pack says it works with; a range that does not parse fits nothing. */
export function sdkFits(pack: LabPack): 'fits' | 'other version' | 'bad range' {
  if (!semver.validRange(pack.requires.aielab)) return 'bad range';
  return semver.satisfies(SDK_VERSION, pack.requires.aielab, { includePrerelease: true }) ? 'fits' : 'other version';
}

/** Every lab of the pack in order, with its module. */
export function allLabs(pack: LabPack): Array<{ module: Module; lab: Lab }> {
  return pack.modules.flatMap((module) => module.labs.map((lab) => ({ module, lab })));
}

function shapeProblems(errors: readonly ErrorObject[]): Problem[] {
  const problems = new Map<string, Problem>();
  for (const error of errors) {
    // `if` only says that `then`/`else` failed; their own errors say what is wrong.
    if (error.keyword === 'if') continue;
    const where = `${MANIFEST_FILE}: ${fieldPath(error)}`;
    const message = describe(error);
    problems.set(`${where}\0${message}`, { where, message });
  }
  return [...problems.values()];
}

function fieldPath(error: ErrorObject): string {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path = parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  if (error.keyword === 'required' || error.keyword === 'additionalProperties') {
    const field = String(
      (error.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ??
        (error.params as { additionalProperty?: string }).additionalProperty,
    );
    return path ? `${path}.${field}` : field;
  }
  return path || '(the file)';
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return error.instancePath.endsWith('requires') ? 'is missing: name the SDK versions the pack needs, e.g. "^0.1.0"' : 'is missing';
    case 'additionalProperties':
      return 'is not a labpack.json field (check its spelling)';
    case 'type':
      return `must be ${article(String(params.type))}`;
    case 'pattern':
      return error.instancePath.endsWith('/version')
        ? 'must be a version like 1.0.0'
        : /\/(notebook|notes|path)$/.test(error.instancePath)
          ? "must be a path inside the pack, relative to labpack.json (no leading '/' and no '..')"
          : "must be lowercase letters, digits and '-', starting with a letter or digit";
    case 'minItems':
      return `must list at least ${String(params.limit)}`;
    case 'minLength':
      return 'must not be empty';
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'uniqueItems':
      return 'lists the same id twice';
    case 'not':
      return 'a lab has either "notebook" (a lab notebook) or, with "kind": "journal", "notes" (a folder of lab notes), not both';
    default:
      return error.message ?? 'is not valid';
  }
}

function article(type: string): string {
  return type === 'integer' ? 'a whole number' : type === 'array' || type === 'object' ? `an ${type}` : `a ${type}`;
}
