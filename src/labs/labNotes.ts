// "AI Lab: New Lab Note": a dated markdown note in the pack's journal folder, linked to the lab
// being worked on, filled with the runs and models the lab tracked and its checks' score, with
// headings for what was tried, what broke and the numbers worth keeping (noteText.ts).
import { dirname, join, posix } from 'node:path';
import * as vscode from 'vscode';
import { labNoteText, labRecord } from './noteText';
import { notebookUri, notesUri, type LabPacks, type LabRef } from './packs';
import type { ProgressStore } from './progress';

export async function newLabNote(packs: LabPacks, checks: ProgressStore, today = new Date()): Promise<vscode.Uri | undefined> {
  const ref = await currentLab(packs);
  if (!ref) return undefined;
  const journal = ref.pack.pack.modules.flatMap((m) => m.labs).find((lab) => lab.kind === 'journal');
  const folder = notesUri(ref.pack, journal ?? { id: 'lab-notes', title: 'Lab notes', minutes: 1, notes: 'notes' });
  await vscode.workspace.fs.createDirectory(folder);
  const date = today.toISOString().slice(0, 10);
  const uri = await freeName(folder, `${date}-${ref.lab.id}`);
  const labNotebook = notebookUri(ref.pack, ref.lab);
  const notebook = posix.relative(folder.path, labNotebook.path);
  const progress = checks.progress(ref);
  const text = labNoteText({
    date,
    lab: ref.lab,
    notebook,
    // Where track writes a notebook's runs: mlruns/ beside it (MLFLOW_TRACKING_URI aside).
    record: labRecord(join(dirname(labNotebook.fsPath), 'mlruns'), labNotebook.fsPath),
    checks: progress.status === 'not started' ? undefined : { passed: progress.passedChecks, total: progress.totalChecks },
  });
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(uri);
  return uri;
}

/** The lab of the active notebook, else the one the learner picks. */
async function currentLab(packs: LabPacks): Promise<LabRef | undefined> {
  const active = vscode.window.activeNotebookEditor?.notebook.uri;
  const fromEditor = active && packs.labOf(active);
  if (fromEditor) return fromEditor;
  const labs = packs.labs().filter(({ lab }) => lab.kind !== 'journal');
  if (!labs.length) {
    void vscode.window.showInformationMessage('Lab notes belong to a lab pack: open a folder with a labpack.json first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    labs.map((ref) => ({ label: ref.lab.title, description: ref.lab.id, detail: ref.pack.pack.title, ref })),
    { title: 'New Lab Note', placeHolder: 'Which lab is this note about?' },
  );
  return picked?.ref;
}

async function freeName(folder: vscode.Uri, base: string): Promise<vscode.Uri> {
  for (let n = 1; ; n++) {
    const uri = vscode.Uri.joinPath(folder, `${base}${n === 1 ? '' : `-${n}`}.md`);
    const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
    if (!exists) return uri;
  }
}
