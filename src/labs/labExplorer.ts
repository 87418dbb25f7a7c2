// The Lab Explorer: packs → modules → labs with their status, time and objectives; a journal
// lists its notes. Labs marked planned are shown as such, a lab whose notebook is missing (a
// mistyped path) as an error, a broken labpack.json as its problems.
import * as vscode from 'vscode';
import type { Lab, Module } from '../../packs/manifest';
import { notebookUri, notesUri, type LabPacks, type LabRef, type LoadedPack } from './packs';
import type { LabProgress, ProgressStore } from './progress';

type Node =
  | { kind: 'pack'; pack: LoadedPack }
  | { kind: 'problem'; pack: LoadedPack; where: string; message: string }
  | { kind: 'module'; pack: LoadedPack; module: Module }
  | { kind: 'lab'; ref: LabRef; state: LabState }
  | { kind: 'journal'; ref: LabRef }
  | { kind: 'note'; uri: vscode.Uri };

/** `missing`: not planned, yet its notebook is not there. */
type LabState = 'ready' | 'planned' | 'missing';

export const LABS_VIEW = 'aielab.labs';

export class LabExplorer implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Notebook files that exist, refreshed with the tree so getTreeItem stays synchronous. */
  private existing = new Set<string>();

  constructor(
    private readonly packs: LabPacks,
    private readonly progress: ProgressStore,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      await this.checkNotebooks();
      const packs = this.packs.packs;
      // One pack (the usual case) shows its modules at the top.
      if (packs.length === 1 && packs[0]?.pack) return this.getChildren({ kind: 'pack', pack: packs[0] });
      return packs.map((pack) => ({ kind: 'pack', pack }));
    }
    switch (node.kind) {
      case 'pack':
        if (!node.pack.pack) return node.pack.problems.map((p) => ({ kind: 'problem', pack: node.pack, where: p.where, message: p.message }));
        return node.pack.pack.modules.map((module) => ({ kind: 'module', pack: node.pack, module }));
      case 'module':
        return node.module.labs.map((lab) => this.labNode(node.pack, lab));
      case 'journal':
        return this.notes(node.ref);
      default:
        return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'pack': {
        const item = new vscode.TreeItem(node.pack.pack?.title ?? 'labpack.json has problems', vscode.TreeItemCollapsibleState.Expanded);
        item.description = node.pack.pack ? node.pack.pack.version : `${node.pack.problems.length} to fix`;
        item.iconPath = new vscode.ThemeIcon(node.pack.pack ? 'mortar-board' : 'error');
        item.resourceUri = node.pack.manifest;
        item.command = node.pack.pack ? undefined : { title: 'Open labpack.json', command: 'vscode.open', arguments: [node.pack.manifest] };
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.where.replace(/^labpack\.json: /, ''), vscode.TreeItemCollapsibleState.None);
        item.description = node.message;
        item.tooltip = `${node.where}: ${node.message}`;
        item.accessibilityInformation = { label: item.tooltip };
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
        item.command = { title: 'Open labpack.json', command: 'vscode.open', arguments: [node.pack.manifest] };
        return item;
      }
      case 'module': {
        const labs = node.module.labs.filter((lab) => lab.kind !== 'journal').map((lab) => ({ pack: node.pack as LabRef['pack'], lab }));
        const passed = labs.filter((ref) => this.progress.progress(ref).status === 'passed').length;
        const item = new vscode.TreeItem(node.module.title, vscode.TreeItemCollapsibleState.Expanded);
        if (labs.length) item.description = `${passed} / ${labs.length} passed`;
        item.tooltip = objectivesTooltip(node.module.title, node.module.objectives);
        item.contextValue = 'module';
        return item;
      }
      case 'lab':
        return this.labItem(node.ref, node.state);
      case 'journal': {
        const item = new vscode.TreeItem(node.ref.lab.title, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('book');
        item.description = node.ref.lab.notes;
        item.tooltip = objectivesTooltip(node.ref.lab.title, node.ref.lab.objectives);
        item.contextValue = 'journal';
        return item;
      }
      case 'note': {
        const item = new vscode.TreeItem(node.uri, vscode.TreeItemCollapsibleState.None);
        item.label = node.uri.path.slice(node.uri.path.lastIndexOf('/') + 1);
        item.command = { title: 'Open note', command: 'vscode.open', arguments: [node.uri] };
        return item;
      }
    }
  }

  private labNode(pack: LoadedPack, lab: Lab): Node {
    const ref = { pack: pack as LabRef['pack'], lab };
    if (lab.kind === 'journal') return { kind: 'journal', ref };
    const state = lab.planned ? 'planned' : this.existing.has(notebookUri(pack, lab).toString()) ? 'ready' : 'missing';
    return { kind: 'lab', ref, state };
  }

  private labItem(ref: LabRef, labState: LabState): vscode.TreeItem {
    const { lab } = ref;
    const item = new vscode.TreeItem(lab.title, vscode.TreeItemCollapsibleState.None);
    const progress = this.progress.progress(ref);
    const state = labState === 'ready' ? describe(progress) : labState === 'planned' ? 'planned' : 'notebook missing';
    item.description = `${lab.minutes} min · ${state}`;
    item.iconPath = labState === 'ready' ? statusIcon(progress) : labState === 'planned' ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')) : new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    item.contextValue = labState === 'ready' ? 'lab' : `lab.${labState}`;
    item.accessibilityInformation = { label: `${lab.title}, ${lab.minutes} minutes, ${state}` };
    const tooltip = objectivesTooltip(`${lab.title} (${lab.id})`, lab.objectives);
    tooltip.appendMarkdown(`\n\n$(clock) about ${lab.minutes} minutes · ${state}`);
    if (lab.prerequisites?.length) tooltip.appendMarkdown(`\n\nDo first: ${lab.prerequisites.join(', ')}`);
    if (labState === 'planned') tooltip.appendMarkdown(`\n\n*Planned: \`${lab.notebook}\` is not written yet.*`);
    if (labState === 'missing') tooltip.appendMarkdown(`\n\n$(error) \`${lab.notebook}\` does not exist: create it, fix the path in labpack.json, or mark the lab \`"planned": true\`.`);
    item.tooltip = tooltip;
    // A missing notebook is fixed in labpack.json (usually its path), so that is what a click opens.
    if (labState === 'ready') item.command = { title: 'Open lab', command: 'aielab.openLab', arguments: [notebookUri(ref.pack, lab)] };
    else if (labState === 'missing') item.command = { title: 'Open labpack.json', command: 'vscode.open', arguments: [ref.pack.manifest] };
    return item;
  }

  private async checkNotebooks(): Promise<void> {
    const uris = this.packs.labs().filter(({ lab }) => lab.notebook).map(({ pack, lab }) => notebookUri(pack, lab));
    const found = await Promise.all(uris.map((uri) => vscode.workspace.fs.stat(uri).then(() => uri.toString(), () => undefined)));
    this.existing = new Set(found.filter((u): u is string => u !== undefined));
  }

  private async notes(ref: LabRef): Promise<Node[]> {
    const folder = notesUri(ref.pack, ref.lab);
    const entries = await vscode.workspace.fs.readDirectory(folder).then(
      (e) => e,
      () => [] as Array<[string, vscode.FileType]>,
    );
    return entries
      .filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.md'))
      .map(([name]) => name)
      .sort()
      .reverse()
      .map((name) => ({ kind: 'note', uri: vscode.Uri.joinPath(folder, name) }));
  }
}

function describe(progress: LabProgress): string {
  if (progress.status === 'not started') return 'not started';
  const checks = progress.totalChecks ? ` ${progress.passedChecks}/${progress.totalChecks}` : '';
  return `${progress.status}${checks}`;
}

function statusIcon(progress: LabProgress): vscode.ThemeIcon {
  switch (progress.status) {
    case 'passed':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'in progress':
      return new vscode.ThemeIcon('circle-large-filled', new vscode.ThemeColor('testing.iconQueued'));
    default:
      return new vscode.ThemeIcon('circle-large-outline');
  }
}

function objectivesTooltip(title: string, objectives: readonly string[] | undefined): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(`**${escape(title)}**`, true);
  if (objectives?.length) tooltip.appendMarkdown(`\n\n${objectives.map((o) => `- ${escape(o)}`).join('\n')}`);
  return tooltip;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, '\\$&');
}
