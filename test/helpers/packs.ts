// Lab packs for tests: a small valid pack written to a temp folder, to break in one place per test.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { serializeNotebook, type Cell } from '../../contracts/notebook/format';
import type { LabPack } from '../../packs/manifest';

export function md(id: string, source: string, role?: string): Cell {
  return { id, kind: 'markdown', source, metadata: role ? { role } : {} };
}

export function code(id: string, source: string, metadata: Cell['metadata'] = {}): Cell {
  return { id, kind: 'code', language: 'typescript', source, metadata, outputs: [] };
}

/** A lab: an exercise (starter `answer = 0`), its solution, two hints and a 4-point check. */
export const LAB_CELLS: Cell[] = [
  md('intro', '# Double it', 'explanation'),
  code('given', 'const input = 21;'),
  code('ex', '// Exercise: double the input\nconst answer: number = 0;', { role: 'exercise' }),
  code('sol', 'const answer: number = input * 2;', { role: 'solution' }),
  md('h1', 'Multiply by two.', 'hint'),
  code('h2', 'input * 2', { role: 'hint' }),
  code(
    'check',
    "// Check: doubling\nimport { checks, expect } from 'aielab';\nawait checks({\n  'the answer is 42': () => expect(answer, 'answer').toBe(42),\n  'the answer is even': () => expect(answer % 2, 'answer % 2').toBe(0),\n});",
    { role: 'check', points: 4 },
  ),
];

export function manifest(overrides: Partial<LabPack> = {}): LabPack {
  return {
    id: 'test-pack',
    title: 'Test pack',
    version: '1.0.0',
    authors: ['Tester'],
    license: 'MIT',
    requires: { aielab: '>=0.1.0' },
    modules: [
      {
        id: 'm1',
        title: 'Module 1',
        labs: [
          { id: 'm1-l1', title: 'Double it', notebook: 'm1/lab-1.aielab', minutes: 5 },
          { id: 'm1-l2', title: 'Later', notebook: 'm1/lab-2.aielab', planned: true, minutes: 5, prerequisites: ['m1-l1'] },
        ],
      },
      { id: 'notes', title: 'Notes', labs: [{ id: 'lab-notes', title: 'Lab notes', kind: 'journal', notes: 'notes', minutes: 5 }] },
    ],
    datasets: [{ path: 'data/numbers.csv', source: 'made up', license: 'CC0-1.0' }],
    release: { exclude: ['m1/artifacts'] },
    ...overrides,
  };
}

/** Writes a pack (manifest, lab-1 notebook, data, a note, an artifact) and returns its folder. */
export function writePack(pack: LabPack = manifest(), cells: Cell[] = LAB_CELLS): string {
  const dir = mkdtempSync(join(tmpdir(), 'aielab-pack-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('labpack.json', JSON.stringify(pack, null, 2));
  write('m1/lab-1.aielab', serializeNotebook({ metadata: {}, cells }));
  write('data/numbers.csv', 'n\n1\n');
  write('notes/2026-01-01-m1-l1.md', '# my note');
  write('m1/artifacts/model.json', '{}');
  return dir;
}
