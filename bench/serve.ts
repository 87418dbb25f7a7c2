// Serving throughput and latency on loopback: aielab serve (one request per model call, and with
// dynamic batching) beside FastAPI + uvicorn + PyTorch serving the same MLP with the same weights
// and JSON contract, and a bare node:http + onnxruntime-node loop (the ceiling), all loaded the
// same way by autocannon (16 connections, keep-alive). Then a soak run: many requests at
// aielab serve, none lost, its memory sampled each second.
// Usage: npm run bench:serve     (BENCH_SECONDS=10 per run, BENCH_SOAK=300000 requests)
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nn, onnx, table } from '../sdk';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SOAK = Number(process.env.BENCH_SOAK ?? 300_000);
const CONNECTIONS = 16;
const PYTHON = '/usr/bin/python3';
const CLI = join(__dirname, '..', 'dist', 'cli.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function ready(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited with ${child.exitCode}`);
    try {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer`);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const WIDTH = 32;
const BODY = JSON.stringify({ rows: [Array.from({ length: WIDTH }, (_, j) => Math.sin(j))] });

interface Load {
  server: string;
  'req/s': number;
  'p50 ms': number;
  'p99 ms': number;
  'non-2xx': number;
  errors: number;
}

async function load(name: string, url: string, options: { duration?: number; amount?: number } = {}): Promise<Load & { total: number }> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections: CONNECTIONS,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? SECONDS }),
  });
  return {
    server: name,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'non-2xx': result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

async function serve(
  name: string,
  command: string,
  args: string[],
  port: number,
): Promise<{ child: ChildProcess; url: string; name: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}/predict`;
  await ready(url, child);
  return { child, url, name };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('Build first: npm run build (bench:serve does).');
  await nn.backend();
  nn.seed(0);
  const model = nn.sequential([
    nn.layers.dense({ units: 64, activation: 'relu', inputShape: [WIDTH] }),
    nn.layers.dense({ units: 64, activation: 'relu' }),
    nn.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'aielab-bench-serve-'));
  const rows: Load[] = [];
  try {
    const file = join(dir, 'model.onnx');
    await onnx.export(model, file, { labels: ['a', 'b', 'c'] });
    const weights = model.layers.map((layer) => {
      const [kernel, bias] = layer.getWeights();
      return { kernel: kernel!.arraySync(), bias: bias!.arraySync() };
    });
    writeFileSync(join(dir, 'weights.json'), JSON.stringify(weights));

    const servers: Array<() => Promise<{ child: ChildProcess; url: string; name: string }>> = [
      async () => {
        const port = await freePort();
        return serve(
          'aielab serve (--no-batching: a call per request)',
          process.execPath,
          [CLI, 'serve', file, '--port', String(port), '--no-batching'],
          port,
        );
      },
      async () => {
        const port = await freePort();
        return serve(
          'aielab serve (default: batches what queues, no waiting)',
          process.execPath,
          [CLI, 'serve', file, '--port', String(port), '--max-queue-delay-ms', '0'],
          port,
        );
      },
      async () => {
        const port = await freePort();
        return serve(
          'aielab serve (dynamic batching, waits ≤ 1 ms)',
          process.execPath,
          [CLI, 'serve', file, '--port', String(port), '--max-queue-delay-ms', '1'],
          port,
        );
      },
      async () => {
        const port = await freePort();
        return serve(
          'bare node:http + onnxruntime-node (no validation, no metrics)',
          process.execPath,
          [join(__dirname, 'serve_bare.mjs'), file, String(port)],
          port,
        );
      },
    ];
    const python = spawn(PYTHON, ['-c', 'import fastapi, uvicorn, torch'], { stdio: 'ignore' });
    const hasPython = await new Promise<boolean>((resolve) => python.once('exit', (code) => resolve(code === 0)));
    if (hasPython) {
      servers.push(async () => {
        const port = await freePort();
        return serve('FastAPI + uvicorn + PyTorch (1 worker)', PYTHON, [join(__dirname, 'serve_reference.py'), dir, String(port)], port);
      });
    } else console.log('(FastAPI reference skipped: apt-get install python3-fastapi python3-uvicorn python3-torch)');

    for (const start of servers) {
      const server = await start();
      try {
        await load(server.name, server.url, { duration: 2 }); // warm-up
        const { total: _total, ...measured } = await load(server.name, server.url);
        rows.push(measured);
      } finally {
        await stop(server.child);
      }
    }
    console.log(
      table(rows as unknown as Array<Record<string, string | number>>, {
        title: `POST /predict, one row of ${WIDTH} features, MLP ${WIDTH}→64→64→3: ${CONNECTIONS} connections for ${SECONDS} s each (autocannon, keep-alive, loopback)`,
      }).data['text/plain'],
    );

    // Soak: a fixed number of requests; none may be lost, and memory should stay flat.
    const port = await freePort();
    const soak = await serve(
      'aielab serve',
      process.execPath,
      [CLI, 'serve', file, '--port', String(port), '--max-queue-delay-ms', '0'],
      port,
    );
    const pid = soak.child.pid as number;
    const samples = [rssMb(pid)];
    const sampler = setInterval(() => samples.push(rssMb(pid)), 1000);
    try {
      const result = await load('soak', soak.url, { amount: SOAK });
      clearInterval(sampler);
      samples.push(rssMb(pid));
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const counted = [...metrics.matchAll(/^aielab_inference_requests_total\{[^}]*code="200"[^}]*\} (\d+)/gm)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
      // Memory at each quarter of the run: after warm-up, a server that leaks keeps climbing.
      const at = (share: number) => Math.round(samples[Math.min(samples.length - 1, Math.round(share * (samples.length - 1)))] as number);
      console.log(
        table(
          [
            {
              requests: SOAK,
              answered: result.total,
              '2xx counted by the server': counted,
              lost: SOAK - result.total + result.errors,
              'non-2xx': result['non-2xx'],
              'req/s': result['req/s'],
              'RSS at start / ¼ / ½ / ¾ / end (MB)': [0, 0.25, 0.5, 0.75, 1].map(at).join(' / '),
            },
          ],
          { title: `Soak: ${SOAK} requests at aielab serve (dynamic batching, no waiting), RSS sampled every second` },
        ).data['text/plain'],
      );
    } finally {
      clearInterval(sampler);
      await stop(soak.child);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
