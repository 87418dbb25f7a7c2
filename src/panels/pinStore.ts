// Outputs pinned to the Charts & Metrics panel, with their history: when a pinned cell runs again,
// its new output is added as a run (a live output updating in place keeps replacing its run).
// Kept in the workspace state, so pins survive a reload of the window.
import * as vscode from 'vscode';
import type { RichMime } from '../../contracts/mime';
import type { CellMetadata } from '../notebook/serializer';
import type { Pin } from '../../contracts/panelMessages';

const STATE_KEY = 'aielab.pins';
const MAX_RUNS = 5;

interface StoredPin extends Pin {
  notebook: string;
  cellId: string;
}

export class PinStore implements vscode.Disposable {
  private pins: StoredPin[];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly watcher: vscode.Disposable;

  constructor(private readonly state: vscode.Memento) {
    this.pins = state.get<StoredPin[]>(STATE_KEY, []);
    this.watcher = vscode.workspace.onDidChangeNotebookDocument((e) => this.notebookChanged(e));
  }

  get all(): Pin[] {
    return this.pins.map(({ notebook: _notebook, cellId: _cellId, ...pin }) => pin);
  }

  /** Pins the output `outputId` of a cell of `notebook`; false when no such output exists. */
  pin(notebook: vscode.NotebookDocument, outputId: string, mime: RichMime): boolean {
    const cell = notebook.getCells().find((c) => c.outputs.some((o) => outputIdOf(o) === outputId));
    const payload = cell && payloadOf(cell, mime);
    if (!cell || !payload) return false;
    const cellId = (cell.metadata as CellMetadata).id ?? cell.document.uri.toString();
    const existing = this.pins.find((p) => p.notebook === notebook.uri.toString() && p.cellId === cellId && p.mime === mime);
    if (!existing) {
      const title = `${notebook.uri.path.split('/').pop()} · Cell ${cell.index + 1}`;
      this.pins.push({
        id: `${Date.now().toString(36)}-${this.pins.length}`,
        title,
        mime,
        notebook: notebook.uri.toString(),
        cellId,
        runs: [{ label: runLabel(1), payload: payload.value, outputId }],
      });
    }
    this.save();
    return true;
  }

  unpin(id: string): void {
    this.pins = this.pins.filter((p) => p.id !== id);
    this.save();
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }

  private notebookChanged(event: vscode.NotebookDocumentChangeEvent): void {
    let touched = false;
    for (const change of event.cellChanges) {
      if (!change.outputs) continue;
      const cellId = (change.cell.metadata as CellMetadata).id ?? change.cell.document.uri.toString();
      for (const pin of this.pins) {
        if (pin.notebook !== event.notebook.uri.toString() || pin.cellId !== cellId) continue;
        const payload = payloadOf(change.cell, pin.mime);
        if (!payload) continue;
        const last = pin.runs[pin.runs.length - 1];
        if (last && last.outputId === payload.outputId) last.payload = payload.value;
        else
          pin.runs = [...pin.runs, { label: runLabel(pin.runs.length + 1), payload: payload.value, outputId: payload.outputId }].slice(
            -MAX_RUNS,
          );
        touched = true;
      }
    }
    if (touched) this.save();
  }

  private save(): void {
    void this.state.update(STATE_KEY, this.pins);
    this.changed.fire();
  }
}

/** Outputs carry their id at run time, as the renderer sees it; the API does not declare it. */
function outputIdOf(output: vscode.NotebookCellOutput): string | undefined {
  return (output as unknown as { id?: string }).id;
}

function payloadOf(cell: vscode.NotebookCell, mime: RichMime): { value: unknown; outputId: string | undefined } | undefined {
  for (const output of cell.outputs) {
    const item = output.items.find((i) => i.mime === mime);
    if (item) return { value: JSON.parse(new TextDecoder().decode(item.data)), outputId: outputIdOf(output) };
  }
  return undefined;
}

function runLabel(n: number): string {
  return `run ${n} · ${new Date().toLocaleTimeString('en-GB')}`;
}
