// Time and memory of `data` beside pandas' on the same files: a generated 1,000,000-row CSV with
// missing values, and the shipped penguins. Each side runs in its own process (ours: node, pandas:
// Debian's python3 with python3-pandas) so peak RSS is the work's own. Without pandas its column
// says why.
// Usage: npm run bench:data            (BENCH_ROWS=200000 for a quicker run)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data } from '../sdk';
import { seeded } from '../sdk/ml/random';

const python = '/usr/bin/python3';
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const STEPS = ['read', 'describe', 'groupby mean', 'value counts', 'merge', 'sort', 'fillna + dropna'] as const;
type Timings = Record<(typeof STEPS)[number], number> & { rss_mb: number; check: number };

/** id, a group key (5 % missing), a float (10 % missing), an integer (5 % missing) and a label. */
function generate(path: string, rows: number): void {
  const random = seeded(7);
  const lines = ['id,group,x,n,label'];
  for (let i = 0; i < rows; i++) {
    const group = random() < 0.05 ? '' : `g${Math.floor(random() * 100)}`;
    const x = random() < 0.1 ? 'NA' : (random() * 1000 - 500).toFixed(4);
    const n = random() < 0.05 ? '' : String(Math.floor(random() * 10_000));
    lines.push(`${i},${group},${x},${n},${['red', 'green', 'blue', 'violet'][Math.floor(random() * 4)]}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** The measured work, in this process: the child that `main` starts. */
function measure(csv: string, json: string): { big: Timings; penguins: Timings } {
  const run = (read: () => ReturnType<typeof data.readCsv>, key: string, value: string): Timings => {
    const times: Partial<Timings> = {};
    const step = <T>(name: (typeof STEPS)[number], fn: () => T): T => {
      const t0 = performance.now();
      const result = fn();
      times[name] = (performance.now() - t0) / 1000;
      return result;
    };
    const df = step('read', read);
    const described = step('describe', () => df.describe());
    step('groupby mean', () => df.groupby(key).mean());
    step('value counts', () => df.col(key).valueCounts());
    const lookup = df.groupby(key).agg({ [value]: 'max' });
    step('merge', () => df.merge(lookup, { on: key, how: 'left' }));
    step('sort', () => df.sortValues(value, { ascending: false }));
    step('fillna + dropna', () => df.fillna({ [value]: df.col(value).median() }).dropna());
    return { ...(times as Timings), rss_mb: 0, check: Number(described.col(value).toArray()[1]) };
  };
  const big = run(() => data.readCsv(csv), 'group', 'x');
  const penguins = run(() => data.readJson(json), 'Species', 'Body Mass (g)');
  const rss = process.resourceUsage().maxRSS / 1024;
  return { big: { ...big, rss_mb: rss }, penguins: { ...penguins, rss_mb: rss } };
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'aielab-bench-data-'));
  try {
    const csv = join(work, 'big.csv');
    const json = join(__dirname, '..', 'labs', 'data', 'penguins.json');
    generate(csv, ROWS);
    const ours = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--measure', csv, json], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (ours.status !== 0) throw new Error(`our measurement failed: ${ours.stderr}`);
    const mine = JSON.parse(ours.stdout) as ReturnType<typeof measure>;
    let theirs: ReturnType<typeof measure> | undefined;
    let missing = '';
    if (!existsSync(python)) missing = 'no /usr/bin/python3';
    else {
      const ran = spawnSync(python, [join(__dirname, 'data_reference.py'), csv, json], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (ran.status !== 0)
        missing = /No module named '(\w+)'/.test(ran.stderr)
          ? 'python3-pandas is not installed (apt-get install python3-pandas)'
          : (ran.stderr.trim().split('\n').pop() ?? 'failed');
      else theirs = JSON.parse(ran.stdout);
    }
    const num = (x: number | undefined, digits: number) => (x === undefined ? '—' : x.toFixed(digits));
    console.log(
      `data vs pandas${missing ? ` (pandas not measured: ${missing})` : ''}: seconds per step, same files, each side in its own process\n`,
    );
    for (const [name, label] of [
      ['big', `generated CSV, ${ROWS.toLocaleString('en')} rows × 5 columns, missing values`],
      ['penguins', 'penguins.json, 344 rows × 7 columns'],
    ] as const) {
      console.log(label);
      console.log(`  ${'step'.padEnd(18)}${'ours'.padEnd(10)}pandas`);
      for (const step of STEPS) console.log(`  ${step.padEnd(18)}${num(mine[name][step], 4).padEnd(10)}${num(theirs?.[name][step], 4)}`);
      const same = theirs ? Math.abs(mine[name].check - theirs[name].check) <= 1e-9 * Math.abs(theirs[name].check) : undefined;
      console.log(
        `  mean from describe: ours ${mine[name].check}, pandas ${theirs?.[name].check ?? '—'}${same === undefined ? '' : same ? ' (same)' : ' (DIFFERENT)'}\n`,
      );
    }
    console.log(
      `peak memory (max RSS of the process, both datasets): ours ${num(mine.big.rss_mb, 0)} MB, pandas ${num(theirs?.big.rss_mb, 0)} MB`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--measure') process.stdout.write(JSON.stringify(measure(process.argv[3] as string, process.argv[4] as string)));
else main();
