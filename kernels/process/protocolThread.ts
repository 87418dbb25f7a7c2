// The kernel's protocol thread: JSON-RPC with the client on fd 3, cell compilation, output
// throttling and interrupts. It never runs user code, so it answers while a cell is busy.
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { version } from '../../package.json';
import {
  CheckNotification,
  ComputeNotification,
  Execute,
  Initialize,
  Interrupt,
  OutputNotification,
  PROTOCOL_VERSION,
  Shutdown,
  type ExecuteParams,
  type ExecuteResult,
  type KernelInfo,
} from '../../contracts/protocol';
import { CellSyntaxError, compileCell, type CompiledCell } from '../transpile/compileCell';
import { syntaxErrorOutput } from './errorFormat';
import { OutputQueue } from './outputQueue';
import { FLAG, type FromExecutionThread, type KernelThreadData, type ToExecutionThread } from './threadMessages';

/** How long loop checks get to stop a cell before the kernel falls back to SIGINT. */
const SIGINT_DELAY_MS = 300;

const port = parentPort;
if (!port) throw new Error("kernel-protocol.js runs as the kernel's worker thread, not on its own.");
const { flags: sharedFlags, notebookPath } = workerData as KernelThreadData;
const flags = new Int32Array(sharedFlags);

const socket = new Socket({ fd: 3, readable: true, writable: true });
const reader = new StreamMessageReader(socket);
// vscode-jsonrpc re-arms a timer forever for a message cut off by a closing pipe; we need none.
reader.partialMessageTimeout = 0;
const connection = createMessageConnection(reader, new StreamMessageWriter(socket));
let lastWrite: Promise<void> = Promise.resolve();
const outputs = new OutputQueue((params) => {
  lastWrite = connection.sendNotification(OutputNotification, params);
});

const toExecutor = (message: ToExecutionThread) => port.postMessage(message);
/** Executions handed to the execution thread and not finished, oldest (the running one) first. */
const inFlight = new Map<number, (result: ExecuteResult) => void>();
let seq = 0;
let previous: Promise<unknown> = Promise.resolve();
/** Set by a graded run's initialize, before any cell; verdicts carry it so the client knows them from a forgery. */
let gradingToken: string | undefined;

connection.onRequest(Initialize, (params): KernelInfo => {
  if (params.protocolVersion !== PROTOCOL_VERSION) {
    throw new Error(
      `${params.clientName} speaks kernel protocol ${params.protocolVersion} but this kernel speaks ${PROTOCOL_VERSION}: install matching versions of the extension and the CLI.`,
    );
  }
  if (params.grading) {
    gradingToken = params.grading.token;
    toExecutor({ type: 'grade' });
  }
  return {
    protocolVersion: PROTOCOL_VERSION,
    kernelVersion: version,
    runtime: `node ${process.version}`,
    pid: process.pid,
    notebookPath,
    graded: gradingToken !== undefined,
  };
});

connection.onRequest(Execute, (params) => {
  // One execution at a time, in the order they were sent, as in any notebook kernel.
  const result = previous.then(() => execute(params));
  previous = result.catch(() => undefined);
  return result;
});

connection.onRequest(Interrupt, () => {
  const target = inFlight.keys().next();
  if (target.done) return false;
  Atomics.store(flags, FLAG.interrupt, target.value);
  toExecutor({ type: 'interrupt', seq: target.value });
  // A package's synchronous loop has no interrupt checks. If the cell is still inside its script's
  // synchronous part a moment later, V8 can break it on SIGINT (no such signal on Windows).
  setTimeout(() => {
    if (inFlight.has(target.value) && Atomics.load(flags, FLAG.inScript) === 1 && process.platform !== 'win32')
      process.kill(process.pid, 'SIGINT');
  }, SIGINT_DELAY_MS);
  return true;
});

// Closing our end after the reply has gone out lets the client read it whole, then we exit.
connection.onRequest(Shutdown, () => {
  setImmediate(() => socket.end());
});
connection.onClose(endProcess);

port.on('message', (message: FromExecutionThread) => {
  if (message.type === 'output') {
    outputs.push(message);
  } else if (message.type === 'done') {
    inFlight.get(message.seq)?.(message.result);
    inFlight.delete(message.seq);
  } else if (message.type === 'verdict') {
    // Outputs first, so the client has the cell's outputs when it scores it.
    outputs.flush();
    if (gradingToken !== undefined)
      void connection.sendNotification(CheckNotification, {
        token: gradingToken,
        executionId: message.executionId,
        cellId: message.cellId,
        ...message.verdict,
      });
  } else if (message.type === 'compute') {
    void connection.sendNotification(ComputeNotification, message.info);
  } else {
    outputs.flush();
    void lastWrite.finally(() => {
      Atomics.store(flags, FLAG.flushed, 1);
      Atomics.notify(flags, FLAG.flushed);
    });
  }
});

connection.listen();

async function execute(params: ExecuteParams): Promise<ExecuteResult> {
  const started = performance.now();
  const id = ++seq;
  try {
    const trusted = gradingToken !== undefined && params.trusted === true;
    const compiled = await compiledCell(params, trusted);
    const done = new Promise<ExecuteResult>((resolve) => inFlight.set(id, resolve));
    toExecutor({
      type: 'execute',
      seq: id,
      executionId: params.executionId,
      cellId: params.cellId,
      label: params.label,
      source: params.code,
      compiled,
      trusted,
    });
    return await done;
  } catch (err) {
    if (!(err instanceof CellSyntaxError)) throw err;
    const output = syntaxErrorOutput({ label: params.label, source: params.code }, err.message, err.line, err.column);
    outputs.push({ executionId: params.executionId, cellId: params.cellId, output });
    return { status: 'error', durationMs: performance.now() - started };
  } finally {
    outputs.flush();
    outputs.forget(params.executionId);
  }
}

/** An isolated kernel may not start esbuild: its client compiles the cell and sends it along. */
async function compiledCell(params: ExecuteParams, trusted: boolean): Promise<CompiledCell> {
  if (!params.compiled) {
    if (gradingToken !== undefined) throw new Error('an isolated kernel runs compiled cells only: send the cell compiled');
    return compileCell(params.code, { trusted });
  }
  if ('syntaxError' in params.compiled) {
    const { message, line, column } = params.compiled.syntaxError;
    throw new CellSyntaxError(message, line, column);
  }
  return params.compiled;
}

/**
 * The client is gone or asked us to stop: end the process even if a cell is spinning. A client
 * killed outright (SIGKILL) cannot kill our process group as it means to, so when we lead one (a
 * client on POSIX starts us so) we take it down ourselves, with every process our cells started.
 */
function endProcess(): void {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.kill(process.pid, 'SIGTERM');
  }
}
