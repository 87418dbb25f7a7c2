// `npm start`: the lab pack in a real VS Code in your browser, with this extension installed —
// the way to try AI Engineering Lab without a desktop VS Code. Loopback only, no password.
// Learners get the student release of labs/ (no solutions), made once so their work is kept;
// LABS=<folder> opens another folder, e.g. LABS=labs for the instructor's pack.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { releasePack } from '../../../packs/release';
import { ROOT, startCodeServer } from './codeServer';

function labsFolder(): string {
  if (process.env.LABS) return resolve(process.env.LABS);
  const student = join(ROOT, 'out', 'student-labs');
  if (!existsSync(student)) {
    const summary = releasePack(join(ROOT, 'labs'), student);
    console.log(`Released the student version of labs/ into ${student} (${summary.solutionsRemoved} solutions removed).`);
  } else {
    console.log(`Opening your copy of the labs in ${student} (delete it for a fresh release of labs/).`);
  }
  return student;
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080);
  const folder = labsFolder();
  const server = await startCodeServer({ port, folder });
  console.log(`\nAI Engineering Lab is running at ${server.url}/ with ${folder} open.`);
  console.log('Open it in your browser, pick a lab in the explorer and press Run All. Ctrl+C stops it.\n');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping…');
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
