// A run's artifact paths stay inside its artifact folder, as MLflow's validate_path_is_safe keeps
// them: a path given to logText, logArtifact, logModel or registerModel comes from notebook code
// (or a lab's data), and one that climbs out would write anywhere the kernel may write.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, posix, sep } from 'node:path';

/** Why a path is not a plain relative path of `/`-separated names, or undefined if it is one. */
function unsafe(path: string): string | undefined {
  if (path.includes('\0')) return 'holds a NUL character';
  if (path.includes('\\')) return 'holds a backslash (write folders with /)';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'is absolute';
  if (path.split('/').includes('..')) return 'climbs out with ..';
  return undefined;
}

/**
 * The path, normalized (no `.` segments, no doubled or trailing slashes), or an error naming it and
 * the fix. `empty` says whether "" (the artifact folder itself) may be named.
 */
export function artifactPath(path: string, what: string, empty: boolean): string {
  const why = typeof path === 'string' ? unsafe(path) : `is a ${typeof path}, not a string`;
  if (why)
    throw new TypeError(
      `track: ${what} ${JSON.stringify(path)} ${why}; artifact paths are relative to the run's artifact folder, such as "reports/summary.txt".`,
    );
  const normal = posix.normalize(path).replace(/^(\.\/)+|\/+$/g, '');
  const clean = normal === '.' ? '' : normal;
  if (!clean && !empty)
    throw new TypeError(`track: ${what} ${JSON.stringify(path)} names no file; give a file name, such as "reports/summary.txt".`);
  return clean;
}

/** Refuses a target that really lies outside the real artifact folder (through a symbolic link copied in earlier). */
export function checkInside(root: string, target: string, what: string): void {
  const realRoot = realpathSync(root);
  let existing = target;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const real = realpathSync(existing);
  if (real !== realRoot && !real.startsWith(realRoot + sep))
    throw new Error(
      `track: ${what} leads through a symbolic link to ${real}, outside the run's artifact folder ${realRoot}; nothing was written. Log the file itself, not a link to it.`,
    );
}
