// `npm test`: type-check, lint and format check, package, set up code-server, then the headless
// suites (two files at a time) and the e2e suite (alone: it drives one code-server). Checks that
// need nothing from each other run side by side; each part says how long it took. Every suite runs
// even when a check failed, so a run reports all it can; the exit code is 1 if any part failed.
import { spawn } from 'node:child_process';

/** Runs an npm script; its output is shown when it ends, so parts side by side do not interleave. */
function part(name, script, { buffered = true } = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const output = [];
    child.stdout?.on('data', (chunk) => output.push(chunk));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    child.on('close', (code) => {
      process.stdout.write(Buffer.concat(output));
      const seconds = Math.round((Date.now() - started) / 1000);
      console.log(`[test] ${name}: ${seconds} s${code === 0 ? '' : `, failed (exit ${code})`}`);
      resolve(code === 0);
    });
  });
}

async function inOrder(...parts) {
  let ok = true;
  for (const run of parts) ok = (await run()) && ok;
  return ok;
}

const [built, checked, setUp] = await Promise.all([
  part('package', 'package'),
  inOrder(
    () => part('typecheck', 'typecheck'),
    () => part('lint', 'lint'),
    () => part('format check', 'format:check'),
  ),
  part('code-server setup', 'test:setup'),
]);
// The suites run what `package` built; without it there is nothing to test.
let ok = built && checked && setUp;
if (built) {
  ok = (await part('mocha: integration, browser, unit (2 jobs)', 'test:headless', { buffered: false })) && ok;
  ok = (await part('mocha: e2e', 'test:e2e', { buffered: false })) && setUp && ok;
}
process.exitCode = ok ? 0 : 1;
