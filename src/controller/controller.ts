// The "AI Lab (TypeScript)" notebook controller: owns the VS Code controller object and one
// KernelSession per open notebook. All computing happens in the sessions' sidecar processes.
import * as vscode from 'vscode';
import { KernelProcess } from '../../kernels/client/kernelProcess';
import { NOTEBOOK_TYPE } from '../notebook/serializer';
import { kernelStartOptions } from './kernelRuntime';
import { KernelSession, type SessionHost } from './kernelSession';

export const CONTROLLER_ID = 'aielab-typescript';

export class KernelController implements vscode.Disposable, SessionHost {
  readonly controller: vscode.NotebookController;
  private readonly sessions = new Map<vscode.NotebookDocument, KernelSession>();
  private readonly changeEmitter = new vscode.EventEmitter<KernelSession>();
  /** A session started, changed state or went away. */
  readonly onDidChangeSession = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly log: vscode.LogOutputChannel) {
    this.controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, 'AI Lab (TypeScript)');
    this.controller.description = 'TypeScript on a sidecar Node kernel';
    this.controller.supportedLanguages = ['typescript', 'javascript'];
    this.controller.supportsExecutionOrder = true;
    this.controller.executeHandler = (cells, notebook) => this.session(notebook).run(cells);
    this.controller.interruptHandler = (notebook) => this.sessions.get(notebook)?.interrupt();
    this.disposables.push(
      this.controller,
      this.changeEmitter,
      vscode.workspace.onDidOpenNotebookDocument((notebook) => this.prefer(notebook)),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => this.close(notebook)),
    );
    vscode.workspace.notebookDocuments.forEach((notebook) => this.prefer(notebook));
  }

  session(notebook: vscode.NotebookDocument): KernelSession {
    let session = this.sessions.get(notebook);
    if (!session) {
      session = new KernelSession(notebook, this);
      const created = session;
      created.onDidChangeState(() => this.changeEmitter.fire(created));
      this.sessions.set(notebook, session);
    }
    return session;
  }

  existingSession(notebook: vscode.NotebookDocument): KernelSession | undefined {
    return this.sessions.get(notebook);
  }

  async startKernel(notebook: vscode.NotebookDocument): Promise<KernelProcess> {
    const options = kernelStartOptions(notebook);
    this.log.info(`Starting the kernel for ${options.notebookPath} with ${options.runtime ?? process.execPath}`);
    try {
      const kernel = await KernelProcess.start(options);
      this.log.info(`Kernel ${kernel.info.kernelVersion} on ${kernel.info.runtime}, pid ${kernel.info.pid}`);
      return kernel;
    } catch (err) {
      this.log.error(`The kernel did not start: ${String(err)}`);
      throw err;
    }
  }

  async restart(notebook: vscode.NotebookDocument): Promise<void> {
    await this.sessions.get(notebook)?.restart();
  }

  dispose(): void {
    this.sessions.forEach((session) => session.dispose());
    this.sessions.clear();
    this.disposables.forEach((d) => d.dispose());
  }

  /** Ours is the kernel for .aielab notebooks: VS Code selects it without asking. */
  private prefer(notebook: vscode.NotebookDocument): void {
    if (notebook.notebookType === NOTEBOOK_TYPE)
      this.controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
  }

  private close(notebook: vscode.NotebookDocument): void {
    const session = this.sessions.get(notebook);
    if (!session) return;
    this.sessions.delete(notebook);
    session.dispose();
    this.changeEmitter.fire(session);
  }
}
