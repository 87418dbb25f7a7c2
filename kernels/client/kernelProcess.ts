// A running sidecar kernel, seen from the client side (the VS Code extension, the CLI, tests):
// spawns `kernel.js` for one notebook, speaks the protocol over fd 3, routes outputs to the
// execution that produced them, and turns an unexpected exit into a cause a person can act on.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { Socket } from 'node:net';
import { Emitter, type Event } from 'vscode-jsonrpc';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  CheckNotification,
  ComputeNotification,
  Execute,
  Initialize,
  Interrupt,
  OutputNotification,
  PROTOCOL_VERSION,
  Shutdown,
  type CheckParams,
  type ComputeInfo,
  type ExecuteResult,
  type KernelInfo,
  type OutputEvent,
  type OutputParams,
  type PrecompiledCell,
} from '../../contracts/protocol';
import { capStream } from '../../contracts/streamLimit';
import { CellSyntaxError, compileCell } from '../transpile/compileCell';
import { KernelDiedError, type KernelExit } from './kernelExit';

export interface KernelStartOptions {
  notebookPath: string;
  clientName: string;
  /** The executable that runs kernel.js: Node, or an Electron binary run as Node. */
  runtime?: string;
  runtimeArgs?: readonly string[];
  /** Added to this process's environment, or (with `isolated`) the kernel's whole environment. */
  env?: NodeJS.ProcessEnv;
  kernelScript?: string;
  startTimeoutMs?: number;
  /**
   * A graded run: the kernel is started through `sandbox` (a command that runs the rest of its
   * arguments confined, such as bubblewrap) with only `env`, locks its built-ins, and reports
   * trusted cells' verdicts, which `onVerdict` hands on when they carry the run's secret.
   */
  isolated?: { sandbox: readonly string[]; token: string };
}

export interface CellRequest {
  cellId: string;
  label: string;
  code: string;
  /** A grader's check cell; only an isolated kernel honours it. */
  trusted?: boolean;
}

export type KernelState = 'idle' | 'busy' | 'dead';

/** Output for an execution that has already finished: its timers or promises kept working. */
export interface LateOutput {
  cellId: string;
  output: OutputEvent;
}

const STDERR_TAIL = 8192;
/** After the kernel exited, how long its pipes may take to drain before they are closed. */
const DRAIN_MS = 500;
/** POSIX gives the kernel a process group of its own, so that what its cells started dies with it. */
const PROCESS_GROUPS = process.platform !== 'win32';

export class KernelProcess {
  private readonly running = new Map<number, (output: OutputEvent) => void>();
  /** Characters of raw fd 1/2 output each running execution has received. */
  private readonly rawChars = new Map<number, number>();
  /** Characters of raw output since the last cell ended: a process a cell left behind is capped too. */
  private idleRawChars = 0;
  private readonly stateEmitter = new Emitter<KernelState>();
  private readonly exitEmitter = new Emitter<KernelExit>();
  private readonly lateEmitter = new Emitter<LateOutput>();
  private readonly rawEmitter = new Emitter<string>();
  private readonly computeEmitter = new Emitter<ComputeInfo>();
  private readonly verdictEmitter = new Emitter<Omit<CheckParams, 'token'>>();
  private nextExecutionId = 1;
  private stderrTail = '';
  private stopping = false;
  private currentState: KernelState = 'idle';
  private exited: KernelExit | undefined;
  private kernelInfo: KernelInfo | undefined;

  readonly onDidChangeState: Event<KernelState> = this.stateEmitter.event;
  readonly onDidExit: Event<KernelExit> = this.exitEmitter.event;
  readonly onLateOutput: Event<LateOutput> = this.lateEmitter.event;
  /** Where `nn` trains, once a notebook has used it. */
  readonly onCompute: Event<ComputeInfo> = this.computeEmitter.event;
  /** A trusted cell's verdict in a graded run; anything claiming to be one without the run's secret is dropped. */
  readonly onVerdict: Event<Omit<CheckParams, 'token'>> = this.verdictEmitter.event;
  /** What the process itself printed while no cell was running (native code, fatal errors). */
  readonly onRawOutput: Event<string> = this.rawEmitter.event;

  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: MessageConnection,
    private readonly token: string | undefined,
  ) {
    connection.onNotification(OutputNotification, (params) => this.route(params));
    connection.onNotification(CheckNotification, ({ token: claimed, ...verdict }) => {
      if (token !== undefined && claimed === token) this.verdictEmitter.fire(verdict);
    });
    connection.onNotification(ComputeNotification, (info) => this.computeEmitter.fire(info));
    child.stdout?.on('data', (data: Buffer) => this.raw('stdout', data.toString()));
    child.stderr?.on('data', (data: Buffer) => {
      const text = data.toString();
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL);
      this.raw('stderr', text);
    });
    child.on('exit', () => this.reap());
    // 'close' comes after the process's pipes have drained, so the cause is in stderrTail.
    child.on('close', (code, signal) =>
      afterQueuedMessages(() => this.died({ code, signal, stderr: this.stderrTail, expected: this.stopping })),
    );
  }

  static async start(options: KernelStartOptions): Promise<KernelProcess> {
    const runtime = options.runtime ?? process.execPath;
    const script = options.kernelScript ?? join(__dirname, 'kernel.js');
    const kernelArgs = [...(options.runtimeArgs ?? []), script, options.notebookPath];
    const [command, ...args] = options.isolated ? [...options.isolated.sandbox, runtime, ...kernelArgs] : [runtime, ...kernelArgs];
    const child = spawn(command as string, args, {
      cwd: dirname(options.notebookPath),
      env: options.isolated ? { ...options.env } : { ...process.env, ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: PROCESS_GROUPS,
      windowsHide: true,
    });
    const rpc = child.stdio[3] as Socket;
    const reader = new StreamMessageReader(rpc);
    // vscode-jsonrpc re-arms a timer forever for a message cut off by a dying kernel, which would
    // keep the CLI alive; partial messages mean nothing to us.
    reader.partialMessageTimeout = 0;
    const connection = createMessageConnection(reader, new StreamMessageWriter(rpc));
    const token = options.isolated?.token;
    const kernel = new KernelProcess(child, connection, token);
    connection.listen();
    try {
      kernel.kernelInfo = await new Promise<KernelInfo>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`The kernel did not answer within ${(options.startTimeoutMs ?? 30_000) / 1000} s.`)),
          options.startTimeoutMs ?? 30_000,
        );
        child.once('error', (err) => reject(new Error(`Cannot start the kernel with ${runtime}: ${err.message}`)));
        kernel.onDidExit((exit) => reject(new KernelDiedError(exit, 'while starting')));
        connection
          .sendRequest(Initialize, {
            protocolVersion: PROTOCOL_VERSION,
            clientName: options.clientName,
            ...(token ? { grading: { token } } : {}),
          })
          .then(
            (info) =>
              token && !info.graded
                ? reject(new Error('The kernel does not support graded runs: install matching versions of the CLI and its kernel.'))
                : resolve(info),
            reject,
          )
          .finally(() => clearTimeout(timer));
      });
    } catch (err) {
      kernel.kill();
      throw err;
    }
    return kernel;
  }

  get info(): KernelInfo {
    if (!this.kernelInfo) throw new Error('The kernel has not started.');
    return this.kernelInfo;
  }

  get state(): KernelState {
    return this.currentState;
  }

  get exit(): KernelExit | undefined {
    return this.exited;
  }

  /** Runs one cell; rejects with KernelDiedError when the kernel dies before it finishes. */
  async execute(cell: CellRequest, onOutput: (output: OutputEvent) => void): Promise<ExecuteResult> {
    if (this.exited) throw new KernelDiedError(this.exited, 'before the cell started');
    const executionId = this.nextExecutionId++;
    const compiled = this.token === undefined ? {} : { compiled: await precompile(cell) };
    this.running.set(executionId, onOutput);
    this.idleRawChars = 0;
    this.setState('busy');
    try {
      return await new Promise<ExecuteResult>((resolve, reject) => {
        const died = this.onDidExit((exit) => reject(new KernelDiedError(exit, `while running ${cell.label}`)));
        this.connection
          .sendRequest(Execute, { executionId, ...cell, ...compiled })
          .then(resolve, (err: unknown) => {
            if (!this.exited) reject(err);
          })
          .finally(() => died.dispose());
      });
    } finally {
      this.running.delete(executionId);
      this.rawChars.delete(executionId);
      if (!this.exited) this.setState(this.running.size ? 'busy' : 'idle');
    }
  }

  /** Asks the running cell to stop; resolves `true` if one was running. */
  async interrupt(): Promise<boolean> {
    if (this.exited) return false;
    return this.connection.sendRequest(Interrupt);
  }

  /** Asks the kernel to exit; kills it if it has not after `graceMs`. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (this.exited) return;
    this.stopping = true;
    const gone = new Promise<void>((resolve) => this.onDidExit(() => resolve()));
    this.connection.sendRequest(Shutdown).catch(() => undefined);
    const timer = setTimeout(() => this.kill(), graceMs);
    await gone;
    clearTimeout(timer);
  }

  /** Kills the kernel and, on POSIX, every process its cells started that is still in its group. */
  kill(): void {
    this.stopping = true;
    if (this.exited) return;
    if (!this.killGroup()) this.child.kill('SIGKILL');
  }

  private killGroup(): boolean {
    if (!PROCESS_GROUPS || this.child.pid === undefined) return false;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
      return true;
    } catch {
      // ESRCH: the group is gone already.
      return false;
    }
  }

  /**
   * The kernel process is gone: what its cells started goes with it, and a pipe a process outside
   * the group still holds (one that started its own session) must not keep the client waiting for
   * 'close', which would leave this kernel never reported dead and the CLI never exiting.
   */
  private reap(): void {
    this.killGroup();
    const drained = setTimeout(() => {
      for (const stream of [this.child.stdout, this.child.stderr, this.child.stdio[3]]) stream?.destroy();
    }, DRAIN_MS);
    drained.unref();
    this.child.once('close', () => clearTimeout(drained));
  }

  private route(params: OutputParams): void {
    const onOutput = this.running.get(params.executionId);
    if (onOutput) onOutput(params.output);
    else this.lateEmitter.fire({ cellId: params.cellId, output: params.output });
  }

  /** fd 1 and 2 carry only what bypassed the kernel's capture: child processes, native code. */
  private raw(name: 'stdout' | 'stderr', text: string): void {
    const running = [...this.running].pop();
    if (!running) {
      const capped = capStream(this.idleRawChars, text);
      this.idleRawChars += text.length;
      if (capped !== undefined) this.rawEmitter.fire(capped);
      return;
    }
    // Cell code's own printing is capped in the kernel; a child process writing to the inherited
    // fd 1/2 is capped here, per execution, with the same limit and note.
    const [executionId, onOutput] = running;
    const before = this.rawChars.get(executionId) ?? 0;
    const capped = capStream(before, text);
    this.rawChars.set(executionId, before + text.length);
    if (capped !== undefined) onOutput({ kind: 'stream', name, text: capped });
  }

  private died(exit: KernelExit): void {
    this.exited = exit;
    this.connection.dispose();
    this.setState('dead');
    this.exitEmitter.fire(exit);
  }

  private setState(state: KernelState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateEmitter.fire(state);
  }
}

/**
 * vscode-jsonrpc handles the messages it has read one per event-loop turn (setImmediate): the
 * output a dying kernel wrote last (its `process.exit` line) may still be queued when its pipes
 * close. Disposing the connection then would drop it, so the death waits those turns out.
 */
function afterQueuedMessages(then: () => void, turns = 64): void {
  if (turns <= 0) then();
  else setImmediate(() => afterQueuedMessages(then, turns - 1));
}

/** What an isolated kernel is sent instead of compiling the cell itself. */
async function precompile(cell: CellRequest): Promise<PrecompiledCell> {
  try {
    return await compileCell(cell.code, { trusted: cell.trusted === true });
  } catch (err) {
    if (!(err instanceof CellSyntaxError)) throw err;
    return { syntaxError: { message: err.message, line: err.line, column: err.column } };
  }
}
