// What the extension, the notebook renderer and the panels say to each other. Pure types: both
// sides import them.
import type { Inspection, ModelDiff, RichMime } from './mime';

export interface PinnedRun {
  /** e.g. "run 3 · 14:02:11". */
  label: string;
  payload: unknown;
  /** The output this run came from; a live output updating keeps replacing its run. */
  outputId?: string;
}

export interface Pin {
  id: string;
  /** Where it came from, e.g. "lab-01-ai-lifecycle.aielab · Cell 12". */
  title: string;
  mime: RichMime;
  /** Oldest first; the last is the latest run. */
  runs: PinnedRun[];
}

export type ToChartsPanel = { type: 'pins'; pins: Pin[] };
export type FromChartsPanel = { type: 'ready' } | { type: 'unpin'; id: string };

/** Sent by the notebook renderer when the learner pins an output. */
export interface PinRequest {
  type: 'pin';
  outputId: string;
  mime: RichMime;
}

/** One tracked run as the Runs panel shows it. */
export interface RunRow {
  id: string;
  name: string;
  status: string;
  startTime: number;
  parentId?: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
  history: Record<string, Array<[number, number]>>;
}

export interface RunsData {
  /** Each mlruns/ folder in the workspace, with its experiments and registered models. */
  stores: Array<{
    root: string;
    experiments: Array<{ id: string; name: string; runs: RunRow[] }>;
    models: Array<{ name: string; versions: Array<{ version: number; aliases: string[]; runId: string; description: string }> }>;
    problems: string[];
  }>;
}

export type ToRunsPanel = { type: 'runs'; data: RunsData };
export type FromRunsPanel = { type: 'ready' };

export type ToWeightsPanel =
  | { type: 'loading'; file: string }
  | { type: 'model'; inspection: Inspection; diff?: ModelDiff }
  | { type: 'error'; file: string; message: string };
/** `open`: the learner asked to pick an .onnx file. */
export type FromWeightsPanel = { type: 'ready' } | { type: 'open' };
