// `aielab new pack`: a small pack that already validates, runs and grades, showing every cell
// role, for an instructor to grow from.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { version } from '../package.json';
import { serializeNotebook, type Cell } from '../contracts/notebook/format';
import { MANIFEST_FILE, type LabPack } from '../packs/manifest';
import { ScaffoldError } from './errors';

export function scaffoldPack(dir: string, title?: string): string[] {
  const root = resolve(dir);
  if (existsSync(root) && readdirSync(root).length) throw new ScaffoldError(`${dir} is not empty; choose a new folder for the pack`);
  const id =
    basename(root)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'lab-pack';
  const notebook = 'module-1/lab-01-mean.aielab';
  const pack: LabPack = {
    id,
    title: title ?? 'My lab pack',
    version: '0.1.0',
    authors: ['Your Name <you@example.org>'],
    license: 'CC-BY-4.0',
    requires: { aielab: `^${version}` },
    modules: [
      {
        id: 'm1',
        title: 'Module 1',
        objectives: ['Write a small function and check it'],
        labs: [{ id: 'm1-l1', title: 'The mean of a sample', notebook, objectives: ['Compute a mean with reduce'], minutes: 10 }],
      },
      { id: 'journal', title: 'Lab notes', labs: [{ id: 'lab-notes', title: 'Lab notes', kind: 'journal', notes: 'notes', minutes: 5 }] },
    ],
    datasets: [],
  };
  mkdirSync(join(root, 'module-1'), { recursive: true });
  mkdirSync(join(root, 'notes'), { recursive: true });
  writeFileSync(join(root, MANIFEST_FILE), `${JSON.stringify(pack, null, 2)}\n`);
  writeFileSync(join(root, notebook), serializeNotebook({ metadata: { lab: 'm1-l1' }, cells: exampleCells() }));
  writeFileSync(join(root, 'notes', '.gitkeep'), '');
  writeFileSync(join(root, 'README.md'), readme(pack.title));
  return [MANIFEST_FILE, notebook, 'notes/', 'README.md'];
}

function exampleCells(): Cell[] {
  const md = (id: string, source: string, role?: string): Cell => ({ id, kind: 'markdown', source, metadata: role ? { role } : {} });
  const code = (id: string, source: string, metadata: Cell['metadata'] = {}): Cell => ({
    id,
    kind: 'code',
    language: 'typescript',
    source,
    metadata,
    outputs: [],
  });
  return [
    md('intro', '# The mean of a sample\n\nThe mean is the sum of the values divided by how many there are.', 'explanation'),
    code('data', 'const temperatures = [21.5, 23.1, 19.8, 22.4, 24.0];\ntemperatures.length', { role: 'explanation' }),
    code(
      'exercise-mean',
      '// Exercise: return the mean of `values`.\nfunction mean(values: number[]): number {\n  return 0; // replace this line\n}',
      { role: 'exercise' },
    ),
    code('solution-mean', 'function mean(values: number[]): number {\n  return values.reduce((sum, v) => sum + v, 0) / values.length;\n}', {
      role: 'solution',
    }),
    md('hint-mean-1', 'Add the values up first, then divide by `values.length`.', 'hint'),
    md('hint-mean-2', '`values.reduce((sum, v) => sum + v, 0)` is the sum of the values.', 'hint'),
    code(
      'check-mean',
      "// Check: the mean\nimport { checks, expect } from 'aielab';\n\nawait checks({\n  'the mean of the temperatures is 22.16': () => expect(mean(temperatures), 'mean(temperatures)').toBeCloseTo(22.16, { within: 1e-9 }),\n  'the mean of one value is that value': () => expect(mean([5]), 'mean([5])').toBe(5),\n});",
      { role: 'check', points: 2 },
    ),
  ];
}

function readme(title: string): string {
  return `# ${title}

A lab pack for AI Engineering Lab: open this folder in VS Code
and work through the labs in the **AI Lab** explorer.

- \`aielab pack validate .\`: check the pack (labpack.json, notebooks, cell roles, datasets)
- \`aielab pack release . ../student\`: write the student version (solutions removed)
- \`aielab pack grade . submissions/*\`: grade submitted copies with this pack's checks

A lab whose notebook is not written yet takes \`"planned": true\` in \`labpack.json\` (its
\`notebook\` is the path it will have); any other lab's notebook must exist.

Cells have a \`role\` in their metadata: \`explanation\`, \`exercise\` (the learner's code),
\`solution\` (removed from the student version), \`hint\` (revealed one at a time) and \`check\`
(\`points\` it is worth; it calls \`checks()\` from \`aielab\`).
`;
}
