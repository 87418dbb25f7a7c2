// A running sidecar kernel, seen from the client side (the VS Code extension, the CLI, tests):
// spawns `kernel.js` for one notebook, speaks the protocol over fd 3, routes outputs to the
// execution that produced them, and turns an unexpected exit into a cause a person can act on.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { Socket } from 'node:net';
import { Emitter, type Event } from 'vscode-jsonrpc';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  ComputeNotification,
  Execute,
  Initialize,
  Interrupt,
  OutputNotification,
  PROTOCOL_VERSION,
  Shutdown,
  type ComputeInfo,
  type ExecuteResult,
  type KernelInfo,
  type OutputEvent,
  type OutputParams,
} from '../../contracts/protocol';
import { KernelDiedError, type KernelExit } from './kernelExit';

export interface KernelStartOptions {
  notebookPath: string;
  clientName: string;
  /** The executable that runs kernel.js: Node, or an Electron binary run as Node. */
  runtime?: string;
  runtimeArgs?: readonly string[];
  env?: NodeJS.ProcessEnv;
  kernelScript?: string;
  startTimeoutMs?: number;
}

export interface CellRequest {
  cellId: string;
  label: string;
  code: string;
}

export type KernelState = 'idle' | 'busy' | 'dead';

/** Output for an execution that has already finished: its timers or promises kept working. */
export interface LateOutput {
  cellId: string;
  output: OutputEvent;
}

const STDERR_TAIL = 8192;

export class KernelProcess {
  private readonly running = new Map<number, (output: OutputEvent) => void>();
  private readonly stateEmitter = new Emitter<KernelState>();
  private readonly exitEmitter = new Emitter<KernelExit>();
  private readonly lateEmitter = new Emitter<LateOutput>();
  private readonly rawEmitter = new Emitter<string>();
  private readonly computeEmitter = new Emitter<ComputeInfo>();
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
  /** What the process itself printed while no cell was running (native code, fatal errors). */
  readonly onRawOutput: Event<string> = this.rawEmitter.event;

  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: MessageConnection,
  ) {
    connection.onNotification(OutputNotification, (params) => this.route(params));
    connection.onNotification(ComputeNotification, (info) => this.computeEmitter.fire(info));
    child.stdout?.on('data', (data: Buffer) => this.raw('stdout', data.toString()));
    child.stderr?.on('data', (data: Buffer) => {
      const text = data.toString();
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL);
      this.raw('stderr', text);
    });
    // 'close' comes after the process's pipes have drained, so the cause is in stderrTail.
    child.on('close', (code, signal) => this.died({ code, signal, stderr: this.stderrTail, expected: this.stopping }));
  }

  static async start(options: KernelStartOptions): Promise<KernelProcess> {
    const runtime = options.runtime ?? process.execPath;
    const script = options.kernelScript ?? join(__dirname, 'kernel.js');
    const child = spawn(runtime, [...(options.runtimeArgs ?? []), script, options.notebookPath], {
      cwd: dirname(options.notebookPath),
      env: { ...process.env, ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const rpc = child.stdio[3] as Socket;
    const reader = new StreamMessageReader(rpc);
    // vscode-jsonrpc re-arms a timer forever for a message cut off by a dying kernel, which would
    // keep the CLI alive; partial messages mean nothing to us.
    reader.partialMessageTimeout = 0;
    const connection = createMessageConnection(reader, new StreamMessageWriter(rpc));
    const kernel = new KernelProcess(child, connection);
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
          .sendRequest(Initialize, { protocolVersion: PROTOCOL_VERSION, clientName: options.clientName })
          .then(resolve, reject)
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
    this.running.set(executionId, onOutput);
    this.setState('busy');
    try {
      return await new Promise<ExecuteResult>((resolve, reject) => {
        const died = this.onDidExit((exit) => reject(new KernelDiedError(exit, `while running ${cell.label}`)));
        this.connection
          .sendRequest(Execute, { executionId, ...cell })
          .then(resolve, (err: unknown) => {
            if (!this.exited) reject(err);
          })
          .finally(() => died.dispose());
      });
    } finally {
      this.running.delete(executionId);
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

  kill(): void {
    this.stopping = true;
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private route(params: OutputParams): void {
    const onOutput = this.running.get(params.executionId);
    if (onOutput) onOutput(params.output);
    else this.lateEmitter.fire({ cellId: params.cellId, output: params.output });
  }

  /** fd 1 and 2 carry only what bypassed the kernel's capture: child processes, native code. */
  private raw(name: 'stdout' | 'stderr', text: string): void {
    const running = [...this.running.values()].pop();
    if (running) running({ kind: 'stream', name, text });
    else this.rawEmitter.fire(text);
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
