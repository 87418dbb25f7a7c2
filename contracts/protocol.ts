// The one contract between a kernel client (the VS Code extension, the CLI, tests) and the sidecar
// kernel. Every JSON-RPC method and every output payload is declared here and nowhere else.
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { CheckPayload } from './mime';

/** Bumped on any incompatible change; `initialize` refuses a mismatch instead of misbehaving. */
export const PROTOCOL_VERSION = 1;

/** A MIME bundle: `text/plain` is always present so every output reads well without a renderer. */
export interface MimeBundle {
  'text/plain': string;
  [mime: string]: unknown;
}

export interface StreamOutput {
  kind: 'stream';
  name: 'stdout' | 'stderr';
  text: string;
}

/** The value of a cell's last expression. */
export interface ResultOutput {
  kind: 'result';
  data: MimeBundle;
}

export interface DisplayOutput {
  kind: 'display';
  data: MimeBundle;
  /** Set while the display can still be updated in place; not saved with the notebook. */
  displayId?: string;
}

export interface ErrorOutput {
  kind: 'error';
  name: string;
  message: string;
  /** Header line, frames mapped to the cell's own lines, and a code frame of the failing line. */
  stack: string;
}

export type Output = StreamOutput | ResultOutput | DisplayOutput | ErrorOutput;

/** Replaces what an earlier display shows (a live chart growing); never saved as an output. */
export interface DisplayUpdate {
  kind: 'update';
  displayId: string;
  data: MimeBundle;
}

/** What the kernel sends about a cell's outputs. */
export type OutputEvent = Output | DisplayUpdate;

/**
 * The kernel is started as `<runtime> kernel.js <notebook path>`, one process per notebook:
 * relative imports, `require`, `__dirname` and the working directory follow that path.
 * JSON-RPC runs over the child's fd 3 (a pipe), so fd 1 and 2 stay free for whatever a cell's
 * child processes or native code print.
 */
export interface InitializeParams {
  protocolVersion: number;
  clientName: string;
  /**
   * A graded run: the kernel locks JavaScript's built-ins and the SDK before any cell runs, and
   * reports the results of trusted cells' checks in CheckNotifications that carry this token.
   * Cell code never sees the token, so a cell writing to fd 3 itself cannot forge a result.
   */
  grading?: { token: string };
}

export interface KernelInfo {
  protocolVersion: number;
  kernelVersion: string;
  /** e.g. `node v20.20.2`. */
  runtime: string;
  pid: number;
  notebookPath: string;
  /** The kernel took `grading`: the built-ins are locked and trusted cells' verdicts are reported. */
  graded?: boolean;
}

export interface ExecuteParams {
  /** Chosen by the client, unique within a kernel's life; outputs carry it back. */
  executionId: number;
  cellId: string;
  /** How errors name the cell, e.g. `Cell 3`. */
  label: string;
  code: string;
  /**
   * A grader's own check cell (honoured only in a graded run): its `checks` and `expect` are the
   * kernel's, not whatever those names hold in the notebook, and its results are reported.
   */
  trusted?: boolean;
  /**
   * The cell compiled by the client. An isolated kernel may start no process, esbuild's included,
   * so its client compiles for it; a cell that does not parse comes as its syntax error.
   */
  compiled?: PrecompiledCell;
}

export type PrecompiledCell =
  { code: string; rewriteMap: string; typescriptMap: string } | { syntaxError: { message: string; line: number; column: number } };

export type ExecutionStatus = 'ok' | 'error' | 'interrupted';

export interface ExecuteResult {
  status: ExecutionStatus;
  durationMs: number;
}

export interface OutputParams {
  executionId: number;
  cellId: string;
  output: OutputEvent;
}

export const Initialize = new RequestType<InitializeParams, KernelInfo, void>('kernel/initialize');
export const Execute = new RequestType<ExecuteParams, ExecuteResult, void>('kernel/execute');
/** Stops the running cell, if any; resolves `true` when there was one to stop. */
export const Interrupt = new RequestType0<boolean, void>('kernel/interrupt');
export const Shutdown = new RequestType0<void, void>('kernel/shutdown');
/** Where `nn` trains, sent once the SDK has chosen a backend (on first use of nn). */
export interface ComputeInfo {
  backend: string;
  device: string;
  /** Each better backend that was not taken, and why. */
  skipped: Array<{ name: string; reason: string }>;
}

export const ComputeNotification = new NotificationType<ComputeInfo>('kernel/compute');
/** Sent before the `execute` response of its cell, or later for output of a cell's timers. */
export const OutputNotification = new NotificationType<OutputParams>('kernel/output');

/** What a trusted cell's `checks()` calls found, sent once the cell ends, before its `execute` answer. */
export interface CheckParams {
  token: string;
  executionId: number;
  cellId: string;
  status: ExecutionStatus;
  results: CheckPayload[];
  /** Why the cell stopped, when not because one of its checks failed. */
  error?: string;
}

export const CheckNotification = new NotificationType<CheckParams>('kernel/check');
