// `aielab new pipeline` as a learner uses it: scaffold, npm install, the project's own typecheck
// and tests, `npm run train`, then the bundle the container runs. npm installs from its cache
// when it can (the same versions as this repo's), from the registry otherwise.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../tracking/store';
import { learnerEnv } from '../helpers/learnerEnv';
import { CLI } from '../helpers/paths';

function sh(command: string, args: string[], cwd: string, timeout = 300_000) {
  const ran = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: learnerEnv() });
  return { status: ran.status, output: `${ran.stdout}\n${ran.stderr}` };
}

describe('aielab new pipeline', function () {
  this.timeout(600_000);
  const project = join(mkdtempSync(join(tmpdir(), 'aielab-pipeline-')), 'penguin-pipeline');

  it('refuses a folder that is not empty, and leaves it alone', () => {
    const busy = mkdtempSync(join(tmpdir(), 'aielab-busy-'));
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    const ran = sh(process.execPath, [CLI, 'new', 'pipeline', busy], tmpdir());
    assert.equal(ran.status, 2, ran.output);
    assert.match(ran.output, /is not empty \(it has notes\.txt\); choose a new folder for the project/);
    assert.deepEqual(readdirSync(busy), ['notes.txt']);
  });

  it('scaffolds a project whose tests pass out of the box', () => {
    const made = sh(process.execPath, [CLI, 'new', 'pipeline', project], tmpdir());
    assert.equal(made.status, 0, made.output);
    for (const file of [
      'src/pipeline.ts',
      'src/serve.ts',
      'Dockerfile',
      'README.md',
      'SCALING.md',
      '.gitignore',
      '.dockerignore',
      'data/penguins.csv',
      'vendor/aielab/index.js',
      'vendor/aielab/types/sdk/index.d.ts',
    ]) {
      assert.ok(existsSync(join(project, file)), `${file} was not written`);
    }
    assert.equal(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).name, 'penguin-pipeline');
    const install = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
    assert.equal(install.status, 0, install.output);
    const typecheck = sh('npm', ['run', 'typecheck'], project);
    assert.equal(typecheck.status, 0, typecheck.output);
    const tests = sh('npm', ['test'], project);
    assert.equal(tests.status, 0, tests.output);
    assert.match(tests.output, /# pass 10\n# fail 0/);
  });

  it("npm run train logs a run per configuration in MLflow's layout, chooses on validation, tests the choice once, registers and packages it", () => {
    const train = sh('npm', ['run', 'train'], project);
    assert.equal(train.status, 0, train.output);
    assert.match(train.output, /6 runs tracked in mlruns\/ \(experiment "penguins"\)/);
    const store = new FileStore(join(project, 'mlruns'));
    const experiment = store.experiments().find((e) => e.name === 'penguins');
    assert.ok(experiment, 'experiment penguins');
    const trials = store.runs(experiment).filter((r) => r.tags['mlflow.parentRunId']);
    assert.equal(trials.length, 6);
    assert.equal(new Set(trials.map((r) => `${r.params.units}/${r.params.learningRate}`)).size, 6, 'six different hyperparameter sets');
    for (const run of trials) {
      assert.equal(run.status, 'FINISHED');
      assert.match(run.tags['data.sha256'] ?? '', /^[0-9a-f]{64}$/);
      assert.ok(
        run.metrics.val_accuracy !== undefined && run.metrics.val_f1_macro !== undefined && run.metrics.loss !== undefined,
        `metrics of ${run.runName}: ${Object.keys(run.metrics)}`,
      );
      assert.equal(run.params.val_size, '0.2');
    }
    // Only the chosen run was scored on the test split, and the card carries both figures.
    const tested = trials.filter((r) => r.metrics.test_accuracy !== undefined);
    assert.equal(tested.length, 1, 'one run has test metrics');
    const chosen = tested[0]!;
    assert.equal(chosen.tags['aielab.chosen'], 'true');
    const champion = readFileSync(join(project, 'mlruns', 'models', 'penguins', 'aliases', 'champion'), 'utf8').trim();
    const card = JSON.parse(readFileSync(join(project, 'model', 'model-card.json'), 'utf8'));
    assert.equal(String(card.version), champion);
    assert.equal(card.runId, chosen.runId);
    assert.equal(card.metrics.val_accuracy, Math.max(...trials.map((r) => r.metrics.val_accuracy as number)));
    assert.equal(card.metrics.test_accuracy, chosen.metrics.test_accuracy);
    assert.ok(card.metrics.test_accuracy >= 0.9, `test_accuracy ${card.metrics.test_accuracy} passed the gate`);
    assert.equal(card.splits.train.rows + card.splits.validation.rows + card.splits.test.rows, 342);
    assert.match(train.output, /Chose run [0-9a-f]{8} \(val_accuracy [\d.]+\); on the 69 test rows, once: test_accuracy [\d.]+/);
    const listed = sh(process.execPath, [CLI, 'runs', 'list', '--store', join(project, 'mlruns')], project);
    assert.match(listed.output, /7 runs in/, listed.output);
  });

  it('builds the bundle the container runs, and it serves the packaged model', async () => {
    const build = sh('npm', ['run', 'build'], project);
    assert.equal(build.status, 0, build.output);
    // The Dockerfile copies these from the build context; the run stage is not root and checks health.
    const dockerfile = readFileSync(join(project, 'Dockerfile'), 'utf8');
    for (const copied of dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)) {
      for (const path of (copied[1] as string).split(' '))
        assert.ok(existsSync(join(project, path)), `Dockerfile copies ${path}, which is missing`);
    }
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^HEALTHCHECK .*\n.*\/v2\/health\/ready/m);
    const server = spawn(process.execPath, ['dist/serve.js'], { cwd: project, env: { ...learnerEnv(), PORT: '0', HOST: '127.0.0.1' } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        server.stdout.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          const match = /at (http:\/\/[\d.:]+)\/v2\/models/.exec(seen);
          if (match) resolve(match[1] as string);
        });
        server.on('exit', (code) => reject(new Error(`the server exited with ${code}: ${seen}`)));
      });
      assert.deepEqual(await (await fetch(`${url}/v2/health/ready`)).json(), { ready: true });
      const inputs = [
        ['bill_length_mm', 50.0],
        ['bill_depth_mm', 15.2],
        ['flipper_length_mm', 218],
        ['body_mass_g', 5700],
        ['island', 'Biscoe'],
        ['sex', 'MALE'],
      ].map(([name, value]) => ({ name, shape: [1], datatype: typeof value === 'number' ? 'FP32' : 'BYTES', data: [value] }));
      const answer = (await (
        await fetch(`${url}/v2/models/penguins/infer`, { method: 'POST', body: JSON.stringify({ inputs }) })
      ).json()) as { outputs: Array<{ data: unknown[] }> };
      assert.deepEqual(answer.outputs[0]?.data, ['Gentoo']);
    } finally {
      server.kill();
    }
  });
});
