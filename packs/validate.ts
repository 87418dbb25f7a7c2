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
  try {
    result.pack = readManifest(dir);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    result.problems.push(...err.problems);
    return result;
  }
  const check = new PackCheck(dir, result.pack, options, result);
  check.sdkRange();
  check.uniqueModuleIds();
  const labs = check.uniqueLabs();
  check.prerequisites(labs);
  for (const { lab, path } of labs.values()) check.labFiles(lab, path);
  check.datasets();
  return result;
}

interface PlacedLab {
  lab: Lab;
  /** Where the lab is in labpack.json, as `modules[m].labs[l]`. */
  path: string;
}

/** The checks of one pack, each adding its problems to the same validation. */
class PackCheck {
  constructor(
    private readonly dir: string,
    private readonly pack: LabPack,
    private readonly options: ValidateOptions,
    private readonly result: Validation,
  ) {}

  sdkRange(): void {
    const fit = sdkFits(this.pack);
    const range = this.pack.requires.aielab;
    if (fit === 'bad range') this.problem('requires.aielab', `"${range}" is not a version range; write one like "^${SDK_VERSION}"`);
    else if (fit === 'other version')
      this.problem(
        'requires.aielab',
        `the pack needs AI Engineering Lab ${range}, and this is ${SDK_VERSION}: update the extension and CLI (or widen the range if the pack works with ${SDK_VERSION})`,
      );
  }

  uniqueModuleIds(): void {
    const modules = new Map<string, string>();
    this.pack.modules.forEach((module, m) => {
      const earlier = modules.get(module.id);
      if (earlier) this.problem(`modules[${m}].id`, `"${module.id}" is already the id of ${earlier}; module ids must be unique`);
      else modules.set(module.id, `modules[${m}]`);
    });
  }

  /** Every lab by id, with lab ids and notebooks checked to be unique in the pack. */
  uniqueLabs(): Map<string, PlacedLab> {
    const labs = new Map<string, PlacedLab>();
    const notebookOwners = new Map<string, string>();
    this.pack.modules.forEach((module, m) =>
      module.labs.forEach((lab, l) => {
        const path = `modules[${m}].labs[${l}]`;
        const earlier = labs.get(lab.id);
        if (earlier) this.problem(`${path}.id`, `"${lab.id}" is already the id of ${earlier.path}; lab ids must be unique in the pack`);
        else labs.set(lab.id, { lab, path });
        if (!lab.notebook) return;
        const owner = notebookOwners.get(lab.notebook);
        if (owner) this.problem(`${path}.notebook`, `${lab.notebook} is already the notebook of ${owner}`);
        else notebookOwners.set(lab.notebook, path);
      }),
    );
    return labs;
  }

  prerequisites(labs: ReadonlyMap<string, PlacedLab>): void {
    for (const { lab, path } of labs.values()) {
      (lab.prerequisites ?? []).forEach((id, p) => {
        if (id === lab.id) this.problem(`${path}.prerequisites[${p}]`, 'a lab cannot be its own prerequisite');
        else if (!labs.has(id)) this.problem(`${path}.prerequisites[${p}]`, `no lab has the id "${id}"`);
      });
    }
    const cycle = prerequisiteCycle(new Map([...labs].map(([id, { lab }]) => [id, lab.prerequisites ?? []])));
    if (cycle)
      this.problem(`${labs.get(cycle[0] as string)?.path}.prerequisites`, `the prerequisites go round in a circle: ${cycle.join(' → ')}`);
  }

  /** A journal's notes folder, or a notebook: there unless planned, readable, with sound cell roles. */
  labFiles(lab: Lab, path: string): void {
    if (lab.notes) return this.journal(lab, path);
    if (!lab.notebook) return;
    if (!lab.notebook.endsWith('.aielab')) {
      return this.problem(
        `${path}.notebook`,
        `${lab.notebook} is not an .aielab notebook (convert a Jupyter notebook with: aielab convert in.ipynb out.aielab)`,
      );
    }
    const file = join(this.dir, lab.notebook);
    if (!this.presentAsPlanned(lab, path, existsSync(file))) return;
    let notebook: Notebook;
    try {
      notebook = parseNotebook(readFileSync(file, 'utf8'));
    } catch (err) {
      if (!(err instanceof NotebookFormatError)) throw err;
      this.result.problems.push({ where: `${lab.notebook}: ${err.where}`, message: err.problem });
      return;
    }
    this.result.notebooks.set(lab.id, notebook);
    for (const p of roleProblems(notebook))
      this.result.problems.push({ where: `${lab.notebook}: cells[${p.cell}].metadata.${p.field}`, message: p.message });
  }

  datasets(): void {
    (this.pack.datasets ?? []).forEach((dataset, d) => {
      if (!existsSync(join(this.dir, dataset.path))) this.problem(`datasets[${d}].path`, `${dataset.path} does not exist in the pack`);
    });
  }

  private journal(lab: Lab, path: string): void {
    if (lab.planned)
      this.problem(
        `${path}.planned`,
        'a journal has no notebook to plan; remove "planned" (its notes folder is written as learners take notes)',
      );
    const notes = join(this.dir, lab.notes as string);
    if (existsSync(notes) && !statSync(notes).isDirectory())
      this.problem(`${path}.notes`, `${lab.notes} is a file; a journal's notes go in a folder`);
  }

  /** Whether the notebook is there to read, after the problems of "planned" and a missing file. */
  private presentAsPlanned(lab: Lab, path: string, exists: boolean): boolean {
    if (lab.planned && !exists) {
      this.result.planned.push({ lab, where: `${MANIFEST_FILE}: ${path}.notebook` });
      if (this.options.strict)
        this.problem(`${path}.notebook`, `${lab.notebook} does not exist (the lab is planned; --strict wants every notebook)`);
      return false;
    }
    // A planned lab cannot be opened, so a written notebook left marked planned would stay hidden from learners.
    if (lab.planned)
      this.problem(
        `${path}.planned`,
        `lab ${lab.id} "${lab.title}" is marked planned, but ${lab.notebook} exists: remove "planned": true now that the notebook is written`,
      );
    else if (!exists)
      this.problem(
        `${path}.notebook`,
        `${lab.notebook} does not exist (lab ${lab.id} "${lab.title}"): create it, fix the path, or mark the lab "planned": true`,
      );
    return exists;
  }

  /** A problem in labpack.json, at `field`. */
  private problem(field: string, message: string): void {
    this.result.problems.push({ where: `${MANIFEST_FILE}: ${field}`, message });
  }
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
