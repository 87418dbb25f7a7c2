// What MLFLOW_TRACKING_URI (or --store) may name: a folder (a plain path or a file: URI, as MLflow
// reads them) for the file store, or an http(s) address for an MLflow server. Anything else is
// refused with what we do speak: read as a folder, "sqlite:///x.db" or "postgresql://u:p@host/db"
// would quietly become a folder of that name (with the password in it) and runs would go nowhere
// anyone looks.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SPOKEN =
  'aielab writes MLflow’s file store: set MLFLOW_TRACKING_URI to a folder (mlruns, /path/to/mlruns or file:///path/to/mlruns), to an MLflow server’s address (http://127.0.0.1:5000), or unset it for mlruns/ here';

/** The URI with any user name and password taken out, fit for a message (up to the last @: a password may hold / or @). */
export function redact(uri: string): string {
  return uri.replace(/^([a-z][\w+.-]*:\/\/).*@/is, '$1***@');
}

function refuse(uri: string, why: string): never {
  throw new Error(`track: the tracking URI "${redact(uri)}" ${why}. ${SPOKEN}.`);
}

/** A server's root address: lower-case scheme and host, no trailing slash, no credentials. */
function serverRoot(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return refuse(uri, 'is not a valid web address');
  }
  if (url.username || url.password)
    refuse(
      uri,
      'holds a user name or password; give them as MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN) instead',
    );
  if (url.search || url.hash) refuse(uri, 'has a query or fragment; give the server’s root address');
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** The folder a file: URI names; `file:relative/dir` is relative to the current folder, as in MLflow. */
function fileUriPath(uri: string): string {
  if (/^file:\/\//i.test(uri)) {
    try {
      return fileURLToPath(`file:${uri.slice(5)}`);
    } catch (error) {
      return refuse(uri, `is not a local file: URI (${(error as Error).message})`);
    }
  }
  try {
    return decodeURIComponent(uri.slice(5));
  } catch {
    return refuse(uri, 'has a malformed %-escape');
  }
}

/** A folder runs can be kept in: not a file, not under a kernel's pseudo file systems. */
function checkFolder(uri: string, folder: string): string {
  if (existsSync(folder) && !statSync(folder).isDirectory()) refuse(uri, `names ${folder}, which is a file, not a folder`);
  let existing = folder;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const real = realpathSync(existing);
  if (['/proc', '/sys', '/dev'].some((p) => real === p || real.startsWith(p + sep)))
    refuse(uri, `names ${folder}, in ${real.split(sep).slice(0, 2).join(sep)}, where the system, not a tracking store, keeps its files`);
  return folder;
}

/** The root the tracking URI names: a server's address without a trailing slash, or an absolute folder. */
export function trackingRoot(uri: string | undefined): string {
  if (!uri) return checkFolder('mlruns', resolve('mlruns'));
  if (uri.includes('\0')) refuse(uri, 'holds a NUL character');
  if (/^https?:\/\//i.test(uri)) return serverRoot(uri);
  if (/^sqlite:/i.test(uri))
    refuse(
      uri,
      'is a SQLite database, MLflow’s default since 3.13; aielab writes the file store (mlruns/), which MLflow 3.13+ reads with MLFLOW_ALLOW_FILE_STORE=true (mlflow ui --backend-store-uri ./mlruns), or use an MLflow server’s address (mlflow server, then http://127.0.0.1:5000)',
    );
  if (/^databricks(-uc)?(:|$)/i.test(uri) || /^uc:/i.test(uri)) refuse(uri, 'names Databricks, which aielab does not log to');
  if (/^file:/i.test(uri)) return checkFolder(uri, resolve(fileUriPath(uri)));
  // A scheme of two letters or more (one letter is a Windows drive, C:\mlruns) that we do not speak.
  const scheme = /^([a-z][\w+.-]+):/i.exec(uri);
  if (scheme) refuse(uri, `uses ${(scheme[1] as string).toLowerCase()}:, which aielab does not speak (a database or another service)`);
  return checkFolder(uri, resolve(uri));
}
