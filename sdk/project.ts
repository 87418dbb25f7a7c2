// `project`: the projects `aielab new` makes, from a notebook, so a lab can make the real project
// it walks the learner through (the CLI and the VS Code command make the same one).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ScaffoldError } from '../scaffolds/errors';
import { newPipeline } from '../scaffolds/pipeline';

/** The installed product (the folder with templates/): the kernel bundle lives in its dist/. */
function productRoot(): string {
  for (let dir = __dirname, up = 0; up < 4; dir = dirname(dir), up++) {
    if (existsSync(join(dir, 'templates', 'pipeline'))) return dir;
  }
  throw new ScaffoldError(
    'project: the project templates are not installed beside this SDK. Make the project from VS Code (AI Lab: New ML Pipeline Project) or with aielab new pipeline <folder>.',
  );
}

export const project = {
  /** Makes the first-ML-pipeline project in `dir` (new or empty), as `aielab new pipeline`; returns its files. */
  newPipeline: (dir: string): string[] => newPipeline(dir, productRoot()),
};
