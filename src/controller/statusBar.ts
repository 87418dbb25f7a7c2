// The status bar item for the active .aielab notebook: the kernel's state and, once the notebook
// has trained, the nn backend; the runtime and why better backends were not taken on hover; a
// click to its log.
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE } from '../notebook/serializer';
import type { KernelController } from './controller';
import type { SessionState } from './kernelSession';

const LOOK: Record<SessionState, { icon: string; text: string }> = {
  'not started': { icon: '$(circle-outline)', text: 'not started' },
  starting: { icon: '$(loading~spin)', text: 'starting' },
  idle: { icon: '$(circle-filled)', text: 'idle' },
  busy: { icon: '$(loading~spin)', text: 'busy' },
  dead: { icon: '$(error)', text: 'stopped' },
};

export class KernelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('aielab.kernelStatus', vscode.StatusBarAlignment.Left, 100);
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly kernels: KernelController) {
    this.item.name = 'AI Lab Kernel';
    this.item.command = 'aielab.showKernelOutput';
    this.disposables = [
      this.item,
      vscode.window.onDidChangeActiveNotebookEditor(() => void this.update()),
      kernels.onDidChangeSession(() => void this.update()),
    ];
    void this.update();
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }

  private async update(): Promise<void> {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (!notebook || notebook.notebookType !== NOTEBOOK_TYPE) {
      this.item.hide();
      return;
    }
    const session = this.kernels.existingSession(notebook);
    const look = LOOK[session?.state ?? 'not started'];
    const compute = session?.compute;
    this.item.text = `${look.icon} AI Lab: ${look.text}${compute ? ` · ${compute.backend}` : ''}`;
    const info = await session?.info();
    const trains = compute
      ? ` nn trains on ${compute.backend}: ${compute.device}.${compute.skipped.map((s) => ` Not ${s.name}: ${s.reason}.`).join('')}`
      : '';
    this.item.tooltip = info
      ? `AI Lab (TypeScript) kernel ${info.kernelVersion} on ${info.runtime}, pid ${info.pid}.${trains} Click for the kernel log.`
      : 'AI Lab (TypeScript) kernel: starts when a cell runs. Click for the kernel log.';
    this.item.show();
  }
}
