// Reading notebooks from disk and writing files without ever leaving a half-written one behind.
import { chmodSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Writes next to the target, then renames over it: a crash never leaves a truncated notebook.
 * A symlink is followed (its target is rewritten, the link stays a link) and an existing file keeps
 * its mode, so a private 0600 notebook does not become world-readable by being saved.
 */
export function writeFileAtomic(path: string, text: string): void {
  const target = existingTarget(path);
  mkdirSync(dirname(target), { recursive: true });
  const mode = modeOf(target);
  const temporary = join(dirname(target), `.${process.pid}.${Date.now()}.tmp`);
  // Created with at most the old mode (umask only takes bits away), then given exactly that mode.
  writeFileSync(temporary, text, mode === undefined ? undefined : { mode });
  if (mode !== undefined) chmodSync(temporary, mode);
  renameSync(temporary, target);
}

/** Where `path` really is: a symlink's target, even one that does not exist yet (a dangling link). */
function existingTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      if (lstatSync(path).isSymbolicLink()) return resolve(dirname(path), readlinkSync(path));
    } catch {
      // Neither the file nor a link: write it where it was asked.
    }
    return path;
  }
}

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** Every `.aielab` file under `folder`, sorted, skipping `node_modules` and hidden folders. */
export function findNotebooks(folder: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile() && entry.name.endsWith('.aielab')) found.push(path);
    }
  };
  visit(folder);
  return found;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
