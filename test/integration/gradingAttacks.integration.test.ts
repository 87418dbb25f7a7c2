// `aielab pack grade` against submissions that attack it, as a learner who wanted the points
// without the work would: each cheat must score nothing, each honest answer its points, the
// instructor's files and the other submissions must stay as they were, and the grading must go on
// and write its gradebook whatever one submission does to its own kernel.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cell } from '../../contracts/notebook/format';
import { runCli, writeNotebook } from '../helpers/aielabCli';
import { code, manifest, md, writePack } from '../helpers/packs';

const SOLVED = 'SOLUTION-MARKER';
const CELLS: Cell[] = [
  md('intro', '# Double it', 'explanation'),
  code('given', 'const input = 21;'),
  code('ex', 'const answer: number = 0;', { role: 'exercise' }),
  code('sol', `const answer: number = input * 2; // ${SOLVED}`, { role: 'solution' }),
  code('ex2', 'function double(n: number): number {\n  return 0;\n}', { role: 'exercise' }),
  code('sol2', `function double(n: number): number {\n  return n * 2; // ${SOLVED}\n}`, { role: 'solution' }),
  code(
    'check',
    "// Check: the answer\nimport { checks, expect } from 'aielab';\nawait checks({\n  'the answer is 42': () => expect(answer, 'answer').toBe(42),\n  'the answer is positive': () => expect(answer, 'answer').toBeGreaterThan(0),\n});",
    { role: 'check', points: 4 },
  ),
  code('ex3', "// Exercise: write the answer to result.txt\nimport { writeFileSync } from 'node:fs';", { role: 'exercise' }),
  code('sol3', `import { writeFileSync } from 'node:fs';\nwriteFileSync('result.txt', String(answer)); // ${SOLVED}`, { role: 'solution' }),
  code(
    'check3',
    "// Check: the file\nimport { existsSync, readFileSync } from 'node:fs';\nawait checks({ 'result.txt holds 42': () => expect(existsSync('result.txt') && readFileSync('result.txt', 'utf8'), 'result.txt').toBe('42') });",
    { role: 'check', points: 2 },
  ),
  code(
    'check2',
    "// Check: double\nawait checks({ 'doubles 1, 2 and 3': () => expect([1, 2, 3].every((n) => double(n) === n * 2), 'double doubles them').toBe(true) });",
    { role: 'check', points: 2 },
  ),
];

const WRONG_DOUBLE = 'function double(n: number): number {\n  return 0;\n}';

/** Replaces the SDK's expectations, the built-ins checks use, and the names `checks` and `expect`. */
const MONKEYPATCH = `import { Expectation } from 'aielab';
import { writeFileSync } from 'node:fs';
const attempt = (act: () => void) => { try { act(); } catch { /* refused */ } };
attempt(() => { (Expectation.prototype as any).toBe = () => undefined; });
attempt(() => Object.defineProperty(Expectation.prototype, 'toEqual', { value: () => undefined }));
attempt(() => { Array.prototype.every = () => true; });
attempt(() => { (Object as any).is = () => true; });
attempt(() => { (globalThis as any).Math = { abs: () => 0 }; });
attempt(() => { (globalThis as any).expect = () => ({ toBe() {} }); });
attempt(() => { (globalThis as any).checks = async () => undefined; });
attempt(() => { (require('node:fs') as any).existsSync = () => true; });
// What compiled cells import and await through: a check's import of node:fs would get these.
attempt(() => { (globalThis as any).__aielab$named = () => ({ existsSync: () => true, readFileSync: () => '42' }); });
attempt(() => { (globalThis as any).__aielab$resumed = () => undefined; });
attempt(() => { (process as any).dlopen = () => undefined; });
// Native code of its own would run outside every lock: an addon it wrote is refused before it loads
// (were it attempted, this one fails on its bytes, and the answer says so).
writeFileSync('own.node', 'not really an addon');
let native = '';
try { process.dlopen({ exports: {} }, \`\${process.cwd()}/own.node\`); } catch (e) { native = String((e as Error).message); }
const answer: number = native.includes('graded run') ? 0 : 42;`;

/**
 * Passing results of its own: the SDK's checks() from inside the check that calls it, and a
 * verdict written to the kernel's protocol pipe for the check that already ran, overriding its own.
 */
const FORGE_DOUBLE = `import { checks as ownChecks } from 'aielab';
import { writeSync } from 'node:fs';
function double(n: number): number {
  void ownChecks({ 'doubles 1, 2 and 3': () => undefined });
  const items = [{ name: 'the answer is 42', passed: true }, { name: 'the answer is positive', passed: true }];
  const verdict = JSON.stringify({ jsonrpc: '2.0', method: 'kernel/check', params: { token: 'guessed', executionId: 3, cellId: 'check', status: 'ok', results: [{ items, passed: 2, total: 2 }] } });
  try { writeSync(3, \`Content-Length: \${Buffer.byteLength(verdict)}\\r\\n\\r\\n\${verdict}\`); } catch { /* refused */ }
  return 0;
}`;

/** Looks for the solutions and the grader's secrets, and writes where it should not. */
function snoop(pack: string, other: string, out: string, escape: string): string {
  return `import { readFileSync, writeFileSync } from 'node:fs';
const read = (path: string) => { try { return readFileSync(path, 'utf8'); } catch { return ''; } };
const leaked = read(${JSON.stringify(join(pack, 'm1', 'lab-1.aielab'))}).includes('${SOLVED}')
  || read('./lab-1.aielab').includes('${SOLVED}')
  || process.env.AIELAB_GRADER_SECRET !== undefined
  || JSON.stringify(process.argv).includes(${JSON.stringify(pack)});
for (const target of ${JSON.stringify([join(pack, 'pwned.txt'), join(pack, 'node_modules', 'pwned.txt'), join(other, 'm1', 'lab-1.aielab'), join(out, 'gradebook.csv'), escape])}) {
  try { writeFileSync(target, 'pwned'); } catch { /* refused */ }
}
const answer: number = leaked ? input * 2 : 0;`;
}

/** Takes its own kernel down in the ways the probe did; the grading must go on. */
const RUNAWAYS: Record<string, string> = {
  kill: "try { process.kill(process.ppid, 'SIGKILL'); process.kill(-1, 'SIGKILL'); } catch { /* refused */ }\nconst answer: number = 0;",
  stop: "process.kill(process.pid, 'SIGSTOP');\nconst answer: number = 0;",
  flood:
    "import { writeSync } from 'node:fs';\nconst mb = 'x'.repeat(1 << 20);\nfor (let i = 0; i < 200; i++) writeSync(1, mb);\nconst answer: number = 0;",
  // A detached child holding the kernel's stdout, and one reading the kernel's memory for its secret.
  children: [
    "import { spawn, spawnSync } from 'node:child_process';",
    "spawn('sleep', ['777'], { detached: true, stdio: 'inherit' }).unref();",
    "const peek = spawnSync('cat', [`/proc/${process.pid}/maps`], { encoding: 'utf8' });",
    'const answer: number = peek.status === 0 ? 42 : 0;',
  ].join('\n'),
};

const WRITE_RESULT = "import { writeFileSync } from 'node:fs';\nwriteFileSync('result.txt', String(answer));";

function submit(dir: string, answer: string, double = WRONG_DOUBLE, file = '// not done'): string {
  const sources: Record<string, string> = { ex: answer, ex2: double, ex3: file };
  const cells = CELLS.filter((c) => c.metadata.role !== 'solution').map((c) =>
    sources[c.id] ? { ...c, source: sources[c.id] as string } : c,
  );
  writeNotebook(join(dir, 'm1', 'lab-1.aielab'), { metadata: {}, cells });
  return dir;
}

function digestOf(dir: string): string {
  const hash = createHash('sha256');
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }).sort((a, b) =>
    join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)),
  )) {
    const path = join(entry.parentPath, entry.name);
    hash.update(path);
    if (entry.isFile()) hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

function scores(out: string): Record<string, string> {
  const [, ...rows] = readFileSync(join(out, 'gradebook.csv'), 'utf8').trim().split('\n');
  return Object.fromEntries(rows.map((row) => [row.split(',')[0], row.split(',').slice(-2).join('/')]));
}

describe('aielab pack grade against hostile submissions', function () {
  // A dozen kernels, and one that stops itself waits out its cell timeout and the interrupt grace.
  this.timeout(300_000);
  let work = '';
  let pack = '';
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'aielab-attacks-'));
    pack = writePack(manifest(), CELLS);
    mkdirSync(join(pack, 'node_modules', 'shared'), { recursive: true });
    writeFileSync(join(pack, 'node_modules', 'shared', 'index.js'), 'module.exports = 1;\n');
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(pack, { recursive: true, force: true });
  });

  it('scores the honest submission fully and every cheat and runaway at zero, touching nothing outside', () => {
    const subs = join(work, 'subs');
    const out = join(work, 'grades');
    const escape = join(work, 'escaped.txt');
    const graderTemp = join(work, 'grader-tmp');
    mkdirSync(graderTemp);
    const honest = join(subs, 'honest');
    const learners = [
      submit(join(subs, 'snoop'), snoop(pack, honest, out, escape)),
      submit(join(subs, 'monkeypatch'), MONKEYPATCH),
      submit(join(subs, 'forge'), 'const answer: number = 0;', FORGE_DOUBLE),
      ...Object.entries(RUNAWAYS).map(([name, source]) => submit(join(subs, name), source)),
      submit(honest, 'const answer: number = input * 2;', 'function double(n: number): number {\n  return n + n;\n}', WRITE_RESULT),
    ];
    const packBefore = digestOf(pack);
    const honestBefore = readFileSync(join(honest, 'm1', 'lab-1.aielab'), 'utf8');

    const ran = runCli(['pack', 'grade', pack, ...learners, '--out', out, '--cell-timeout', '3'], {
      timeoutMs: 240_000,
      env: { ...process.env, TMPDIR: graderTemp, AIELAB_GRADER_SECRET: 'the instructor’s' },
    });
    assert.equal(ran.status, 0, ran.stderr.slice(-4000));
    assert.deepEqual(scores(out), {
      snoop: '0/8',
      monkeypatch: '0/8',
      forge: '0/8',
      kill: '0/8',
      stop: '0/8',
      flood: '0/8',
      children: '0/8',
      honest: '8/8',
    });
    for (const learner of ['snoop', 'monkeypatch', 'forge', 'kill', 'stop', 'flood', 'children', 'honest'])
      assert.ok(existsSync(join(out, 'feedback', `${learner}.md`)), `feedback for ${learner}`);

    assert.equal(digestOf(pack), packBefore, "the instructor's pack, its solutions and its node_modules are unchanged");
    assert.equal(readFileSync(join(honest, 'm1', 'lab-1.aielab'), 'utf8'), honestBefore, "another learner's submission is unchanged");
    assert.ok(!existsSync(escape), 'nothing was written outside the copy');
    assert.deepEqual(readdirSync(graderTemp), [], 'every copy was removed');
    const survivors = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(graderTemp) || line.startsWith('sleep 777'));
    assert.deepEqual(survivors, [], 'no process outlived the grading');
  });

  it('without --no-sandbox, refuses to grade where bubblewrap is missing, saying how to get it', () => {
    const learner = submit(join(work, 'nobwrap', 'honest'), 'const answer: number = input * 2;');
    const ran = runCli(['pack', 'grade', pack, learner, '--out', join(work, 'nobwrap-grades')], {
      env: { ...process.env, PATH: '/nonexistent' },
    });
    assert.equal(ran.status, 2, ran.stderr);
    assert.match(
      ran.stderr,
      /isolated with bubblewrap, and bwrap is not installed\. Install it \(Debian and Ubuntu: sudo apt-get install bubblewrap/,
    );
    assert.match(ran.stderr, /--no-sandbox/);
    assert.ok(!existsSync(join(work, 'nobwrap-grades')), 'no gradebook is written for a grading that did not start');
  });

  it('with --no-sandbox, still scores from the kernel’s verdicts and keeps writes in the copy', () => {
    const subs = join(work, 'trusted');
    const out = join(work, 'trusted-grades');
    const escape = join(work, 'trusted-escaped.txt');
    const writeOut = `${MONKEYPATCH}\ntry { writeFileSync(${JSON.stringify(escape)}, 'pwned'); } catch { /* refused */ }`;
    const learners = [
      submit(join(subs, 'monkeypatch'), writeOut),
      submit(join(subs, 'forge'), 'const answer: number = 0;', FORGE_DOUBLE),
      submit(join(subs, 'honest'), 'const answer: number = 42;', 'function double(n: number): number {\n  return 2 * n;\n}', WRITE_RESULT),
    ];
    const ran = runCli(['pack', 'grade', pack, ...learners, '--out', out, '--no-sandbox'], { timeoutMs: 120_000 });
    assert.equal(ran.status, 0, ran.stderr.slice(-4000));
    assert.deepEqual(scores(out), { monkeypatch: '0/8', forge: '0/8', honest: '8/8' });
    assert.ok(!existsSync(escape), "Node's permission model kept the write in the copy");
  });
});
