// A fresh mlruns/ folder for each test of `track`, named by MLFLOW_TRACKING_URI as a user would,
// with the temporary folder as the working directory: outside a git repository, `track` records no
// commit and starts no git process.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track } from '../../sdk';

/** Registers the hooks in the calling `describe`; the returned function gives this test's folder. */
export function freshMlruns(): () => string {
  let root = '';
  const home = process.cwd();
  beforeEach(() => {
    const dir = mkdtempSync(join(tmpdir(), 'aielab-track-'));
    root = join(dir, 'mlruns');
    process.env.MLFLOW_TRACKING_URI = root;
    process.chdir(dir);
  });
  afterEach(() => {
    delete process.env.MLFLOW_TRACKING_URI;
    track.activeRun()?.end();
    process.chdir(home);
  });
  return () => root;
}
