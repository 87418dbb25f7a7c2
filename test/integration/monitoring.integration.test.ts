// `aielab serve` watched by a real Prometheus (Debian's, which CI installs): the CLI serves an
// exported model, `aielab monitoring` writes the scrape configuration, alert rules and dashboard,
// promtool accepts them, Prometheus scrapes /metrics and its queries see the requests we sent;
// SIGTERM stops the server cleanly.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitor, nn, onnx, serve } from '../../sdk';
import { seeded } from '../../sdk/ml/random';
import { CLI } from '../helpers/paths';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `aielab serve` and resolves with its address once it says it is serving. */
function startCli(args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`aielab serve did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Serving at (http:\/\/[\d.:]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] as string, output: () => output });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`aielab serve exited with ${code}:\n${output}`)));
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, seconds = 40): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('serving watched by Prometheus', function () {
  this.timeout(120_000);
  const installed = existsSync(PROMETHEUS) && existsSync(PROMTOOL);
  before(function () {
    if (!installed) {
      assert.ok(!process.env.CI, "CI must install Debian's prometheus package");
      this.skip();
    }
  });

  it("scrapes aielab serve's /metrics, loads the generated alert rules, and sees the requests sent", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aielab-prom-'));
    await nn.backend();
    nn.seed(1);
    const file = join(dir, 'iris.onnx');
    const random = seeded(5);
    const reference = Array.from({ length: 300 }, () => Array.from({ length: 4 }, () => random() * 2 - 1));
    await onnx.export(nn.sequential([nn.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]), file, {
      labels: ['a', 'b', 'c'],
      reference,
    });
    const log = join(dir, 'requests.jsonl');
    const served = await startCli([file, '--port', '0', '--max-queue-delay-ms', '1', '--log-requests', log]);
    let prometheus: ChildProcess | undefined;
    try {
      const target = new URL(served.url).host;
      const written = spawnSync(process.execPath, [CLI, 'monitoring', join(dir, 'monitoring'), '--target', target, '--interval', '1s'], {
        encoding: 'utf8',
      });
      assert.equal(written.status, 0, written.stderr);
      const config = join(dir, 'monitoring', 'prometheus.yml');
      for (const args of [
        ['check', 'config', config],
        ['check', 'rules', join(dir, 'monitoring', 'alerts.yml')],
      ]) {
        const checked = spawnSync(PROMTOOL, args, { encoding: 'utf8' });
        assert.equal(checked.status, 0, `promtool ${args.join(' ')}:\n${checked.stdout}${checked.stderr}`);
      }
      const dashboard = JSON.parse(readFileSync(join(dir, 'monitoring', 'grafana-dashboard.json'), 'utf8')) as {
        panels: Array<{ targets: Array<{ expr: string }> }>;
      };
      assert.ok(dashboard.panels.length >= 8);

      const client = serve.client(served.url);
      for (let i = 0; i < 5; i++) await client.predict([[0.5, 0.3, -0.1, 0.2]]);
      await assert.rejects(client.predict([[1, 2]]));
      // Replayed rows with their first feature moved by 3: the server's drift gauges see it.
      await client.predict(monitor.shift(reference.slice(0, 60), { 0: { add: 3 } }));

      const port = await freePort();
      prometheus = spawn(
        PROMETHEUS,
        [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
        { stdio: 'ignore' },
      );
      const query = async (promql: string): Promise<number | undefined> => {
        const answer = (await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as {
          data?: { result: Array<{ value: [number, string] }> };
        };
        const value = answer.data?.result[0]?.value[1];
        return value === undefined ? undefined : Number(value);
      };
      assert.equal(await until('a successful scrape', async () => ((await query('up{job="aielab"}')) === 1 ? 1 : undefined)), 1);
      assert.equal(
        await until('the requests counter', () => query('sum(aielab_inference_requests_total{code="200",endpoint="predict"})')),
        6,
      );
      assert.ok(((await query('aielab_drift_psi{feature="f0"}')) ?? 0) > 0.25, 'the moved feature drifted');
      assert.ok(((await query('aielab_drift_psi{feature="f1"}')) ?? 1) < 0.25, 'the others did not');
      assert.equal(await query('sum(aielab_inference_errors_total{reason="bad_request"})'), 1);
      assert.ok(((await query('sum(aielab_inference_request_duration_seconds_count)')) ?? 0) >= 6);
      const rules = (await (await fetch(`http://127.0.0.1:${port}/api/v1/rules`)).json()) as {
        data: { groups: Array<{ rules: Array<{ name: string; health: string }> }> };
      };
      const loaded = rules.data.groups.flatMap((g) => g.rules);
      assert.deepEqual(loaded.map((r) => r.name).sort(), [
        'AielabBatchQueueBacklog',
        'AielabFeatureDrift',
        'AielabHighErrorRatio',
        'AielabHighLatencyP99',
        'AielabPredictionDrift',
        'AielabServerDown',
      ]);
      // Each rule is evaluated once a second; an expression Prometheus cannot run would turn "err".
      await until('every rule evaluated', async () => {
        const now = (await (await fetch(`http://127.0.0.1:${port}/api/v1/rules`)).json()) as typeof rules;
        const all = now.data.groups.flatMap((g) => g.rules);
        return all.every((r) => r.health === 'ok') ? true : undefined;
      });
      // The drift rule follows the server's decision and names the moved feature alone; it waits
      // its ten minutes as pending. The error ratio (1 of 7) is pending too.
      assert.equal(await query('aielab_drift_detected{feature="f0"}'), 1);
      assert.equal(await query('sum(aielab_drift_detected)'), 1);
      const pending = await until('the drift alert pending', async () => {
        const alerts = (await (await fetch(`http://127.0.0.1:${port}/api/v1/alerts`)).json()) as {
          data: { alerts: Array<{ labels: Record<string, string>; state: string; value: string }> };
        };
        const drift = alerts.data.alerts.filter((a) => a.labels.alertname === 'AielabFeatureDrift');
        return drift.length ? drift : undefined;
      });
      assert.deepEqual(
        pending.map((a) => [a.labels.feature, a.state]),
        [['f0', 'pending']],
      );
      assert.ok(Number(pending[0]!.value) > 0.25, `its value is the PSI: ${pending[0]!.value}`);
    } finally {
      prometheus?.kill('SIGTERM');
      served.child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => served.child.once('exit', resolve));
      assert.equal(code, 0, served.output());
      assert.match(served.output(), /Stopping: answering requests in flight…\nStopped\./);
    }
    // The batch job over the request log: the replayed rows drifted, exit code 1 says so.
    const batch = spawnSync(process.execPath, [CLI, 'drift', file, log, '--last', '60'], { encoding: 'utf8' });
    assert.equal(batch.status, 1, batch.stderr);
    assert.match(batch.stdout, /Drift over 60 rows: 1 of 4 features drifted \(f0\)/);
    const drift = (...args: string[]) => spawnSync(process.execPath, [CLI, 'drift', file, log, ...args], { encoding: 'utf8' });
    const sinceThen = drift('--since', '2000-01-01', '--json');
    assert.equal(sinceThen.status, 1, sinceThen.stderr);
    const whole = JSON.parse(sinceThen.stdout) as { rows: number; drifted: string[] };
    assert.deepEqual([whole.rows, whole.drifted], [65, ['f0']], 'every logged row since then: 5 calm, 60 moved');
    // A check that could not run is 2, not the 1 that means drift, with the reason and no stack.
    for (const [args, reason] of [
      [['--since', 'soon'], /since "soon" is not a date/],
      [['--until', '2000-01-01'], /has no logged rows until 2000-01-01\./],
    ] as const) {
      const failed = drift(...args);
      assert.equal(failed.status, 2, failed.stderr);
      assert.match(failed.stderr, reason);
      assert.doesNotMatch(failed.stderr, /\n\s+at /);
    }
  });
  it('scrapes a server that asks for API keys with the key from --credentials-file, which stays out of prometheus.yml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aielab-prom-keys-'));
    await nn.backend();
    const file = join(dir, 'model.onnx');
    await onnx.export(nn.sequential([nn.layers.dense({ units: 2, activation: 'softmax', inputShape: [2] })]), file, { labels: ['a', 'b'] });
    const keys = join(dir, 'keys.json');
    const added = spawnSync(process.execPath, [CLI, 'api-key', 'add', 'prometheus', '--file', keys], { encoding: 'utf8' });
    assert.equal(added.status, 0, added.stderr);
    const key = /aielab_[\w-]+/.exec(added.stdout)?.[0] as string;
    const keyFile = join(dir, 'prometheus.key');
    writeFileSync(keyFile, key, { mode: 0o600 });
    const served = await startCli([file, '--port', '0', '--api-keys', keys]);
    const running: ChildProcess[] = [];
    try {
      const target = new URL(served.url).host;
      const scrape = async (name: string, extra: string[]) => {
        const folder = join(dir, name);
        const written = spawnSync(process.execPath, [CLI, 'monitoring', folder, '--target', target, '--interval', '1s', ...extra], {
          encoding: 'utf8',
        });
        assert.equal(written.status, 0, written.stderr);
        const config = readFileSync(join(folder, 'prometheus.yml'), 'utf8');
        const checked = spawnSync(PROMTOOL, ['check', 'config', join(folder, 'prometheus.yml')], { encoding: 'utf8' });
        assert.equal(checked.status, 0, checked.stdout + checked.stderr);
        const port = await freePort();
        running.push(
          spawn(
            PROMETHEUS,
            [
              `--config.file=${join(folder, 'prometheus.yml')}`,
              `--storage.tsdb.path=${join(folder, 'tsdb')}`,
              `--web.listen-address=127.0.0.1:${port}`,
            ],
            {
              stdio: 'ignore',
            },
          ),
        );
        const up = await until(`a scrape by ${name}`, async () => {
          const answer = (await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=up`)).json()) as {
            data?: { result: Array<{ value: [number, string] }> };
          };
          return answer.data?.result[0]?.value[1];
        });
        return { config, up };
      };
      const keyed = await scrape('with-key', ['--credentials-file', keyFile]);
      assert.equal(keyed.up, '1', 'the scrape with the key succeeds');
      assert.match(keyed.config, /authorization:\n\s+type: Bearer\n\s+credentials_file: /);
      assert.ok(!keyed.config.includes(key), 'the key is not in prometheus.yml');
      const keyless = await scrape('without-key', []);
      assert.equal(keyless.up, '0', 'without it, /metrics answers 401 and the target is down');
    } finally {
      for (const child of running) child.kill('SIGTERM');
      served.child.kill('SIGTERM');
    }
  });
});
