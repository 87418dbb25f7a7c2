// A synchronous client for an MLflow tracking server's REST API (/api/2.0/mlflow/...) and its
// artifact proxy (/api/2.0/mlflow-artifacts/artifacts/...). Every failure becomes an Error that
// names the server, the endpoint, what the server said and what to do about it.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HttpFailure, syncFetch, type HttpResponse } from './syncHttp';

/** The server answered with an error; `code` is MLflow's error_code (e.g. RESOURCE_DOES_NOT_EXIST). */
export class MlflowError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface ArtifactFile {
  /** The file's name within the listed folder. */
  path: string;
  is_dir?: boolean;
  file_size?: number;
}

type Query = Readonly<Record<string, string | number | undefined>>;

export class MlflowClient {
  constructor(
    readonly uri: string,
    private readonly timeoutMs = 30_000,
  ) {}

  get<T>(endpoint: string, query: Query): T {
    return this.json<T>(endpoint, this.send('GET', `mlflow/${endpoint}${search(query)}`, endpoint));
  }

  post<T>(endpoint: string, body: object): T {
    return this.json<T>(endpoint, this.send('POST', `mlflow/${endpoint}`, endpoint, JSON.stringify(body), 'application/json'));
  }

  /** The files and folders in an artifact folder (none if it does not exist). */
  listArtifacts(path: string): ArtifactFile[] {
    const endpoint = `mlflow-artifacts list ${path}`;
    return (
      this.json<{ files?: ArtifactFile[] }>(endpoint, this.send('GET', `mlflow-artifacts/artifacts${search({ path })}`, endpoint)).files ??
      []
    );
  }

  /** Uploads a local file or folder to `remote` (a path under the proxy's artifact root). */
  upload(local: string, remote: string): void {
    if (statSync(local).isDirectory()) {
      for (const name of readdirSync(local)) this.upload(join(local, name), `${remote}/${name}`);
      return;
    }
    this.send(
      'PUT',
      `mlflow-artifacts/artifacts/${encodePath(remote)}`,
      `mlflow-artifacts upload ${remote}`,
      readFileSync(local),
      'application/octet-stream',
    );
  }

  /** Downloads the artifact folder (or file) at `remote` to `local`, replacing what is there. */
  download(remote: string, local: string): void {
    const entries = this.listArtifacts(remote);
    if (!entries.length) return this.downloadFile(remote, local);
    mkdirSync(local, { recursive: true });
    for (const entry of entries) {
      const name = entry.path.split('/').pop() as string;
      checkSegments(name, remote);
      if (entry.is_dir) this.download(`${remote}/${name}`, join(local, name));
      else this.downloadFile(`${remote}/${name}`, join(local, name));
    }
  }

  private downloadFile(remote: string, local: string): void {
    const bytes = this.send('GET', `mlflow-artifacts/artifacts/${encodePath(remote)}`, `mlflow-artifacts download ${remote}`).body;
    mkdirSync(dirname(local), { recursive: true });
    writeFileSync(local, bytes);
  }

  private send(method: string, path: string, endpoint: string, body?: string | Uint8Array, contentType?: string): HttpResponse {
    const headers: Record<string, string> = { ...credentials(), ...(contentType ? { 'content-type': contentType } : {}) };
    let response: HttpResponse;
    try {
      response = syncFetch(
        { method, url: `${this.uri}/api/2.0/${path}`, headers, ...(body === undefined ? {} : { body }) },
        this.timeoutMs,
      );
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error;
      if (error.timedOut)
        throw new Error(
          `track: the MLflow server at ${this.uri} did not answer ${endpoint} within ${this.timeoutMs / 1000} s. Check that it is running and reachable from here, or unset MLFLOW_TRACKING_URI to log to a local mlruns/ folder.`,
          { cause: error },
        );
      throw new Error(
        `track: cannot reach the MLflow server at ${this.uri} (MLFLOW_TRACKING_URI): ${error.message}. Start it (mlflow server --host 127.0.0.1 --port 5000), or unset MLFLOW_TRACKING_URI to log to a local mlruns/ folder.`,
        { cause: error },
      );
    }
    if (response.status >= 200 && response.status < 300) return response;
    const text = new TextDecoder().decode(response.body);
    let reported: { error_code?: unknown; message?: unknown } | undefined;
    try {
      reported = JSON.parse(text);
    } catch {
      // Not MLflow's JSON error: a proxy's page, another web server, or a disabled endpoint's text.
    }
    const code = typeof reported?.error_code === 'string' ? reported.error_code : '';
    const said = (
      typeof reported?.message === 'string'
        ? reported.message
        : `HTTP ${response.status}: ${text.replace(/\s+/g, ' ').trim().slice(0, 300) || 'no message'}`
    ).replace(/\.\s*$/, '');
    throw new MlflowError(
      `track: the MLflow server at ${this.uri} refused ${endpoint}: ${said}${code ? ` (${code})` : ''}. ${this.fix(response.status, code)}`.trim(),
      code,
      response.status,
    );
  }

  private json<T>(endpoint: string, response: HttpResponse): T {
    const text = new TextDecoder().decode(response.body);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(
        `track: ${this.uri} answered ${endpoint} with something other than MLflow's JSON (${text.trim().slice(0, 80) || 'nothing'}). ${this.notMlflow()}`,
      );
    }
  }

  private fix(status: number, code: string): string {
    if (status === 401 || status === 403)
      return 'The server wants credentials: set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.';
    if (status >= 500) return 'The server could not do it; its message, or the terminal running mlflow server, says why.';
    if (code === 'INVALID_PARAMETER_VALUE') return 'Change the value the message names.';
    if (code === 'RESOURCE_DOES_NOT_EXIST')
      return 'It is not on this server (deleted, or kept on another one); mlflow ui shows what is there.';
    if (code === 'RESOURCE_ALREADY_EXISTS') return 'Pick another name, or use the one that exists.';
    return code ? '' : this.notMlflow();
  }

  private notMlflow(): string {
    return `Is ${this.uri} an MLflow tracking server (MLflow 2 or later)? MLFLOW_TRACKING_URI should be its root address, such as http://127.0.0.1:5000.`;
  }
}

/** The call's answer, or undefined when the server answers with this error code. */
export function unless<T>(code: string, call: () => T): T | undefined {
  try {
    return call();
  } catch (error) {
    if (error instanceof MlflowError && error.code === code) return undefined;
    throw error;
  }
}

/** Every item of a paged answer: MLflow returns a page and a token for the next one. */
export function paged<A extends { next_page_token?: string }, T>(
  request: (pageToken: string | undefined) => A,
  items: (answer: A) => T[] | undefined,
): T[] {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const answer = request(token);
    all.push(...(items(answer) ?? []));
    token = answer.next_page_token || undefined;
  } while (token);
  return all;
}

/** Refuses a path from the server that would climb out of the local folder it is copied into. */
export function checkSegments(path: string, within: string): void {
  if (path.split('/').some((s) => s === '..' || s === '.' || s.includes('\\')))
    throw new Error(`track: the MLflow server named an artifact "${path}" in ${within}, which is not a plain path; nothing was written.`);
}

function search(query: Query): string {
  const pairs = Object.entries(query).filter((p): p is [string, string | number] => p[1] !== undefined);
  return pairs.length ? `?${new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** MLflow's own client reads the same variables. */
function credentials(): Record<string, string> {
  const { MLFLOW_TRACKING_TOKEN: token, MLFLOW_TRACKING_USERNAME: user, MLFLOW_TRACKING_PASSWORD: password } = process.env;
  if (token) return { authorization: `Bearer ${token}` };
  return user && password ? { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } : {};
}
