// A fresh mlruns/ folder for each test of `track`, named by MLFLOW_TRACKING_URI as a user would.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track } from '../../sdk';

/** Registers the hooks in the calling `describe`; the returned function gives this test's folder. */
export function freshMlruns(): () => string {
  let root = '';
  beforeEach(() => {
    root = join(mkdtempSync(join(tmpdir(), 'aielab-track-')), 'mlruns');
    process.env.MLFLOW_TRACKING_URI = root;
  });
  afterEach(() => {
    delete process.env.MLFLOW_TRACKING_URI;
    track.activeRun()?.end();
  });
  return () => root;
}
