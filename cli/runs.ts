// `aielab runs list|show|compare`: the runs `track` wrote (MLflow's mlruns/ layout), in a terminal.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { table } from '../sdk/display/table';
import { openTracking, trackingRoot } from '../tracking/open';
import type { StoredRun as Stored } from '../tracking/store';
import { UsageError } from './usage';

type StoredRun = Stored & { experiment: string };

export function runsCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { store: { type: 'string' }, experiment: { type: 'string' } },
  });
  const [action, ...ids] = positionals;
  const uri = values.store ?? (process.env.MLFLOW_TRACKING_URI || undefined);
  const root = trackingRoot(uri);
  const server = /^https?:/.test(root);
  // As the user named it: "mlruns", not the absolute path it resolves to.
  const shown = server ? root : (uri ?? 'mlruns');
  if (!server && !existsSync(root))
    throw new UsageError(
      `no tracking store at ${root}: run a notebook that uses track, or point --store (or MLFLOW_TRACKING_URI) at an mlruns/ folder or an MLflow server's address.`,
    );
  const { store } = openTracking(uri);
  const experiments = store.experiments().filter((e) => !values.experiment || e.name === values.experiment);
  if (values.experiment && !experiments.length)
    throw new UsageError(
      `no experiment "${values.experiment}" in ${shown}; there are: ${
        store
          .experiments()
          .map((e) => e.name)
          .join(', ') || 'none'
      }.`,
    );
  const runs: StoredRun[] = experiments.flatMap((e) => store.runs(e).map((r) => ({ ...r, experiment: e.name })));
  const print = (rich: ReturnType<typeof table>) => console.log(rich.data['text/plain']);
  switch (action) {
    case 'list':
      print(
        table(
          runs.length
            ? runs.map((r) => ({
                experiment: r.experiment,
                run: r.runName,
                id: r.runId.slice(0, 8),
                status: r.status.toLowerCase(),
                started: new Date(r.startTime).toISOString().slice(0, 19).replace('T', ' '),
                ...r.metrics,
              }))
            : [{ runs: 'none yet' }],
          { title: `${runs.length} runs in ${shown}` },
        ),
      );
      break;
    case 'show': {
      const run = find(runs, ids[0]);
      print(
        table(
          [
            ...Object.entries(run.params).map(([k, v]) => ({ kind: 'param', name: k, value: v })),
            ...Object.entries(run.metrics).map(([k, v]) => ({ kind: 'metric', name: k, value: v })),
            ...Object.entries(run.tags).map(([k, v]) => ({ kind: 'tag', name: k, value: v })),
          ],
          { title: `${run.experiment} / ${run.runName} (${run.runId}) · ${run.status.toLowerCase()}` },
        ),
      );
      if (server) {
        console.log(`artifacts: ${run.artifactUri} (on the server)`);
        break;
      }
      const artifacts = store.artifactDir(run);
      const files = listFiles(artifacts).map((f) => relative(artifacts, f));
      console.log(files.length ? `artifacts:\n${files.map((f) => `  ${f}`).join('\n')}` : 'no artifacts');
      break;
    }
    case 'compare': {
      if (ids.length < 2)
        throw new UsageError('runs compare takes two run ids or more (a unique prefix is enough): aielab runs compare 1a2b 3c4d');
      const chosen = ids.map((id) => find(runs, id));
      const keys = (pick: (r: StoredRun) => Record<string, unknown>) => [...new Set(chosen.flatMap((r) => Object.keys(pick(r))))].sort();
      const rows = [
        ...keys((r) => r.params).map((k) => ({
          name: `param ${k}`,
          ...Object.fromEntries(chosen.map((r) => [r.runName, r.params[k] ?? '—'])),
        })),
        ...keys((r) => r.metrics).map((k) => ({ name: k, ...Object.fromEntries(chosen.map((r) => [r.runName, r.metrics[k] ?? null])) })),
      ];
      print(table(rows, { title: `Comparing ${chosen.length} runs` }));
      break;
    }
    default:
      throw new UsageError(`runs takes list, show <run> or compare <run> <run>…, not ${action ?? 'nothing'}.`);
  }
  for (const p of store.problems) console.error(`skipped ${p.path}: ${p.problem}`);
  return 0;
}

function find(runs: StoredRun[], id: string | undefined): StoredRun {
  if (!id) throw new UsageError('name a run by its id (a unique prefix is enough): aielab runs show 1a2b');
  const matches = runs.filter((r) => r.runId.startsWith(id));
  if (matches.length === 1) return matches[0] as StoredRun;
  throw new UsageError(
    matches.length
      ? `"${id}" matches ${matches.length} runs (${matches.map((r) => r.runId.slice(0, 8)).join(', ')}); give more of the id.`
      : `no run id starts with "${id}"; aielab runs list shows them.`,
  );
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? listFiles(join(dir, name)) : [join(dir, name)]));
}
