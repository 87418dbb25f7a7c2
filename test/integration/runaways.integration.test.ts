// What a cell can leave running or pile up, and what a hostile file can do to `aielab run`: one
// Linux only, as CI is: process groups and /proc are what the protections and the checks use.
// test per attack a security probe found (issue 20, "runaways"), each failing if its protection goes.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNotebook, type CodeCell } from '../../contracts/notebook/format';
import { MAX_STREAM_CHARS, STREAM_TRUNCATED_NOTE } from '../../contracts/streamLimit';
import { runCli } from '../helpers/aielabCli';
import { CLI } from '../helpers/paths';
import { notebookText } from '../helpers/notebooks';
import { run, startKernel } from '../helpers/kernel';

const aielab = (args: string[], cwd: string, timeoutMs?: number) => runCli(args, { cwd, ...(timeoutMs ? { timeoutMs } : {}) });

/** Alive and not a zombie waiting for its reparented parent to reap it. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function settle(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 20 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

describe('runaways', function () {
  this.timeout(60_000);
  let dir: string;
  const strays: number[] = [];

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'aielab-runaways-'))));
  afterEach(() => {
    for (const pid of strays.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const spawnCell = (pids: string, extra = '') =>
    [
      "import { spawn } from 'node:child_process';",
      "import { writeFileSync } from 'node:fs';",
      "const kids = Array.from({ length: 50 }, () => spawn('sleep', ['60'], { stdio: 'ignore' }).pid);",
      // Holds the kernel's fd 1 and 2, so the client's pipes stay open while it lives.
      "kids.push(spawn('sh', ['-c', 'sleep 60 & sleep 60'], { stdio: 'inherit' }).pid);",
      `writeFileSync(${JSON.stringify(pids)}, JSON.stringify(kids));`,
      extra,
    ].join('\n');

  it('kills every process a cell started when the run ends, and the CLI does not wait for them', async () => {
    const pids = join(dir, 'pids.json');
    writeFileSync(join(dir, 'spawn.aielab'), notebookText(spawnCell(pids)));
    const ran = aielab(['run', 'spawn.aielab'], dir, 30_000);
    assert.equal(ran.status, 0, ran.stderr);
    assert.ok(ran.seconds < 20, `the CLI took ${ran.seconds} s`);
    const kids = JSON.parse(readFileSync(pids, 'utf8')) as number[];
    strays.push(...kids);
    assert.equal(kids.length, 51);
    assert.deepEqual(await settle(kids), [], 'children of the kernel still running');
  });

  it('takes the kernel and its children down when the CLI itself is killed (SIGKILL)', async () => {
    const pids = join(dir, 'pids.json');
    writeFileSync(join(dir, 'orphans.aielab'), notebookText(spawnCell(pids, 'await new Promise(() => undefined);')));
    const cli = spawn(process.execPath, [CLI, 'run', 'orphans.aielab'], { cwd: dir, stdio: 'ignore' });
    for (let i = 0; i < 200 && !existsSync(pids); i++) await new Promise((r) => setTimeout(r, 50));
    const kids = JSON.parse(readFileSync(pids, 'utf8')) as number[];
    strays.push(...kids);
    cli.kill('SIGKILL');
    assert.deepEqual(await settle(kids), [], 'children of the kernel outlived the CLI');
  });

  it('kills a SIGSTOPped kernel and its children at the cell timeout plus the grace', async () => {
    const pids = join(dir, 'pids.json');
    writeFileSync(join(dir, 'stop.aielab'), notebookText(spawnCell(pids, "process.kill(process.pid, 'SIGSTOP');")));
    const ran = aielab(['run', 'stop.aielab', '--cell-timeout', '1'], dir, 30_000);
    assert.notEqual(ran.status, 0);
    assert.ok(ran.seconds < 15, `the CLI took ${ran.seconds} s (1 s timeout + 5 s grace)`);
    assert.match(ran.stdout + ran.stderr, /cell timeout/);
    const kids = JSON.parse(readFileSync(pids, 'utf8')) as number[];
    strays.push(...kids);
    assert.deepEqual(await settle(kids), [], 'children of the stopped kernel still running');
  });

  it('does not wait for a process that left the kernel’s group but still holds its stdout', async () => {
    const pids = join(dir, 'pids.json');
    const cell = [
      "import { spawn } from 'node:child_process';",
      "import { writeFileSync } from 'node:fs';",
      // Its own session: out of reach of the group kill, yet holding the kernel's fd 1 and 2.
      "const escaped = spawn('sleep', ['60'], { stdio: 'inherit', detached: true });",
      `writeFileSync(${JSON.stringify(pids)}, JSON.stringify([escaped.pid]));`,
    ].join('\n');
    writeFileSync(join(dir, 'escape.aielab'), notebookText(cell));
    const ran = aielab(['run', 'escape.aielab'], dir, 30_000);
    strays.push(...(JSON.parse(readFileSync(pids, 'utf8')) as number[]));
    assert.equal(ran.status, 0, ran.stderr);
    assert.ok(ran.seconds < 20, `the CLI took ${ran.seconds} s`);
  });

  it('caps what a child process writes to the inherited stdout like console output', async () => {
    const kernel = await startKernel();
    try {
      const extra = 1_000_000;
      const code = [
        "import { spawnSync } from 'node:child_process';",
        `spawnSync(process.execPath, ['-e', "process.stdout.write('x'.repeat(${MAX_STREAM_CHARS + extra}))"], { stdio: 'inherit' });`,
        "'done'",
      ].join('\n');
      const cell = await run(kernel, code);
      assert.equal(cell.result, "'done'");
      assert.equal(cell.text.length, MAX_STREAM_CHARS + STREAM_TRUNCATED_NOTE.length);
      assert.ok(cell.text.endsWith(STREAM_TRUNCATED_NOTE), 'ends with the note');
    } finally {
      kernel.kill();
    }
  });

  it('caps what a process a cell left behind writes while no cell runs, with the same note', async () => {
    const kernel = await startKernel();
    try {
      let idle = '';
      kernel.onRawOutput((text) => (idle += text));
      const size = MAX_STREAM_CHARS + 1_000_000;
      const code = [
        "import { spawn } from 'node:child_process';",
        `spawn(process.execPath, ['-e', "setTimeout(() => process.stdout.write('x'.repeat(${size})), 300)"], { stdio: 'inherit' });`,
        "'started'",
      ].join('\n');
      assert.equal((await run(kernel, code)).result, "'started'");
      for (let i = 0; i < 100 && !idle.endsWith(STREAM_TRUNCATED_NOTE); i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(idle.length, MAX_STREAM_CHARS + STREAM_TRUNCATED_NOTE.length);
    } finally {
      kernel.kill();
    }
  });

  it('reports a thrown value whose getters or Proxy traps throw, and the cell ends', async () => {
    const kernel = await startKernel();
    try {
      const hostile = {
        'a stack getter that throws':
          "const e = new Error('x');\nObject.defineProperty(e, 'stack', { get() { throw new Error('no stack'); } });\nthrow e;",
        'a Proxy whose traps throw':
          "const trap = () => { throw new Error('trap'); };\nthrow new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });",
        'name and message getters that throw':
          "const e = new Error('x');\nfor (const key of ['name', 'message']) Object.defineProperty(e, key, { get() { throw new Error('no'); } });\nthrow e;",
      };
      for (const [what, code] of Object.entries(hostile)) {
        const cell = await run(kernel, code);
        assert.equal(cell.status, 'error', what);
        assert.match(cell.error?.message ?? '', /The cell threw a value that cannot be described \(reading it threw Error: /, what);
      }
      assert.equal((await run(kernel, '6 * 7')).result, '42', 'the kernel goes on');
    } finally {
      kernel.kill();
    }
  });

  it('refuses a JSON notebook nested 100,000 deep with exit 2 and a message, leaving it untouched', () => {
    const path = join(dir, 'deep.aielab');
    const text = `{"cells": [], "metadata": {"x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    writeFileSync(path, text);
    const ran = aielab(['run', 'deep.aielab'], dir);
    assert.equal(ran.status, 2, ran.stderr);
    assert.match(ran.stderr, /nested too deeply/);
    assert.doesNotMatch(ran.stderr, /RangeError|at .*\.js:\d+/);
    assert.equal(readFileSync(path, 'utf8'), text);
  });

  it('writes through a dangling symlink to where it points, keeping the link', () => {
    const source = join(dir, 'source.aielab');
    writeFileSync(source, notebookText('6 * 7'));
    const link = join(dir, 'out.aielab');
    symlinkSync('written/result.aielab', link);
    const ran = aielab(['run', 'source.aielab', '--out', 'out.aielab'], dir);
    assert.equal(ran.status, 0, ran.stderr);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
    assert.ok(existsSync(join(dir, 'written', 'result.aielab')), 'the file is where the link points');
  });

  it('writes outputs through a symlink to its target and keeps the file’s mode', () => {
    const target = join(dir, 'private.aielab');
    writeFileSync(target, notebookText('6 * 7'));
    chmodSync(target, 0o600);
    const link = join(dir, 'link.aielab');
    symlinkSync(target, link);
    const ran = aielab(['run', 'link.aielab'], dir);
    assert.equal(ran.status, 0, ran.stderr);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
    assert.equal(statSync(target).mode & 0o777, 0o600);
    const cell = parseNotebook(readFileSync(target, 'utf8')).cells[0] as CodeCell;
    assert.equal(cell.outputs[0]?.kind === 'result' && cell.outputs[0].data['text/plain'], '42');
  });
});
