// `aielab new pipeline <folder>`: the first-ML-pipeline project, from this installation's template.
import { resolve } from 'node:path';
import { newPipeline } from '../scaffolds/pipeline';

export function newPipelineCommand(dir: string): number {
  // The CLI runs as dist/cli.js: the product's root is one folder up.
  const files = newPipeline(dir, resolve(__dirname, '..'));
  console.log(
    `Created an ML pipeline project in ${dir} (${files.length} files).\nNext:\n  cd ${dir}\n  npm install\n  npm run train    # 6 tracked runs, the best registered as models:/penguins@champion\n  npm run serve    # the champion over HTTP\nRead ${dir}/README.md; write your answers in ${dir}/SCALING.md.`,
  );
  return 0;
}
