// What New Lab Note writes: the runs a lab's notebook tracked (and no other notebook's), the models
// registered from them, and its checks' score, before the headings the learner fills in.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labNoteText, labRecord } from '../../src/labs/noteText';
import { Registry } from '../../tracking/registry';
import { FileStore } from '../../tracking/store';

describe('lab notes', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'aielab-note-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lists the lab's own runs, newest first, with their metrics and the models made from them", () => {
    const mlruns = join(dir, 'mlruns');
    const notebook = join(dir, 'lab-02.aielab');
    const store = new FileStore(mlruns);
    const experiment = store.experiment('penguins');
    const track = (name: string, source: string, accuracy: number, startTime: number) => {
      const run = store.createRun(experiment, name, 'learner', 4, { 'mlflow.source.name': source });
      store.logMetric(run, 'val_accuracy', accuracy, 0, startTime);
      store.logMetric(run, 'loss', 0.25, 0, startTime);
      const finished = { ...run, status: 'FINISHED' as const, startTime, endTime: startTime + 1 };
      store.writeRunMeta(finished, 'learner', 4);
      return finished;
    };
    const older = track('small', notebook, 0.9, 1000);
    const newer = track('wide', notebook, 0.95, 2000);
    track('elsewhere', join(dir, 'other.aielab'), 0.5, 3000);
    const modelDir = join(fileURLToPath(newer.artifactUri), 'model');
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(join(modelDir, 'model.json'), '{}');
    const registry = new Registry(store);
    const version = registry.register('penguins', newer, 'model', 'learner');
    registry.setAlias('penguins', 'champion', version.version);

    const record = labRecord(mlruns, notebook);
    assert.deepEqual(
      record.runs.map((r) => [r.name, r.status]),
      [
        ['wide', 'finished'],
        ['small', 'finished'],
      ],
      "the lab's runs only, newest first",
    );
    assert.deepEqual(record.models, [{ name: 'penguins', version: 1, aliases: ['champion'], runId: newer.runId }]);

    const text = labNoteText({
      date: '2026-12-04',
      lab: { id: 'm3-l4', title: 'Versioning' },
      notebook: '../lab-02.aielab',
      record,
      checks: { passed: 3, total: 5 },
    });
    assert.match(
      text,
      new RegExp(
        `^---\\ndate: 2026-12-04\\nlab: m3-l4\\nnotebook: \\.\\./lab-02\\.aielab\\nruns: \\[${newer.runId}, ${older.runId}\\]\\nmodels: \\[models:/penguins/1\\]\\n---\\n`,
      ),
    );
    assert.match(text, /checks passed: 3 of 5/);
    assert.match(
      text,
      /\| run \| id \| status \| loss \| val_accuracy \|\n\| --- \| --- \| --- \| ---: \| ---: \|\n\| wide \| \w{8} \| finished \| 0\.25 \| 0\.95 \|\n\| small \|/,
    );
    assert.match(text, /- `models:\/penguins\/1` \(@champion\), from run \w{8}/);
    assert.match(text, /## What I tried\n\n## What broke, and how I fixed it/);
  });

  it('says how to fill the runs in when the lab has tracked none yet', () => {
    const text = labNoteText({
      date: '2026-12-04',
      lab: { id: 'm1-l1', title: 'Lifecycle' },
      notebook: 'x.aielab',
      record: labRecord(join(dir, 'none'), 'x'),
      checks: undefined,
    });
    assert.match(text, /runs: \[\]\n---/);
    assert.match(text, /No runs yet: run the lab, then make a new note\./);
    assert.doesNotMatch(text, /checks passed/);
  });
});
