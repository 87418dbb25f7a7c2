// What a new lab note holds: the lab, the runs it tracked and the models registered from them
// (read from the mlruns/ folder beside the lab's notebook), and how far its checks got, written
// in at once so that the note starts with the facts and the learner adds what they mean.
import { existsSync } from 'node:fs';
import { Registry } from '../../tracking/registry';
import { FileStore } from '../../tracking/store';

export interface NoteRun {
  runId: string;
  name: string;
  status: string;
  metrics: Readonly<Record<string, number>>;
}

export interface NoteModel {
  name: string;
  version: number;
  aliases: readonly string[];
  runId: string;
}

export interface LabRecord {
  runs: NoteRun[];
  models: NoteModel[];
}

export interface NoteInput {
  date: string;
  lab: { id: string; title: string };
  /** The notebook, relative to the note. */
  notebook: string;
  record: LabRecord;
  checks: { passed: number; total: number } | undefined;
}

/** Runs a note lists at most: the newest. */
const MAX_RUNS = 10;
/** Metrics shown per run: the first ones by name, so a long history does not swamp the note. */
const MAX_METRICS = 4;

/** The runs the notebook at `notebookPath` tracked in `mlruns`, newest first, and the models made from them. */
export function labRecord(mlruns: string, notebookPath: string): LabRecord {
  if (!existsSync(mlruns)) return { runs: [], models: [] };
  const store = new FileStore(mlruns);
  const runs = store
    .experiments()
    .flatMap((experiment) => store.runs(experiment))
    .filter((run) => run.tags['mlflow.source.name'] === notebookPath)
    .sort((a, b) => b.startTime - a.startTime)
    .slice(0, MAX_RUNS);
  const ids = new Set(runs.map((run) => run.runId));
  const registry = new Registry(store);
  const models = registry.names().flatMap((name) =>
    registry
      .versions(name)
      .filter((v) => ids.has(v.runId))
      .map((v) => ({ name: v.name, version: v.version, aliases: v.aliases, runId: v.runId })),
  );
  return {
    runs: runs.map((run) => ({ runId: run.runId, name: run.runName, status: run.status.toLowerCase(), metrics: run.metrics })),
    models,
  };
}

export function labNoteText({ date, lab, notebook, record, checks }: NoteInput): string {
  const front = [
    '---',
    `date: ${date}`,
    `lab: ${lab.id}`,
    `notebook: ${notebook}`,
    record.runs.length ? `runs: [${record.runs.map((r) => r.runId).join(', ')}]` : 'runs: []',
    ...(record.models.length ? [`models: [${record.models.map((m) => `models:/${m.name}/${m.version}`).join(', ')}]`] : []),
    '---',
  ];
  const body = [
    `# ${date} · ${lab.title}`,
    '',
    `Lab: [${lab.id} ${lab.title}](${encodeURI(notebook)})${checks ? ` · checks passed: ${checks.passed} of ${checks.total}` : ''}`,
    '',
    '## Runs tracked by this lab',
    '',
    ...(record.runs.length ? runTable(record.runs) : ['No runs yet: run the lab, then make a new note.']),
    ...(record.models.length ? ['', '## Models registered from them', '', ...record.models.map(modelLine)] : []),
    '',
    '## What I tried',
    '',
    '## What broke, and how I fixed it',
    '',
    '## Numbers worth keeping (accuracy, latency, cost), and why they moved',
    '',
    '## Next',
    '',
  ];
  return [...front, '', ...body].join('\n');
}

function runTable(runs: readonly NoteRun[]): string[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort().slice(0, MAX_METRICS);
  const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [
    row(['run', 'id', 'status', ...keys]),
    row(['---', '---', '---', ...keys.map(() => '---:')]),
    ...runs.map((r) => row([r.name, r.runId.slice(0, 8), r.status, ...keys.map((k) => (r.metrics[k] === undefined ? '' : formatNumber(r.metrics[k])))])),
  ];
}

function modelLine(model: NoteModel): string {
  const aliases = model.aliases.length ? ` (${model.aliases.map((a) => `@${a}`).join(', ')})` : '';
  return `- \`models:/${model.name}/${model.version}\`${aliases}, from run ${model.runId.slice(0, 8)}`;
}

function formatNumber(value: number): string {
  return String(Number(value.toPrecision(4)));
}
