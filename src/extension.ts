// Wiring only: each feature registers its own disposables. No computing happens in this process.
import * as vscode from 'vscode';
import { registerKernelCommands } from './controller/commands';
import { KernelController } from './controller/controller';
import { KernelStatusBar } from './controller/statusBar';
import { registerLabs } from './labs/registerLabs';
import { registerCellIds } from './notebook/cellIds';
import { AielabSerializer, NOTEBOOK_TYPE } from './notebook/serializer';
import { registerPanels } from './panels/registerPanels';
import { registerExportCommand } from './onnx/exportCommand';
import { registerNewPipeline } from './project/newPipeline';
import { ModelServers } from './serve/modelServers';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('AI Lab Kernel', { log: true });
  const kernels = new KernelController(log);
  context.subscriptions.push(
    log,
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new AielabSerializer(), { transientOutputs: false }),
    registerCellIds(),
    kernels,
    new KernelStatusBar(kernels),
    ...registerKernelCommands(kernels),
    ...registerPanels(context),
    ...registerLabs(context),
    registerNewPipeline(context),
    registerExportCommand(context),
    new ModelServers(context.extensionUri),
  );
  log.info('AI Engineering Lab activated');
}

export function deactivate(): void {}
