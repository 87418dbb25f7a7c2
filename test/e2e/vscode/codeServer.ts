// An isolated code-server (a real VS Code 1.100 in the browser) with this extension installed from
// its .vsix: a temporary user-data and extensions folder each, a free loopback port, no auth.
// Used by the e2e tests and by `npm start`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
const CODE_SERVER = join(__dirname, 'node_modules', '.bin', 'code-server');
/** What `npm run package` writes. */
export const VSIX = join(ROOT, 'dist', 'ai-engineering-lab.vsix');

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'chat.commandCenter.enabled': false,
  'files.autoSave': 'off',
};

export interface CodeServer {
  url: string;
  home: string;
  /** The extension host's log, where activation and extension errors are written. */
  extensionHostLog(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Fixed port (npm start); a free one otherwise. */
  port?: number;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** A folder the root URL opens. */
  folder?: string;
  /** Keep the temporary user-data and extensions folders after stop (for looking at logs). */
  keep?: boolean;
}

export function codeServerInstalled(): boolean {
  return existsSync(CODE_SERVER) && existsSync(join(__dirname, 'node_modules', '.aielab-ready'));
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  if (!codeServerInstalled()) throw new Error('code-server is not installed: run bash test/e2e/vscode/setup.sh');
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run npm run package`);
  const home = mkdtempSync(join(tmpdir(), 'aielab-vscode-'));
  const extensions = join(home, 'extensions');
  const data = join(home, 'data');
  installExtension(extensions, data);
  mkdirSync(join(data, 'User'), { recursive: true });
  writeFileSync(join(data, 'User', 'settings.json'), JSON.stringify({ ...SETTINGS, ...options.settings }, null, 2));
  const port = options.port ?? (await freePort());
  const server = spawn(
    CODE_SERVER,
    [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--extensions-dir',
      extensions,
      '--user-data-dir',
      data,
      ...(options.folder ? [options.folder] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VSCODE_PROXY_URI: '' } },
  );
  await listening(server);
  return {
    url: `http://127.0.0.1:${port}`,
    home,
    extensionHostLog: () => readLogs(join(data, 'logs'), 'remoteexthost.log'),
    async stop() {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (!options.keep) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Installs the packaged extension the way a user does: `--install-extension` of the .vsix. */
function installExtension(extensions: string, data: string): void {
  const installed = spawnSync(CODE_SERVER, ['--extensions-dir', extensions, '--user-data-dir', data, '--install-extension', VSIX], {
    encoding: 'utf8',
  });
  if (installed.status !== 0 || !/successfully installed/.test(installed.stdout)) {
    throw new Error(`code-server could not install ${VSIX}:\n${installed.stdout}${installed.stderr}`);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function listening(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes('HTTP server listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with code ${code}:\n${output}`));
    });
  });
}

function readLogs(dir: string, name: string): string {
  if (!existsSync(dir)) return '';
  const found: string[] = [];
  const visit = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name === name) found.push(readFileSync(path, 'utf8'));
    }
  };
  visit(dir);
  return found.join('\n');
}
