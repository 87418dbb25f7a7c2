// Drives a real sidecar kernel (the built dist/kernel.js) the way the extension and CLI do.
import { join } from 'node:path';
import { KernelProcess, type KernelStartOptions } from '../../kernels/client/kernelProcess';
import type { ExecutionStatus, Output, OutputEvent } from '../../contracts/protocol';
import { KERNEL_SCRIPT, NOTEBOOKS } from './paths';

export interface CellRun {
  status: ExecutionStatus;
  /** Outputs as the kernel sent them, display updates included. */
  outputs: OutputEvent[];
  /** Every stream's text, in order. */
  text: string;
  /** The result's text/plain, if the cell had a result. */
  result?: string;
  error?: Extract<Output, { kind: 'error' }>;
}

export function startKernel(options: Partial<KernelStartOptions> = {}): Promise<KernelProcess> {
  return KernelProcess.start({
    notebookPath: join(NOTEBOOKS, 'scratch.aielab'),
    clientName: 'integration test',
    kernelScript: KERNEL_SCRIPT,
    ...options,
  });
}

let counter = 0;

export async function run(kernel: KernelProcess, code: string, onOutput?: (o: OutputEvent) => void): Promise<CellRun> {
  const outputs: OutputEvent[] = [];
  const label = `Cell ${++counter}`;
  const { status } = await kernel.execute({ cellId: label, label, code }, (o) => {
    outputs.push(o);
    onOutput?.(o);
  });
  const result = outputs.find((o) => o.kind === 'result');
  const error = outputs.find((o): o is Extract<Output, { kind: 'error' }> => o.kind === 'error');
  return {
    status,
    outputs,
    text: outputs.map((o) => (o.kind === 'stream' ? o.text : '')).join(''),
    ...(result?.kind === 'result' ? { result: result.data['text/plain'] } : {}),
    ...(error ? { error } : {}),
  };
}

/** The label `run` gives the next cell, for asserting on frames like "Cell 7:2:3". */
export function nextLabel(): string {
  return `Cell ${counter + 1}`;
}
