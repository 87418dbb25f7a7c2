// The panels beside the code (Charts & Metrics, Weight Inspector, Runs): their commands, their
// revival after a reload, and pinning from the notebook renderer's "Pin to panel" button.
import * as vscode from 'vscode';
import type { PinRequest } from '../../contracts/panelMessages';
import { CHARTS_VIEW_TYPE, ChartsPanel } from './chartsPanel';
import { PinStore } from './pinStore';
import { RUNS_VIEW_TYPE, RunsPanel } from './runsPanel';
import { WEIGHTS_VIEW_TYPE, WeightsPanel } from './weightsPanel';

export const RENDERER_ID = 'aielab-renderer';

export function registerPanels(context: vscode.ExtensionContext): vscode.Disposable[] {
  const pins = new PinStore(context.workspaceState);
  const uri = context.extensionUri;
  const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  return [
    pins,
    vscode.commands.registerCommand('aielab.showChartsPanel', () => ChartsPanel.show(uri, pins)),
    vscode.commands.registerCommand('aielab.showWeightInspector', () => WeightsPanel.show(uri)),
    // From the explorer: one .onnx to inspect, or two selected to compare.
    vscode.commands.registerCommand('aielab.openInWeightInspector', (file?: vscode.Uri, selected?: vscode.Uri[]) => {
      // The right-clicked model first: it is the one the other is compared with.
      const files = [...(file ? [file] : []), ...(selected ?? []).filter((f) => f.toString() !== file?.toString())].filter((f) =>
        f.path.toLowerCase().endsWith('.onnx'),
      );
      WeightsPanel.show(uri, files[0], files[1]);
    }),
    vscode.commands.registerCommand('aielab.showRuns', () => RunsPanel.show(uri)),
    vscode.window.registerWebviewPanelSerializer(CHARTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => ChartsPanel.revive(panel, uri, pins),
    }),
    vscode.window.registerWebviewPanelSerializer(WEIGHTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => WeightsPanel.revive(panel, uri),
    }),
    vscode.window.registerWebviewPanelSerializer(RUNS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => RunsPanel.revive(panel, uri),
    }),
    messaging.onDidReceiveMessage(({ editor, message }) => {
      const request = message as PinRequest;
      if (request?.type !== 'pin') return;
      if (pins.pin(editor.notebook, request.outputId, request.mime)) ChartsPanel.show(uri, pins);
      else void vscode.window.showWarningMessage('That output is gone (the cell ran again?): run the cell and pin its new output.');
    }),
  ];
}
