// Kernel start and cell round-trip overhead, beside `node -e 0` (the floor: starting Node itself)
// and, when available, Deno's Jupyter kernel driven by Debian's jupyter_client.
// Usage: npm run bench:kernel   (builds first). Deno's column needs `deno` (npm i --no-save deno,
// or on PATH) and `apt-get install python3-jupyter-client`; without them it says why it is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { Execute, Initialize, OutputNotification, PROTOCOL_VERSION } from '../contracts/protocol';

const root = join(__dirname, '..');
const kernelScript = join(root, 'dist', 'kernel.js');
const STARTS = Number(process.env.BENCH_STARTS ?? 10);
const TRIPS = Number(process.env.BENCH_TRIPS ?? 300);

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]) => sorted(xs)[Math.floor(xs.length * 0.95)] ?? NaN;
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

/** What deno_kernel.py prints, or why Deno could not be measured. */
type DenoFigures = { start_ms: number; trip_ms: number; trip_p95_ms: number } | { missing: string };

async function nodeStart(): Promise<number> {
  const t0 = performance.now();
  await new Promise((resolve) => spawn(process.execPath, ['-e', '0']).on('exit', resolve));
  return performance.now() - t0;
}

async function startKernel(dir: string) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [kernelScript, join(dir, 'bench.aielab')], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
  });
  const rpc = child.stdio[3] as Socket;
  const connection = createMessageConnection(new StreamMessageReader(rpc), new StreamMessageWriter(rpc));
  let onResult = () => {};
  connection.onNotification(OutputNotification, (p) => {
    if (p.output.kind === 'result') onResult();
  });
  connection.listen();
  await connection.sendRequest(Initialize, { protocolVersion: PROTOCOL_VERSION, clientName: 'bench' });
  let id = 0;
  const execute = (code: string) => connection.sendRequest(Execute, { executionId: ++id, cellId: 'bench', label: 'Cell 1', code });
  const firstResult = new Promise<void>((resolve) => (onResult = resolve));
  await execute('1 + 1');
  await firstResult;
  const started = performance.now() - t0;
  const stop = () => {
    connection.dispose();
    child.kill();
  };
  return { started, execute, stop };
}

async function roundTrips(execute: (code: string) => Promise<unknown>, code: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < TRIPS; i++) {
    const t0 = performance.now();
    await execute(code);
    times.push(performance.now() - t0);
  }
  return times;
}

function deno(): DenoFigures {
  const candidates = [process.env.DENO, join(root, 'node_modules', '.bin', 'deno'), 'deno'].filter((c): c is string => !!c);
  const binary = candidates.find((c) => spawnSync(c, ['--version']).status === 0);
  if (!binary) return { missing: 'deno not found (npm i --no-save deno, or put it on PATH)' };
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import jupyter_client']);
  if (probe.status !== 0) return { missing: "Debian's python3-jupyter-client is not installed (apt-get install python3-jupyter-client)" };
  const ran = spawnSync('/usr/bin/python3', [join(root, 'bench', 'deno_kernel.py'), binary, String(STARTS), String(TRIPS)], {
    encoding: 'utf8',
  });
  if (ran.status !== 0) return { missing: `the Deno run failed: ${ran.stderr.trim().split('\n').pop()}` };
  return JSON.parse(ran.stdout) as DenoFigures;
}

/** A tight loop, where a cell's interrupt checks cost the most; timed inside the code itself. */
const LOOP = 'const t0 = performance.now(); let s = 0; for (let i = 0; i < 1e8; i++) { s += i % 7; } const ms = performance.now() - t0;';

async function loopTimes(run: (code: string) => Promise<unknown>): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'aielab-loop-'));
  const file = join(dir, 'ms');
  const times: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      await run(`${LOOP} require('node:fs').writeFileSync(${JSON.stringify(file)}, String(ms));`);
      times.push(Number(readFileSync(file, 'utf8')));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

async function main(): Promise<void> {
  if (!existsSync(kernelScript)) throw new Error('dist/kernel.js is missing: run npm run build first (npm run bench:kernel does).');
  const dir = mkdtempSync(join(tmpdir(), 'aielab-bench-'));
  try {
    await measure(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(dir: string): Promise<void> {
  const nodeStarts: number[] = [];
  const kernelStarts: number[] = [];
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
  const inCell = await loopTimes((code) => kernel.execute(code));
  kernel.stop();
  const inNode = await loopTimes(async (code) => {
    spawnSync(process.execPath, ['-e', code]);
  });
  const denoFigures = deno();

  console.log(
    `machine: ${process.platform} ${process.arch}, Node ${process.version}; ${STARTS} starts, ${TRIPS} round trips each; medians`,
  );
  console.log('\nstart to first result of `1 + 1`');
  console.log(`  node -e 0 (starting Node, nothing else)   ${ms(median(nodeStarts))}`);
  console.log(`  aielab kernel                              ${ms(median(kernelStarts))}`);
  console.log(
    `  deno jupyter kernel                        ${'missing' in denoFigures ? `not measured: ${denoFigures.missing}` : ms(denoFigures.start_ms)}`,
  );
  console.log('\ncell round trip (request sent → reply received, output included)');
  console.log(`  aielab, empty cell                         ${ms(median(empty))} (p95 ${ms(p95(empty))})`);
  console.log(`  aielab, \`1 + 1\`                            ${ms(median(trivial))} (p95 ${ms(p95(trivial))})`);
  console.log(
    `  deno, \`1 + 1\`                              ${'missing' in denoFigures ? 'not measured' : `${ms(denoFigures.trip_ms)} (p95 ${ms(denoFigures.trip_p95_ms)})`}`,
  );
  console.log('\n1e8 iterations of `s += i % 7` (the cost of the interrupt check in every loop)');
  console.log(`  node -e                                    ${ms(median(inNode))}`);
  console.log(`  aielab cell                                ${ms(median(inCell))}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
