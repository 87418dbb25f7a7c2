// The model registry in MLflow's file layout: mlruns/models/<name>/meta.yaml, a folder per version
// (version-<n>/meta.yaml: source, run, status), aliases/<alias> holding a version number, and
// tags/. A version points at a run's model artifact, so every model knows the run (params,
// metrics, commit, data) it came from.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { artifactPath as safePath } from './artifactPath';
import type { ModelRegistry } from './backend';
import type { FileStore, RunInfo } from './store';
import { dumpMeta, loadMeta } from './yaml';

export interface ModelVersion {
  name: string;
  version: number;
  /** The model's files: a run's artifact folder, or on a server the artifact's URI. */
  source: string;
  runId: string;
  description: string;
  aliases: string[];
}

const NAME = /^[\w\-. ]+$/;

export class Registry implements ModelRegistry {
  constructor(private readonly store: FileStore) {}

  private dir(name: string): string {
    if (!NAME.test(name) || name.startsWith('.'))
      throw new TypeError(`track: model name "${name}" may hold letters, digits, _ - . and spaces only.`);
    return join(this.store.root, 'models', name);
  }

  /** A new version of `name` (the model is created on its first version) from a run's artifact folder. */
  register(name: string, run: RunInfo, artifactPath: string, userId: string, description = ''): ModelVersion {
    const dir = this.dir(name);
    const source = join(fileURLToPath(run.artifactUri), safePath(artifactPath, 'track.registerModel: artifact path', false));
    if (!existsSync(source))
      throw new Error(
        `track.registerModel: run ${run.runName} has no artifact "${artifactPath}" (${source}). Log the model first: run.logModel(model) or run.logArtifact(folder).`,
      );
    const now = Date.now();
    mkdirSync(join(dir, 'aliases'), { recursive: true });
    mkdirSync(join(dir, 'tags'), { recursive: true });
    try {
      writeFileSync(join(dir, 'meta.yaml'), dumpMeta({ creation_timestamp: now, description: '', last_updated_timestamp: now, name }), {
        flag: 'wx',
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // The next free version; mkdir fails if another kernel took it first, and we try the next.
    for (let version = this.versions(name).length + 1; ; version++) {
      const versionDir = join(dir, `version-${version}`);
      try {
        mkdirSync(versionDir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      mkdirSync(join(versionDir, 'tags'));
      writeFileSync(
        join(versionDir, 'meta.yaml'),
        dumpMeta({
          creation_timestamp: now,
          current_stage: 'None',
          description,
          last_updated_timestamp: now,
          name,
          run_id: run.runId,
          run_link: '',
          source: pathToFileURL(source).href,
          status: 'READY',
          status_message: '',
          user_id: userId,
          version,
        }),
      );
      return { name, version, source, runId: run.runId, description, aliases: [] };
    }
  }

  setAlias(name: string, alias: string, version: number): void {
    checkAlias(name, alias, version, this.versions(name));
    writeFileSync(join(this.dir(name), 'aliases', alias), String(version));
  }

  /** The registered models' names (folders of mlruns/models/ that name a model). */
  names(): string[] {
    const root = join(this.store.root, 'models');
    if (!existsSync(root)) return [];
    return readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && NAME.test(entry.name) && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  }

  versions(name: string): ModelVersion[] {
    const dir = this.dir(name);
    if (!existsSync(dir)) return [];
    const aliases = existsSync(join(dir, 'aliases'))
      ? readdirSync(join(dir, 'aliases')).map((a) => [a, Number(readFileSync(join(dir, 'aliases', a), 'utf8'))] as const)
      : [];
    return readdirSync(dir)
      .filter((d) => /^version-\d+$/.test(d) && existsSync(join(dir, d, 'meta.yaml')))
      .map((d) => {
        const meta = loadMeta(readFileSync(join(dir, d, 'meta.yaml'), 'utf8'), join(dir, d, 'meta.yaml'));
        const version = Number(meta.version);
        return {
          name,
          version,
          source: fileURLToPath(String(meta.source)),
          runId: String(meta.run_id),
          description: String(meta.description ?? ''),
          aliases: aliases.filter(([, v]) => v === version).map(([a]) => a),
        };
      })
      .sort((a, b) => a.version - b.version);
  }

  /** `models:/name@alias`, `models:/name/3` or `models:/name` (the latest version). */
  resolve(uri: string): ModelVersion {
    const ref = parseModelUri(uri);
    return pickVersion(ref, this.versions(ref.name));
  }

  localPath(version: ModelVersion): string {
    return version.source;
  }
}

export interface ModelRef {
  name: string;
  alias?: string;
  version?: number;
}

export function parseModelUri(uri: string): ModelRef {
  const match = /^models:\/([^@/]+)(?:@([\w\-.]+)|\/(\d+))?$/.exec(uri);
  if (!match) throw new Error(`track: "${uri}" is not a model URI; write models:/name@alias, models:/name/3 or models:/name.`);
  const [, name, alias, number] = match as unknown as [string, string, string | undefined, string | undefined];
  return { name, ...(alias ? { alias } : {}), ...(number ? { version: Number(number) } : {}) };
}

/** The version a reference names among a model's versions (sorted by number), or an error saying what there is. */
export function pickVersion(ref: ModelRef, versions: readonly ModelVersion[]): ModelVersion {
  const { name, alias, version } = ref;
  if (!versions.length) throw new Error(`track: no registered model "${name}". Register one with track.registerModel("${name}", { run }).`);
  const found = alias
    ? versions.find((v) => v.aliases.includes(alias))
    : version !== undefined
      ? versions.find((v) => v.version === version)
      : versions[versions.length - 1];
  if (!found)
    throw new Error(
      `track: model "${name}" has no ${alias ? `alias "${alias}" (aliases: ${versions.flatMap((v) => v.aliases).join(', ') || 'none'})` : `version ${version} (versions: ${versions.map((v) => v.version).join(', ')})`}.`,
    );
  return found;
}

export function checkAlias(name: string, alias: string, version: number, versions: readonly ModelVersion[]): void {
  if (!versions.some((v) => v.version === version))
    throw new Error(`track: model "${name}" has no version ${version} (it has ${versions.map((v) => v.version).join(', ') || 'none'}).`);
  if (!NAME.test(alias) || /^v\d+$/i.test(alias))
    throw new TypeError(`track: alias "${alias}" may hold letters, digits, _ - . only, and not look like a version (v3).`);
}
