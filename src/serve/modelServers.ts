// "AI Lab: Serve Model": `aielab serve` as a background process (never in the extension host),
// its output in the "AI Lab: Model Server" channel, a status bar item while it runs, and a menu
// to open its API page, copy its address, show its output or stop it (SIGTERM: requests in
// flight are answered first). Servers stop with the window.
import { spawn, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { runtimeExecutable } from '../controller/kernelRuntime';

interface Server {
  target: vscode.Uri;
  child: ChildProcess;
  url?: string;
}

export class ModelServers implements vscode.Disposable {
  private readonly servers = new Set<Server>();
  private readonly output = vscode.window.createOutputChannel('AI Lab: Model Server');
  private readonly item = vscode.window.createStatusBarItem('aielab.modelServer', vscode.StatusBarAlignment.Left, 99);
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly extensionUri: vscode.Uri) {
    this.item.name = 'AI Lab Model Server';
    this.item.command = 'aielab.manageModelServers';
    this.disposables = [
      this.output,
      this.item,
      vscode.commands.registerCommand('aielab.serveModel', (target?: vscode.Uri) => this.serve(target)),
      vscode.commands.registerCommand('aielab.manageModelServers', () => this.manage()),
      vscode.commands.registerCommand('aielab.stopModelServers', () => this.stopAll()),
    ];
  }

  dispose(): void {
    void this.stopAll();
    this.disposables.forEach((d) => d.dispose());
  }

  private async serve(target?: vscode.Uri): Promise<void> {
    const picked = target
      ? [target]
      : await vscode.window.showOpenDialog({
          canSelectFiles: true,
          canSelectFolders: true,
          canSelectMany: false,
          filters: { 'ONNX models': ['onnx'] },
          title: 'A model to serve: an .onnx file, or a model repository folder',
          openLabel: 'Serve',
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        });
    const uri = picked?.[0];
    if (!uri) return;
    const running = [...this.servers].find((s) => s.target.fsPath === uri.fsPath);
    if (running?.url) {
      void this.offer(running, `${basename(uri.fsPath)} is already served at ${running.url}.`);
      return;
    }
    const settings = vscode.workspace.getConfiguration('aielab.serve');
    const port = settings.get<number>('port') ?? 8000;
    const delay = settings.get<number | null>('maxQueueDelayMs');
    const args = [
      'serve',
      uri.fsPath,
      '--port',
      String(port),
      ...(typeof delay === 'number' && delay >= 0 ? ['--max-queue-delay-ms', String(delay)] : ['--no-batching']),
    ];
    let server = await this.start(uri, args);
    // The port is taken (another server, another window): any free port will do.
    if (!server.url && server.busyPort && port !== 0)
      server = await this.start(uri, ['serve', uri.fsPath, '--port', '0', ...args.slice(4)]);
    if (!server.url) {
      this.output.show(true);
      void vscode.window.showErrorMessage(
        `Cannot serve ${basename(uri.fsPath)}: ${server.error ?? 'the server stopped'}. Its output is in "AI Lab: Model Server".`,
      );
      return;
    }
    void this.offer(server.entry, `Serving ${basename(uri.fsPath)} at ${server.url}`);
  }

  private start(target: vscode.Uri, args: string[]): Promise<{ entry: Server; url?: string; busyPort?: boolean; error?: string }> {
    const runtime = runtimeExecutable(target);
    const cli = vscode.Uri.joinPath(this.extensionUri, 'dist', 'cli.js').fsPath;
    const cwd = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath;
    this.output.appendLine(`$ aielab ${args.join(' ')}`);
    const child = spawn(runtime, [cli, ...args], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
    });
    const entry: Server = { target, child };
    this.servers.add(entry);
    return new Promise((resolve) => {
      let said = '';
      const read = (chunk: Buffer) => {
        const text = chunk.toString();
        said += text;
        this.output.append(text);
        const match = /Serving at (http:\/\/\S+)/.exec(said);
        if (match && !entry.url) {
          entry.url = match[1] as string;
          this.update();
          resolve({ entry, url: entry.url });
        }
      };
      child.stdout?.on('data', read);
      child.stderr?.on('data', read);
      child.once('exit', (code) => {
        this.servers.delete(entry);
        this.output.appendLine(`[the server for ${basename(target.fsPath)} exited${code === null ? '' : ` with code ${code}`}]`);
        this.update();
        resolve({
          entry,
          busyPort: /EADDRINUSE/.test(said),
          error: said
            .trim()
            .split('\n')
            .pop()
            ?.replace(/^aielab: /, ''),
        });
      });
    });
  }

  private update(): void {
    const live = [...this.servers].filter((s) => s.url);
    if (!live.length) {
      this.item.hide();
      return;
    }
    const port = (s: Server) => new URL(s.url as string).port;
    this.item.text =
      live.length === 1
        ? `$(server-process) Serving ${basename(live[0]!.target.fsPath)} :${port(live[0]!)}`
        : `$(server-process) ${live.length} model servers`;
    this.item.tooltip = new vscode.MarkdownString(
      live.map((s) => `**${basename(s.target.fsPath)}** at ${s.url}`).join('\n\n') +
        '\n\nClick for its API page, address, output, or to stop it.',
    );
    this.item.show();
  }

  private async offer(server: Server, message: string): Promise<void> {
    const answer = await vscode.window.showInformationMessage(message, 'Open API Docs', 'Copy URL', 'Stop');
    await this.act(server, answer);
  }

  private async act(server: Server, action: string | undefined): Promise<void> {
    if (!server.url) return;
    if (action === 'Open API Docs') await vscode.env.openExternal(await vscode.env.asExternalUri(vscode.Uri.parse(`${server.url}/docs`)));
    else if (action === 'Copy URL') await vscode.env.clipboard.writeText(server.url);
    else if (action === 'Show Output') this.output.show(true);
    else if (action === 'Stop') await this.stop(server);
  }

  private async manage(): Promise<void> {
    const live = [...this.servers].filter((s) => s.url);
    const picks = live.flatMap((server) =>
      ['Open API Docs', 'Copy URL', 'Show Output', 'Stop'].map((action) => ({
        label:
          action === 'Stop'
            ? `$(debug-stop) Stop`
            : action === 'Open API Docs'
              ? '$(book) Open API Docs'
              : action === 'Copy URL'
                ? '$(copy) Copy URL'
                : '$(output) Show Output',
        description: `${basename(server.target.fsPath)} · ${server.url}`,
        action,
        server,
      })),
    );
    const picked = await vscode.window.showQuickPick(picks, {
      title: 'AI Lab: Model Server',
      placeHolder: live.length ? 'What to do with the server' : 'No model is being served',
    });
    if (picked) await this.act(picked.server, picked.action);
  }

  private stop(server: Server): Promise<void> {
    return new Promise((resolve) => {
      if (server.child.exitCode !== null) return resolve();
      server.child.once('exit', () => resolve());
      server.child.kill('SIGTERM');
    });
  }

  private async stopAll(): Promise<void> {
    await Promise.all([...this.servers].map((s) => this.stop(s)));
  }
}
