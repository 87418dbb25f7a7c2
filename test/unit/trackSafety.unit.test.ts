// `track` against what a notebook (or a lab's data) may hand it: artifact paths that climb out of
// the run's folder, tracking URIs it does not speak, names and values that would break meta.yaml,
// and metrics MLflow writes as inf and nan. Each test fails if its protection is taken away.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freshMlruns } from '../helpers/mlruns';
import { track } from '../../sdk';
import { trackingRoot } from '../../tracking/open';
import { FileStore } from '../../tracking/store';
import { dumpMeta, loadMeta } from '../../tracking/yaml';

describe('track refuses what would escape or corrupt the store', function () {
  this.timeout(60_000);
  const mlruns = freshMlruns();

  it('keeps logText inside the run’s artifact folder', () => {
    const run = track.startRun({ name: 'escape' });
    const outside = join(dirname(mlruns()), 'escaped.txt');
    for (const file of ['../../../../../escaped.txt', '../../escaped.txt', 'a/../../escaped.txt', '/tmp/escaped.txt', 'C:/escaped.txt'])
      assert.throws(
        () => run.logText('x', file),
        /run\.logText: file ".*" (climbs out with \.\.|is absolute); artifact paths are relative/,
        file,
      );
    assert.throws(() => run.logText('x', '..\\..\\escaped.txt'), /holds a backslash \(write folders with \/\)/);
    assert.throws(() => run.logText('x', 'a\0b'), /holds a NUL character/);
    assert.throws(() => run.logText('x', ''), /names no file/);
    assert.equal(existsSync(outside), false);
    assert.equal(readFileSync(run.logText('fine', './notes//a.txt'), 'utf8'), 'fine');
    run.end();
  });

  it('keeps logArtifact inside the run’s artifact folder, whatever the source is called', () => {
    const run = track.startRun({ name: 'escape' });
    const source = join(dirname(mlruns()), 'data.txt');
    writeFileSync(source, 'data');
    assert.throws(
      () => run.logArtifact(source, '../../../../..'),
      /run\.logArtifact: artifact path "\.\.\/\.\.\/\.\.\/\.\.\/\.\." climbs out/,
    );
    assert.throws(() => run.logArtifact(source, '/tmp'), /is absolute/);
    // ".." as the source is the folder above, copied under its own name, not into the run folder itself.
    mkdirSync(join(dirname(mlruns()), 'work', 'inner'), { recursive: true });
    const into = run.logArtifact(join(dirname(mlruns()), 'work', 'inner', '..'), 'copies');
    assert.equal(into, join(run.info.artifactUri.replace('file://', ''), 'copies', 'work'));
    run.end();
  });

  it('does not write through a symbolic link that leads out of the artifact folder', () => {
    const run = track.startRun({ name: 'link' });
    const elsewhere = mkdtempSync(join(tmpdir(), 'aielab-elsewhere-'));
    const root = run.info.artifactUri.replace('file://', '');
    symlinkSync(elsewhere, join(root, 'link'));
    assert.throws(() => run.logText('x', 'link/escaped.txt'), /leads through a symbolic link to .*, outside the run's artifact folder/);
    assert.equal(existsSync(join(elsewhere, 'escaped.txt')), false);
    run.end();
  });

  it('refuses a registered model path outside the run’s artifacts', async () => {
    const run = track.startRun({ name: 'model' });
    run.logText('{}', 'model/model.json');
    run.end();
    assert.throws(
      () => track.registerModel('m', { run, artifactPath: '../../..' }),
      /track\.registerModel: artifact path "\.\.\/\.\.\/\.\." climbs out/,
    );
  });

  it('refuses tracking URIs it does not speak, saying what it speaks and never echoing a password', () => {
    const spoken = /aielab writes MLflow’s file store: set MLFLOW_TRACKING_URI to a folder .* to an MLflow server’s address/;
    for (const uri of [
      'postgresql://admin:s3cret@db.example/mlflow',
      'mysql+pymysql://u:s3cret@host/db',
      'mssql://h/db',
      'databricks',
      'databricks://profile',
      'uc:databricks-uc',
    ]) {
      assert.throws(() => trackingRoot(uri), spoken, uri);
      assert.throws(
        () => trackingRoot(uri),
        (e: Error) => !e.message.includes('s3cret'),
        uri,
      );
    }
    assert.throws(
      () => trackingRoot('postgresql://admin:s3cret@db.example/mlflow'),
      /"postgresql:\/\/\*\*\*@db\.example\/mlflow" uses postgresql:/,
    );
    assert.throws(
      () => trackingRoot('sqlite:///x.db'),
      /MLflow’s default since 3\.13; aielab writes the file store \(mlruns\/\), which MLflow 3\.13\+ reads with MLFLOW_ALLOW_FILE_STORE=true/,
    );
    assert.throws(
      () => trackingRoot('http://admin:s3cret@127.0.0.1:5000'),
      (e: Error) => /MLFLOW_TRACKING_USERNAME/.test(e.message) && !e.message.includes('s3cret'),
    );
    // Nothing was made of them: no folder named after a database (or its password).
    assert.deepEqual(readdirSync(process.cwd()), []);
  });

  it('reads http(s) in any case as a server, and file: URIs as MLflow does', () => {
    assert.equal(trackingRoot('HTTP://Example.COM:5000/'), 'http://example.com:5000');
    assert.equal(trackingRoot('https://host/prefix//'), 'https://host/prefix');
    assert.equal(trackingRoot('file:relative/dir'), join(process.cwd(), 'relative', 'dir'));
    assert.equal(trackingRoot('file:///tmp/a%20b'), '/tmp/a b');
    assert.equal(trackingRoot('FILE:/tmp/x'), '/tmp/x');
    assert.equal(trackingRoot('plain/dir'), join(process.cwd(), 'plain', 'dir'));
    assert.equal(trackingRoot(undefined), join(process.cwd(), 'mlruns'));
  });

  it('refuses a tracking folder that is a file or a system pseudo-folder', () => {
    const file = join(process.cwd(), 'notes.txt');
    writeFileSync(file, '');
    assert.throws(() => trackingRoot(file), /names .*notes\.txt, which is a file, not a folder/);
    assert.throws(() => trackingRoot(`file://${file}`), /which is a file, not a folder/);
    for (const uri of ['file:///proc/self', '/proc/self/mlruns', '/sys/kernel', '/dev/shm/x'])
      assert.throws(() => trackingRoot(uri), /where the system, not a tracking store, keeps its files/, uri);
  });

  it('reads back run names, experiment names, params and tags with newlines and quotes exactly as written', async () => {
    const forged = 'innocent\nrun_id: 00000000000000000000000000000000\nstatus: 3';
    const names = [
      forged,
      'it\'s: a "name" # here',
      'tab\there',
      ' padded ',
      'trailing\n',
      'é 😀',
      'true',
      '0123',
      `${'long words '.repeat(12)}end`,
    ];
    track.experiment(`exp\nname: x`);
    const ids: string[] = [];
    for (const name of names) {
      const run = track.startRun({ name, tags: { note: name } });
      run.logParam('p', name);
      run.end();
      ids.push(run.id);
    }
    const store = new FileStore(mlruns());
    const experiment = store.experiments().find((e) => e.name === 'exp\nname: x');
    assert.ok(experiment, 'the experiment reads back under its own name');
    const runs = store.runs(experiment);
    for (const [i, name] of names.entries()) {
      const run = runs.find((r) => r.runId === ids[i]);
      assert.ok(run, `run ${JSON.stringify(name)} keeps its own id`);
      assert.equal(run.runName, name);
      assert.equal(run.status, 'FINISHED');
      assert.equal(run.params.p, name);
      assert.equal(run.tags.note, name);
    }
    assert.equal(
      dumpMeta({ run_name: 'a\nb' }),
      "run_name: 'a\n\n  b'\n",
      'a newline is a blank line in single quotes, as PyYAML writes it',
    );
    assert.deepEqual(loadMeta('run_name: "a\\tb\\\n  \\ c"\nx: 1\n', 'meta.yaml'), { run_name: 'a\tb c', x: 1 });
  });

  it('writes Infinity, -Infinity and NaN as MLflow does (inf, -inf, nan) and reads them back', () => {
    const run = track.startRun({ name: 'diverged' });
    run.logMetric('loss', Infinity).logMetric('loss', -Infinity).logMetric('loss', Number.NaN).logMetric('loss', 1e-5).logMetric('loss', 3);
    run.end();
    const file = join(mlruns(), run.info.experimentId, run.id, 'metrics', 'loss');
    assert.deepEqual(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ').slice(1).join(' ')),
      ['inf 0', '-inf 1', 'nan 2', '1e-05 3', '3.0 4'],
    );
    const store = new FileStore(mlruns());
    assert.deepEqual(store.history(run.info).loss, [
      [0, Infinity],
      [1, -Infinity],
      [2, Number.NaN],
      [3, 1e-5],
      [4, 3],
    ]);
    // As MLflow's Python float() reads what another writer left: any case, and "infinity".
    writeFileSync(file, '1 Infinity 0\n2 -INF 1\n3 NaN 2\n');
    assert.deepEqual(store.history(run.info).loss, [
      [0, Infinity],
      [1, -Infinity],
      [2, Number.NaN],
    ]);
    const experiment = store.experiments().find((e) => e.id === run.info.experimentId);
    assert.ok(experiment);
    assert.ok(Number.isNaN(store.runs(experiment).find((r) => r.runId === run.id)?.metrics.loss));
  });
});
