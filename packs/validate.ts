// `aielab pack validate`: everything that can be wrong with a lab pack, each problem with the file
// and field to fix, found in one pass so an author fixes them all at once.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NotebookFormatError, parseNotebook, type Notebook } from '../contracts/notebook/format';
import { ManifestError, MANIFEST_FILE, readManifest, sdkFits, SDK_VERSION, type Lab, type LabPack, type Problem } from './manifest';
import { roleProblems } from './roles';

export interface PlannedLab {
  lab: Lab;
  where: string;
}

export interface Validation {
  pack?: LabPack;
  problems: Problem[];
  /** Labs marked `"planned": true`, whose notebook does not exist yet. */
  planned: PlannedLab[];
  /** Notebooks that exist and parse, by lab id. */
  notebooks: Map<string, Notebook>;
}

export interface ValidateOptions {
  /** Planned labs are problems too (for a pack about to be released). */
  strict?: boolean;
}

export function validatePack(dir: string, options: ValidateOptions = {}): Validation {
  const result: Validation = { problems: [], planned: [], notebooks: new Map() };
  let pack: LabPack;
  try {
    pack = readManifest(dir);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    result.problems.push(...err.problems);
    return result;
  }
  result.pack = pack;
  const problem = (where: string, message: string) => result.problems.push({ where, message });
  const field = (path: string) => `${MANIFEST_FILE}: ${path}`;

  const fit = sdkFits(pack);
  if (fit === 'bad range') {
    problem(field('requires.aielab'), `"${pack.requires.aielab}" is not a version range; write one like "^${SDK_VERSION}"`);
  } else if (fit === 'other version') {
    problem(
      field('requires.aielab'),
      `the pack needs AI Engineering Lab ${pack.requires.aielab}, and this is ${SDK_VERSION}: update the extension and CLI (or widen the range if the pack works with ${SDK_VERSION})`,
    );
  }

  const modules = new Map<string, string>();
  pack.modules.forEach((module, m) => {
    const at = `modules[${m}].id`;
    const earlier = modules.get(module.id);
    if (earlier) problem(field(at), `"${module.id}" is already the id of ${earlier}; module ids must be unique`);
    else modules.set(module.id, `modules[${m}]`);
  });

  const labs = new Map<string, { lab: Lab; path: string }>();
  const notebookOwners = new Map<string, string>();
  pack.modules.forEach((module, m) =>
    module.labs.forEach((lab, l) => {
      const path = `modules[${m}].labs[${l}]`;
      const earlier = labs.get(lab.id);
      if (earlier) problem(field(`${path}.id`), `"${lab.id}" is already the id of ${earlier.path}; lab ids must be unique in the pack`);
      else labs.set(lab.id, { lab, path });
      if (lab.notebook) {
        const owner = notebookOwners.get(lab.notebook);
        if (owner) problem(field(`${path}.notebook`), `${lab.notebook} is already the notebook of ${owner}`);
        else notebookOwners.set(lab.notebook, path);
      }
    }),
  );

  for (const { lab, path } of labs.values()) {
    (lab.prerequisites ?? []).forEach((id, p) => {
      if (id === lab.id) problem(field(`${path}.prerequisites[${p}]`), 'a lab cannot be its own prerequisite');
      else if (!labs.has(id)) problem(field(`${path}.prerequisites[${p}]`), `no lab has the id "${id}"`);
    });
  }
  const cycle = prerequisiteCycle(new Map([...labs].map(([id, { lab }]) => [id, lab.prerequisites ?? []])));
  if (cycle)
    problem(field(`${labs.get(cycle[0] as string)?.path}.prerequisites`), `the prerequisites go round in a circle: ${cycle.join(' → ')}`);

  for (const { lab, path } of labs.values()) {
    if (lab.notes) {
      if (lab.planned)
        problem(
          field(`${path}.planned`),
          'a journal has no notebook to plan; remove "planned" (its notes folder is written as learners take notes)',
        );
      const notes = join(dir, lab.notes);
      if (existsSync(notes) && !statSync(notes).isDirectory())
        problem(field(`${path}.notes`), `${lab.notes} is a file; a journal's notes go in a folder`);
      continue;
    }
    if (!lab.notebook) continue;
    const file = join(dir, lab.notebook);
    if (!lab.notebook.endsWith('.aielab')) {
      problem(
        field(`${path}.notebook`),
        `${lab.notebook} is not an .aielab notebook (convert a Jupyter notebook with: aielab convert in.ipynb out.aielab)`,
      );
      continue;
    }
    const exists = existsSync(file);
    if (lab.planned) {
      if (!exists) {
        result.planned.push({ lab, where: field(`${path}.notebook`) });
        if (options.strict)
          problem(field(`${path}.notebook`), `${lab.notebook} does not exist (the lab is planned; --strict wants every notebook)`);
        continue;
      }
      // A planned lab cannot be opened, so a written notebook left marked planned would stay hidden from learners.
      problem(
        field(`${path}.planned`),
        `lab ${lab.id} "${lab.title}" is marked planned, but ${lab.notebook} exists: remove "planned": true now that the notebook is written`,
      );
    } else if (!exists) {
      problem(
        field(`${path}.notebook`),
        `${lab.notebook} does not exist (lab ${lab.id} "${lab.title}"): create it, fix the path, or mark the lab "planned": true`,
      );
      continue;
    }
    let notebook: Notebook;
    try {
      notebook = parseNotebook(readFileSync(file, 'utf8'));
    } catch (err) {
      if (!(err instanceof NotebookFormatError)) throw err;
      problem(`${lab.notebook}: ${err.where}`, err.problem);
      continue;
    }
    result.notebooks.set(lab.id, notebook);
    for (const p of roleProblems(notebook)) problem(`${lab.notebook}: cells[${p.cell}].metadata.${p.field}`, p.message);
  }

  (pack.datasets ?? []).forEach((dataset, d) => {
    if (!existsSync(join(dir, dataset.path))) problem(field(`datasets[${d}].path`), `${dataset.path} does not exist in the pack`);
  });
  return result;
}

/** The first circle of prerequisites, as lab ids from a lab back to itself. */
function prerequisiteCycle(requires: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of requires.get(id) ?? []) {
      if (next === id || !requires.has(next)) continue;
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of requires.keys()) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}
