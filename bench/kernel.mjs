// Kernel start and cell round-trip overhead, beside `node -e 0` (the floor: starting Node itself)
// and, when available, Deno's Jupyter kernel driven by Debian's jupyter_client.
// Usage: npm run bench:kernel   (builds first). Deno's column needs `deno` (npm i --no-save deno,
// or on PATH) and `apt-get install python3-jupyter-client`; without them it says why it is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kernelScript = join(root, 'dist', 'kernel.js');
const STARTS = Number(process.env.BENCH_STARTS ?? 10);
const TRIPS = Number(process.env.BENCH_TRIPS ?? 300);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

async function nodeStart() {
  const t0 = performance.now();
  await new Promise((resolve) => spawn(process.execPath, ['-e', '0']).on('exit', resolve));
  return performance.now() - t0;
}

async function startKernel(dir) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [kernelScript, join(dir, 'bench.aielab')], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdio[3]), new StreamMessageWriter(child.stdio[3]));
  let onResult = () => {};
  connection.onNotification('kernel/output', (p) => p.output.kind === 'result' && onResult());
  connection.listen();
  await connection.sendRequest('kernel/initialize', { protocolVersion: 1, clientName: 'bench' });
  let id = 0;
  const execute = (code) => connection.sendRequest('kernel/execute', { executionId: ++id, cellId: 'bench', label: 'Cell 1', code });
  const firstResult = new Promise((resolve) => (onResult = resolve));
  await execute('1 + 1');
  await firstResult;
  const started = performance.now() - t0;
  const stop = () => {
    connection.dispose();
    child.kill();
  };
  return { started, execute, stop };
}

async function roundTrips(execute, code) {
  const times = [];
  for (let i = 0; i < TRIPS; i++) {
    const t0 = performance.now();
    await execute(code);
    times.push(performance.now() - t0);
  }
  return times;
}

function deno() {
  const candidates = [process.env.DENO, join(root, 'node_modules', '.bin', 'deno'), 'deno'].filter(Boolean);
  const binary = candidates.find((c) => spawnSync(c, ['--version']).status === 0);
  if (!binary) return { missing: 'deno not found (npm i --no-save deno, or put it on PATH)' };
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import jupyter_client']);
  if (probe.status !== 0) return { missing: "Debian's python3-jupyter-client is not installed (apt-get install python3-jupyter-client)" };
  const ran = spawnSync('/usr/bin/python3', [join(root, 'bench', 'deno_kernel.py'), binary, String(STARTS), String(TRIPS)], { encoding: 'utf8' });
  if (ran.status !== 0) return { missing: `the Deno run failed: ${ran.stderr.trim().split('\n').pop()}` };
  return JSON.parse(ran.stdout);
}

if (!existsSync(kernelScript)) {
  console.error('dist/kernel.js is missing: run npm run build first (npm run bench:kernel does).');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'aielab-bench-'));
try {
  const nodeStarts = [];
  const kernelStarts = [];
  for (let i = 0; i < STARTS; i++) {
    nodeStarts.push(await nodeStart());
    const kernel = await startKernel(dir);
    kernelStarts.push(kernel.started);
    kernel.stop();
  }
  const kernel = await startKernel(dir);
  await roundTrips(kernel.execute, '1 + 1'); // warm up
  const empty = await roundTrips(kernel.execute, '');
  const trivial = await roundTrips(kernel.execute, '1 + 1');
  kernel.stop();
  const denoFigures = deno();

  console.log(`machine: ${process.platform} ${process.arch}, Node ${process.version}; ${STARTS} starts, ${TRIPS} round trips each; medians`);
  console.log('\nstart to first result of `1 + 1`');
  console.log(`  node -e 0 (starting Node, nothing else)   ${ms(median(nodeStarts))}`);
  console.log(`  aielab kernel                              ${ms(median(kernelStarts))}`);
  console.log(`  deno jupyter kernel                        ${denoFigures.missing ? `not measured: ${denoFigures.missing}` : ms(denoFigures.start_ms)}`);
  console.log('\ncell round trip (request sent → reply received, output included)');
  console.log(`  aielab, empty cell                         ${ms(median(empty))} (p95 ${ms(p95(empty))})`);
  console.log(`  aielab, \`1 + 1\`                            ${ms(median(trivial))} (p95 ${ms(p95(trivial))})`);
  console.log(`  deno, \`1 + 1\`                              ${denoFigures.missing ? 'not measured' : `${ms(denoFigures.trip_ms)} (p95 ${ms(denoFigures.trip_p95_ms)})`}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
