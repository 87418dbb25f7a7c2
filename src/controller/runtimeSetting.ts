// Which value of `aielab.kernel.runtimePath` names the executable the extension starts: the user's
// own settings only. A workspace's .vscode/settings.json (or a folder's) comes with whatever was
// cloned or downloaded, and a path there would run as soon as a cell runs, an .onnx opens in the
// Weight Inspector or a model is exported. The setting is declared machine-scoped, and this reads
// only globalValue as well, so a VS Code that ignored the scope still cannot take a workspace's.
// No vscode import here: the decision is unit-tested without VS Code.

/** The parts of `WorkspaceConfiguration.inspect()`'s answer this decision reads. */
export interface SettingInspection {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface RuntimeChoice {
  /** The executable the user's settings name, or undefined for VS Code's own runtime. */
  path: string | undefined;
  /** Set when a workspace or folder names one, which is not used: say so once. */
  ignored?: string;
}

export function chooseRuntime(inspection: SettingInspection | undefined): RuntimeChoice {
  const user = typeof inspection?.globalValue === 'string' ? inspection.globalValue.trim() : '';
  const fromWorkspace = [inspection?.workspaceFolderValue, inspection?.workspaceValue].find((v) => typeof v === 'string' && v.trim());
  return {
    path: user || undefined,
    ...(fromWorkspace === undefined
      ? {}
      : {
          ignored: `AI Lab ignores aielab.kernel.runtimePath = "${String(fromWorkspace).trim()}" from this workspace's settings: an executable is taken from your user settings only, so a workspace cannot choose a program to run. Set it in your user settings (Preferences: Open User Settings) if you trust it.`,
        }),
  };
}
