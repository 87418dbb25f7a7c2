// `track` against what a notebook (or a lab's data) may hand it: artifact paths that climb out of
// the run's folder, tracking URIs it does not speak, names and values that would break meta.yaml,
// and metrics MLflow writes as inf and nan. Each test fails if its protection is taken away.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freshMlruns } from '../helpers/mlruns';
import { track } from '../../sdk';

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
});
