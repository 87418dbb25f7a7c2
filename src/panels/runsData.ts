// What the Runs panel shows: every mlruns/ folder in the workspace (MLflow's file store, written by
// track), its experiments with their runs and metric histories, and its registered models.
import { dirname, relative } from 'node:path';
import * as vscode from 'vscode';
import { Registry } from '../../tracking/registry';
import { FileStore } from '../../tracking/store';
import type { RunsData } from '../../contracts/panelMessages';

export async function findStores(): Promise<string[]> {
  const metas = await vscode.workspace.findFiles('**/mlruns/*/meta.yaml', '**/node_modules/**', 200);
  return [...new Set(metas.map((uri) => dirname(dirname(uri.fsPath))))].sort();
}

export function readStores(roots: readonly string[]): RunsData {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return {
    stores: roots.map((root) => {
      const store = new FileStore(root);
      const experiments = store.experiments().map((e) => ({
        id: e.id,
        name: e.name,
        runs: store.runs(e).map((r) => ({
          id: r.runId,
          name: r.runName,
          status: r.status.toLowerCase(),
          startTime: r.startTime,
          ...(r.tags['mlflow.parentRunId'] ? { parentId: r.tags['mlflow.parentRunId'] } : {}),
          params: r.params,
          metrics: r.metrics,
          history: store.history(r),
        })),
      }));
      const registry = new Registry(store);
      const models = registry.names().map((name) => ({
        name,
        versions: registry
          .versions(name)
          .map((v) => ({ version: v.version, aliases: v.aliases, runId: v.runId, description: v.description })),
      }));
      return {
        root: folder ? relative(folder, root) || '.' : root,
        experiments,
        models,
        problems: store.problems.map((p) => `${p.path}: ${p.problem}`),
      };
    }),
  };
}
