// `track`'s MLflow file store against what only another process can show: meta.yaml exactly as
// PyYAML writes the same mapping with MLflow's options (write_yaml: allow_unicode), and two kernels logging
// to one experiment at once losing nothing. Integration, not unit: these tests start processes.
import { strict as assert } from 'node:assert';
import { spawnSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshMlruns } from '../helpers/mlruns';
import { ROOT } from '../helpers/paths';
import { track } from '../../sdk';
import { dumpMeta } from '../../tracking/yaml';

const python = '/usr/bin/python3';

describe('track (MLflow file store) with other processes', function () {
  this.timeout(60_000);
  const mlruns = freshMlruns();

  it('writes meta.yaml byte for byte as PyYAML safe_dump writes the same mapping', () => {
    assert.equal(
      spawnSync(python, ['-c', 'import yaml'], { encoding: 'utf8' }).status,
      0,
      "the reference needs Debian's PyYAML: apt-get install python3-yaml (.ci/run does)",
    );
    track.experiment('Default');
    const run = track.startRun({ name: "odd: name's" });
    run.end('FAILED');
    // Names that need each of PyYAML's styles, its folding at 80 columns, and a forged second line.
    const odd = [
      'a\nrun_id: forged',
      'tab\tand "quotes"',
      ' padded',
      'café ☕',
      `${"it's long ".repeat(12)}end`,
      `${'a\\b '.repeat(30)}\t`,
    ];
    const runs = odd.map((name) => track.startRun({ name, nested: true }).end());
    const files = [
      join(mlruns(), '0', 'meta.yaml'),
      join(mlruns(), '0', run.id, 'meta.yaml'),
      ...runs.map((r) => join(mlruns(), '0', r.id, 'meta.yaml')),
    ];
    for (const [i, r] of runs.entries()) {
      const read = spawnSync(
        python,
        [
          '-c',
          'import sys, yaml; sys.stdout.write(yaml.safe_load(open(sys.argv[1], encoding="utf-8"))["run_name"])',
          files[i + 2] as string,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(read.stdout, odd[i], `PyYAML reads the run name of ${r.id} as written`);
    }
    for (const file of files) {
      const ours = readFileSync(file, 'utf8');
      const theirs = spawnSync(
        python,
        [
          '-c',
          'import sys, yaml; sys.stdout.write(yaml.safe_dump(yaml.safe_load(open(sys.argv[1], encoding="utf-8")), default_flow_style=False, allow_unicode=True))',
          file,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(ours, theirs.stdout, file);
    }
    assert.equal(
      dumpMeta({ a: '', b: '0', c: 'yes', d: 'a: b', e: null, f: [], g: 3, h: 'file:///x y/0' }),
      "a: ''\nb: '0'\nc: 'yes'\nd: 'a: b'\ne: null\nf: []\ng: 3\nh: file:///x y/0\n",
    );
  });

  it('loses nothing when two kernels log to one experiment at once', async () => {
    const script = join(__dirname, '..', 'fixtures', 'track-writer.ts');
    const writers = [1, 2].map(
      (n) =>
        new Promise<number>((done) =>
          spawn(process.execPath, ['--import', 'tsx', script, String(n)], {
            cwd: ROOT,
            env: { ...process.env, MLFLOW_TRACKING_URI: mlruns() },
            stdio: 'inherit',
          }).on('exit', (code) => done(code ?? 1)),
        ),
    );
    assert.deepEqual(await Promise.all(writers), [0, 0]);
    const experiments = readdirSync(mlruns()).filter((d) => !d.startsWith('.'));
    assert.equal(experiments.length, 1, 'one experiment, however many kernels created it');
    const runs = readdirSync(join(mlruns(), experiments[0] as string)).filter((d) => d !== 'meta.yaml');
    assert.equal(runs.length, 2);
    for (const run of runs)
      assert.equal(
        readFileSync(join(mlruns(), experiments[0] as string, run, 'metrics', 'step'), 'utf8')
          .trim()
          .split('\n').length,
        500,
      );
  });
});
