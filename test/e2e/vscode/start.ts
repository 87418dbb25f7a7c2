// `npm start`: the lab pack in a real VS Code in your browser, with this extension installed —
// the way to try AI Engineering Lab without a desktop VS Code. Loopback only, no password.
import { join } from 'node:path';
import { ROOT, startCodeServer } from './codeServer';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080);
  const folder = join(ROOT, 'labs');
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
