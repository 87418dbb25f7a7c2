// `aielab new pipeline` as a learner uses it: scaffold, npm install, the project's own typecheck
// and tests, `npm run train` and `npm run retrain`, the bundle the container runs, and the CI
// workflow, read by the parser GitHub Actions uses. npm installs from its cache when it can (the
// same versions as this repo's), from the registry otherwise.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as WorkflowParser from '@actions/workflow-parser';
import { FileStore } from '../../tracking/store';
import { learnerEnv } from '../helpers/learnerEnv';
import { CLI } from '../helpers/paths';

function sh(command: string, args: string[], cwd: string, timeout = 300_000) {
  const ran = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: learnerEnv() });
  return { status: ran.status, output: `${ran.stdout}\n${ran.stderr}` };
}

/**
 * @actions/workflow-parser is ESM-only and imports its schema as `import … from "….json"` with no
 * `with { type: 'json' }`, which bundlers accept and Node refuses: a load hook adds the attribute.
 */
async function workflowParser(): Promise<typeof WorkflowParser> {
  const hook = `export function load(url, context, next) {
    const json = url.endsWith('.json') && !context.importAttributes?.type;
    return next(url, json ? { ...context, importAttributes: { ...context.importAttributes, type: 'json' } } : context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  return (await import('@actions/workflow-parser')) as typeof WorkflowParser;
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
      'src/retrain.ts',
      '.github/workflows/pipeline.yml',
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
    assert.match(tests.output, /# pass 16\n# fail 0/);
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

  it('npm run retrain keeps a champion just packaged, with no requests logged', () => {
    assert.ok(existsSync(join(project, 'model', 'reference.json')), "the champion has its training rows' statistics");
    const retrain = sh('npm', ['run', 'retrain'], project);
    assert.equal(retrain.status, 0, retrain.output);
    assert.match(retrain.output, /- penguins version 1 is 0\.0 days old, under maxAgeDays \(30\)\n- no request log at requests\.jsonl/);
    assert.match(retrain.output, /No retraining: model\/ keeps the champion\./);
  });

  it("ships a CI workflow GitHub's parser accepts: test, then train through the gate and upload the model; a weekly retrain", async () => {
    const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await workflowParser();
    const content = readFileSync(join(project, '.github', 'workflows', 'pipeline.yml'), 'utf8');
    const parsed = parseWorkflow({ name: 'pipeline.yml', content }, new NoOperationTraceWriter());
    assert.deepEqual(
      parsed.context.errors.getErrors().map((e) => e.message),
      [],
    );
    assert.ok(parsed.value, 'a workflow');
    const workflow = await convertWorkflowTemplate(parsed.context, parsed.value);
    assert.deepEqual(workflow.errors ?? [], []);
    assert.deepEqual(Object.keys(workflow.events).sort(), ['pull_request', 'push', 'schedule', 'workflow_dispatch']);
    assert.deepEqual(workflow.events.schedule, [{ cron: '17 5 * * 1' }]);

    const jobs = new Map(workflow.jobs.map((job) => [job.id.value, job]));
    assert.deepEqual([...jobs.keys()], ['test', 'train', 'retrain']);
    assert.deepEqual(jobs.get('test')?.needs, undefined);
    for (const id of ['train', 'retrain'])
      assert.deepEqual(
        jobs.get(id)?.needs?.map((n) => n.value),
        ['test'],
        `${id} runs after the tests pass`,
      );
    assert.match(jobs.get('train')?.if.expression ?? '', /github\.event_name == 'push' \|\| github\.event_name == 'pull_request'/);
    assert.match(
      jobs.get('retrain')?.if.expression ?? '',
      /github\.event_name == 'schedule' \|\| github\.event_name == 'workflow_dispatch'/,
    );

    /** Each step of a job: whether it is an action, what it runs or uses, and the condition it runs on. */
    const steps = (id: string) => {
      const job = jobs.get(id);
      assert.ok(job && job.type === 'job', `job ${id}`);
      return job.steps.map((step) => ({
        action: 'uses' in step,
        does: 'uses' in step ? step.uses.value : 'run' in step ? step.run.toString().trim() : '',
        if: 'if' in step ? step.if?.expression : undefined,
        continueOnError: step['continue-on-error'],
      }));
    };
    const setup = ['actions/checkout@v4', 'actions/setup-node@v4', 'npm ci --no-audit --no-fund'];
    assert.deepEqual(
      steps('test').map((s) => s.does),
      [...setup, 'npm run typecheck', 'npm test'],
    );
    const train = steps('train');
    assert.deepEqual(
      train.map((s) => s.does.split('\n')[0]),
      [...setup, 'npm run train', 'node -e "', 'actions/upload-artifact@v4', 'actions/upload-artifact@v4'],
    );
    // The gate fails `npm run train`, so the job fails there: no step may swallow it, and the model
    // is uploaded only when every step before it succeeded.
    assert.ok(train.every((s) => !s.continueOnError));
    assert.deepEqual(
      train.map((s) => s.if),
      ['success()', 'success()', 'success()', 'success()', 'success()', 'success()', 'always()'],
    );
    assert.match(
      content,
      /- name: Upload the packaged model\n\s+uses: actions\/upload-artifact@v4\n\s+with:\n\s+name: model\n\s+path: model\/\n/,
    );
    const retrain = steps('retrain').map((s) => s.does.split('\n')[0]);
    assert.deepEqual(retrain.slice(0, 3), setup);
    assert.deepEqual(retrain.slice(-3), ['npm run retrain', 'actions/upload-artifact@v4', 'actions/upload-artifact@v4']);
    // Only GitHub's own actions, each pinned to a major version.
    for (const id of jobs.keys())
      for (const { action, does } of steps(id)) if (action) assert.match(does, /^actions\/(checkout|setup-node|upload-artifact)@v\d+$/);
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
