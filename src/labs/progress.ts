// Learners' progress, per workspace: which labs were started and what their check cells found.
// It is read from the check outputs as cells finish running, so it follows the notebook and not
// a separate record a learner could lose.
import * as vscode from 'vscode';
import { MIME, type CheckPayload } from '../../contracts/mime';
import { roleOf } from '../../packs/roles';
import type { CellMetadata } from '../notebook/serializer';
import type { LabPacks, LabRef } from './packs';

export type LabStatus = 'not started' | 'in progress' | 'passed';

interface CheckResult {
  passed: number;
  total: number;
}

interface LabRecord {
  started: boolean;
  /** The latest result of each check cell, by cell id. */
  checks: Record<string, CheckResult>;
  /** Ids of the notebook's check cells when it last ran. */
  checkCells: string[];
}

export interface LabProgress {
  status: LabStatus;
  passedChecks: number;
  totalChecks: number;
}

const STATE_KEY = 'aielab.labProgress';

export class ProgressStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly state: vscode.Memento,
    private readonly packs: LabPacks,
  ) {
    this.subscription = vscode.workspace.onDidChangeNotebookDocument((event) => this.onNotebookChange(event));
  }

  progress(ref: LabRef): LabProgress {
    const record = this.records()[key(ref)];
    if (!record?.started) return { status: 'not started', passedChecks: 0, totalChecks: 0 };
    const results = record.checkCells.map((id) => record.checks[id]);
    const passedChecks = results.reduce((n, r) => n + (r ? r.passed : 0), 0);
    const totalChecks = results.reduce((n, r) => n + (r ? r.total : 0), 0);
    const passed = record.checkCells.length > 0 && results.every((r) => r !== undefined && r.total > 0 && r.passed === r.total);
    return { status: passed ? 'passed' : 'in progress', passedChecks, totalChecks };
  }

  async reset(ref: LabRef): Promise<void> {
    const gone = key(ref);
    await this.state.update(STATE_KEY, Object.fromEntries(Object.entries(this.records()).filter(([k]) => k !== gone)));
    this.changed.fire();
  }

  private onNotebookChange(event: vscode.NotebookDocumentChangeEvent): void {
    const finished = event.cellChanges.filter((c) => c.executionSummary?.success !== undefined);
    if (!finished.length) return;
    const ref = this.packs.labOf(event.notebook.uri);
    if (!ref) return;
    const records = this.records();
    const record = records[key(ref)] ?? { started: true, checks: {}, checkCells: [] };
    record.started = true;
    record.checkCells = event.notebook.getCells().filter((cell) => roleOf({ metadata: (cell.metadata as CellMetadata).metadata ?? {} }) === 'check').map((cell) => (cell.metadata as CellMetadata).id ?? '');
    for (const { cell } of finished) {
      const id = (cell.metadata as CellMetadata).id;
      if (!id || !record.checkCells.includes(id)) continue;
      record.checks[id] = checkResult(cell);
    }
    records[key(ref)] = record;
    void this.state.update(STATE_KEY, records).then(() => this.changed.fire());
  }

  private records(): Record<string, LabRecord> {
    return { ...this.state.get<Record<string, LabRecord>>(STATE_KEY, {}) };
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** A check cell without checks() output (plain asserts) is one check that passed if the cell did. */
function checkResult(cell: vscode.NotebookCell): CheckResult {
  let passed = 0;
  let total = 0;
  for (const output of cell.outputs) {
    for (const item of output.items) {
      if (item.mime !== MIME.check) continue;
      const payload = JSON.parse(new TextDecoder().decode(item.data)) as CheckPayload;
      passed += payload.passed;
      total += payload.total;
    }
  }
  return total ? { passed, total } : { passed: cell.executionSummary?.success ? 1 : 0, total: 1 };
}

function key(ref: LabRef): string {
  return `${ref.pack.root.toString()}#${ref.lab.id}`;
}
