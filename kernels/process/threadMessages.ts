// Messages between the kernel's two threads. The protocol thread owns the JSON-RPC connection and
// compiles cells; the execution thread (the process's main thread) runs them, so a busy cell never
// stops the kernel from answering, streaming output or taking an interrupt.
import type { ComputeInfo, ExecuteResult, OutputEvent } from '../../contracts/protocol';
import type { CompiledCell } from '../transpile/compileCell';
import type { Verdict } from './gradedCells';

/** Slots of the Int32Array over the shared buffer both threads hold. */
export const FLAG = {
  /** Sequence number of the execution to interrupt; 0 for none. Read by every loop of cell code. */
  interrupt: 0,
  /** 1 while the execution thread is inside the synchronous part of a cell script. */
  inScript: 1,
  /** Set by the protocol thread once output sent before `process.exit` has been written out. */
  flushed: 2,
} as const;
export const FLAG_COUNT = 3;

export interface KernelThreadData {
  flags: SharedArrayBuffer;
  notebookPath: string;
}

export interface ExecuteMessage {
  type: 'execute';
  /** Kernel-internal, strictly increasing; the client's id may be anything unique. */
  seq: number;
  executionId: number;
  cellId: string;
  label: string;
  source: string;
  compiled: CompiledCell;
  /** A grader's check cell in a graded run: `compiled.code` evaluates to a function to call. */
  trusted: boolean;
}

export type ToExecutionThread =
  | ExecuteMessage
  | { type: 'interrupt'; seq: number }
  /** A graded run: lock the built-ins and the SDK before the first cell. Sent before any execute. */
  | { type: 'grade' };

export type FromExecutionThread =
  | { type: 'output'; executionId: number; cellId: string; output: OutputEvent }
  | { type: 'done'; seq: number; result: ExecuteResult }
  /** A trusted cell's verdict, sent before its 'done'. */
  | { type: 'verdict'; executionId: number; cellId: string; verdict: Verdict }
  /** The process is about to exit: write out what is queued, then set FLAG.flushed. */
  | { type: 'compute'; info: ComputeInfo }
  | { type: 'flush' };
