// The sidecar kernel's entry: `node kernel.js <notebook path>`. This is the execution thread; it
// starts the protocol thread (kernel-protocol.js), which owns JSON-RPC on fd 3.
import { writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as sdk from '../../sdk';
import { useDisplaySink } from '../../sdk/display/display';
import { useComputeSink, useInterruptHook, useNotebook, useSelfStopping } from '../../sdk/runtime';
import { CELL_RUNTIME } from '../transpile/cellRuntime';
import { runSelfStopping, trackCellTimers } from './cellTimers';
import { CellScripts, ErrorReporter } from './errorReport';
import { Executor } from './executor';
import { lockDown } from './harden';
import { ModuleLoader, pickNamed } from './moduleLoader';
import { captureStreams } from './streamCapture';
import { FLAG, FLAG_COUNT, type FromExecutionThread, type KernelThreadData, type ToExecutionThread } from './threadMessages';

const exit = process.exit.bind(process);
const notebookPath = resolve(process.argv[2] ?? join(process.cwd(), 'untitled.aielab'));
process.chdir(dirname(notebookPath));

const protocolScript = join(__dirname, 'kernel-protocol.js');
const flags = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * FLAG_COUNT));
const scripts = new CellScripts();
const reporter = new ErrorReporter(scripts, [__filename, protocolScript]);
const loader = new ModuleLoader(notebookPath, { aielab: sdk });

const workerData: KernelThreadData = { flags: flags.buffer as SharedArrayBuffer, notebookPath };
const protocol = new Worker(protocolScript, { workerData, stdout: false, stderr: false });
// Taken before any cell runs: a graded run's verdicts must not pass through anything a cell can replace.
const postMessage = Worker.prototype.postMessage;
const apply = Reflect.apply;
const send = (message: FromExecutionThread) => apply(postMessage, protocol, [message]);
const executor = new Executor(flags, send, scripts, reporter);

protocol.on('message', (message: ToExecutionThread) => {
  if (message.type === 'execute') executor.execute(message);
  else if (message.type === 'interrupt') executor.interrupt(message.seq);
  else
    lockDown({
      namespaces: [sdk],
      // A trusted cell's `import` and `await` run through these: a cell must not swap them.
      runtimeGlobals: [...Object.values(CELL_RUNTIME), 'require'],
      packageRoots: [join(dirname(__dirname), 'node_modules')],
    });
});
protocol.on('error', (err) => {
  writeSync(2, `aielab kernel: the protocol thread failed: ${err.stack ?? err}\n`);
  process.exitCode = 70;
});
protocol.on('exit', () => exit());

defineGlobals({
  [CELL_RUNTIME.flags]: flags,
  [CELL_RUNTIME.interrupted]: () => executor.throwIfInterrupted(),
  [CELL_RUNTIME.resumed]: <T>(value: T) => executor.resumed(value),
  [CELL_RUNTIME.importModule]: (specifier: string, options?: ImportCallOptions) => loader.import(specifier, options),
  [CELL_RUNTIME.named]: pickNamed,
  [CELL_RUNTIME.importMeta]: loader.meta,
  require: loader.require,
  __filename: notebookPath,
  __dirname: dirname(notebookPath),
  // As in Jupyter, display() needs no import.
  display: sdk.display,
});

captureStreams((name, text) => executor.emit({ kind: 'stream', name, text }));
useDisplaySink({
  show: (data, displayId) => executor.emit({ kind: 'display', data, displayId }),
  update: (displayId, data) => executor.emit({ kind: 'update', displayId, data }),
});
trackCellTimers(() => executor.runningHere);
// SDK work the cell started (a model training) hears the interrupt too and stops cleanly.
useInterruptHook((stop) => executor.runningHere?.onInterrupt(stop));
useComputeSink((info) => send({ type: 'compute', info }));
useSelfStopping(runSelfStopping);
useNotebook(notebookPath);
process.on('uncaughtException', (err) => executor.uncaught(err));
process.on('unhandledRejection', (reason) => executor.uncaught(reason));
// Ctrl+C in a terminal reaches the kernel too; the client decides what it means.
process.on('SIGINT', () => undefined);
exitReportingWhere();

function defineGlobals(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
}

/**
 * `process.exit()` in a cell really ends the kernel, as the user asked; first it says where it was
 * called and lets the protocol thread write out the output queued so far.
 */
function exitReportingWhere(): void {
  process.exit = ((code?: number | string | null) => {
    const where = reporter.mapStack(new Error().stack ?? '').frames[0];
    executor.emit({ kind: 'stream', name: 'stderr', text: `process.exit(${code ?? ''}) was called${where ? ` ${where}` : ''}\n` });
    send({ type: 'flush' });
    Atomics.wait(flags, FLAG.flushed, 0, 2000);
    return exit(code);
  }) as typeof process.exit;
}
