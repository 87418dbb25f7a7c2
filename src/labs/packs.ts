// The lab packs of the workspace: every labpack.json (outside node_modules), parsed with the same
// schema the CLI uses, kept current as files change. A pack that does not parse is kept with its
// problems so the explorer can say what to fix.
import * as vscode from 'vscode';
import { allLabs, ManifestError, MANIFEST_FILE, parseManifest, type Lab, type LabPack, type Problem } from '../../packs/manifest';

export interface LoadedPack {
  root: vscode.Uri;
  manifest: vscode.Uri;
  pack?: LabPack;
  problems: Problem[];
}

export interface LabRef {
  pack: LoadedPack & { pack: LabPack };
  lab: Lab;
}

const MAX_PACKS = 50;

export class LabPacks implements vscode.Disposable {
  private loaded: LoadedPack[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher(`**/${MANIFEST_FILE}`);
  private readonly disposables: vscode.Disposable[] = [this.changed, this.watcher];

  constructor() {
    const reload = () => void this.reload();
    this.disposables.push(this.watcher.onDidChange(reload), this.watcher.onDidCreate(reload), this.watcher.onDidDelete(reload), vscode.workspace.onDidChangeWorkspaceFolders(reload));
  }

  get packs(): readonly LoadedPack[] {
    return this.loaded;
  }

  async reload(): Promise<void> {
    const files = await vscode.workspace.findFiles(`**/${MANIFEST_FILE}`, '**/node_modules/**', MAX_PACKS);
    files.sort((a, b) => a.path.localeCompare(b.path));
    this.loaded = await Promise.all(files.map(load));
    this.changed.fire();
  }

  /** The lab whose notebook this is, in whichever pack lists it. */
  labOf(notebook: vscode.Uri): LabRef | undefined {
    for (const loaded of this.loaded) {
      if (!loaded.pack) continue;
      for (const { lab } of allLabs(loaded.pack)) {
        if (lab.notebook && notebookUri(loaded, lab).toString() === notebook.toString()) return { pack: loaded as LabRef['pack'], lab };
      }
    }
    return undefined;
  }

  labs(): LabRef[] {
    return this.loaded.flatMap((loaded) => (loaded.pack ? allLabs(loaded.pack).map(({ lab }) => ({ pack: loaded as LabRef['pack'], lab })) : []));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function notebookUri(pack: LoadedPack, lab: Lab): vscode.Uri {
  return vscode.Uri.joinPath(pack.root, ...(lab.notebook ?? '').split('/'));
}

export function notesUri(pack: LoadedPack, lab: Lab): vscode.Uri {
  return vscode.Uri.joinPath(pack.root, ...(lab.notes ?? 'notes').split('/'));
}

async function load(manifest: vscode.Uri): Promise<LoadedPack> {
  const root = vscode.Uri.joinPath(manifest, '..');
  try {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(manifest));
    return { root, manifest, pack: parseManifest(text), problems: [] };
  } catch (err) {
    if (err instanceof ManifestError) return { root, manifest, problems: err.problems };
    return { root, manifest, problems: [{ where: MANIFEST_FILE, message: err instanceof Error ? err.message : String(err) }] };
  }
}
