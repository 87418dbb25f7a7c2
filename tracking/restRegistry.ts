// The model registry of an MLflow tracking server: a version's source is its run's artifact URI
// (mlflow-artifacts:/<experiment>/<run>/artifacts/model), so the server's UI links every model to
// the run it came from; loading one downloads its files through the artifact proxy first.
import { posix } from 'node:path';
import { artifactPath as safePath } from './artifactPath';
import type { ModelRegistry } from './backend';
import { MlflowError, paged, unless } from './rest';
import { checkAlias, parseModelUri, pickVersion, type ModelVersion } from './registry';
import { proxyPath, type RestStore } from './restStore';
import type { RunInfo } from './store';

interface VersionJson {
  name: string;
  version: string;
  source?: string;
  run_id?: string;
  description?: string;
  aliases?: string[];
}

export class RestRegistry implements ModelRegistry {
  constructor(private readonly store: RestStore) {}

  // The server records who registered a version from its own authentication, not from the request.
  register(name: string, run: RunInfo, artifactPath: string, _userId: string, description = ''): ModelVersion {
    const path = safePath(artifactPath, 'track.registerModel: artifact path', false);
    const remote = `${proxyPath(run.artifactUri, this.store.root)}/${path}`;
    const source = `${run.artifactUri}/${path}`;
    if (!this.store.client.listArtifacts(posix.dirname(remote)).some((f) => f.path.split('/').pop() === posix.basename(remote))) {
      throw new Error(
        `track.registerModel: run ${run.runName} has no artifact "${artifactPath}" (${source}). Log the model first: run.logModel(model) or run.logArtifact(folder).`,
      );
    }
    unless('RESOURCE_ALREADY_EXISTS', () => this.store.client.post('registered-models/create', { name }));
    const { model_version } = this.store.client.post<{ model_version: VersionJson }>('model-versions/create', {
      name,
      source,
      run_id: run.runId,
      description,
    });
    return toVersion(model_version, []);
  }

  setAlias(name: string, alias: string, version: number): void {
    checkAlias(name, alias, version, this.versions(name));
    this.store.client.post('registered-models/alias', { name, alias, version: String(version) });
  }

  versions(name: string): ModelVersion[] {
    const model = unless('RESOURCE_DOES_NOT_EXIST', () =>
      this.store.client.get<{ registered_model: { aliases?: Array<{ alias: string; version: string }> } }>('registered-models/get', {
        name,
      }),
    );
    if (!model) return [];
    const aliases = model.registered_model.aliases ?? [];
    const found = paged(
      (page_token) =>
        this.store.client.get<{ model_versions?: VersionJson[]; next_page_token?: string }>('model-versions/search', {
          filter: `name='${name}'`,
          max_results: 1000,
          page_token,
        }),
      (a) => a.model_versions,
    );
    return found
      .map((v) =>
        toVersion(
          v,
          aliases.filter((a) => a.version === v.version).map((a) => a.alias),
        ),
      )
      .sort((a, b) => a.version - b.version);
  }

  resolve(uri: string): ModelVersion {
    const ref = parseModelUri(uri);
    if (ref.alias) {
      try {
        return toVersion(
          this.store.client.get<{ model_version: VersionJson }>('registered-models/alias', { name: ref.name, alias: ref.alias })
            .model_version,
        );
      } catch (error) {
        // No such model or alias: the versions below say which, as the file store's registry does.
        if (!(error instanceof MlflowError && error.status < 500)) throw error;
      }
    }
    return pickVersion(ref, this.versions(ref.name));
  }

  localPath(version: ModelVersion): string {
    const remote = proxyPath(version.source, this.store.root);
    const local = this.store.local(remote);
    this.store.client.download(remote, local);
    return local;
  }
}

function toVersion(v: VersionJson, aliases = v.aliases ?? []): ModelVersion {
  return {
    name: v.name,
    version: Number(v.version),
    source: v.source ?? '',
    runId: v.run_id ?? '',
    description: v.description ?? '',
    aliases,
  };
}
