// display(): shows a value as a new output of the running cell, and returns a handle whose
// update() replaces that output in place (how live charts grow while a cell runs).
import { randomUUID } from 'node:crypto';
import type { MimeBundle } from '../../contracts/protocol';
import { toMimeBundle } from './bundle';

/** Where displays go: the kernel connects its output channel; elsewhere they are printed. */
export interface DisplaySink {
  show(data: MimeBundle, displayId: string): void;
  update(displayId: string, data: MimeBundle): void;
}

let sink: DisplaySink | undefined;

export function useDisplaySink(next: DisplaySink | undefined): void {
  sink = next;
}

export interface DisplayHandle {
  readonly id: string;
  /** Replaces what this display shows. */
  update(value: unknown): void;
}

export function display(value: unknown): DisplayHandle {
  const id = randomUUID();
  show(id, toMimeBundle(value), false);
  return { id, update: (next: unknown) => show(id, toMimeBundle(next), true) };
}

function show(id: string, data: MimeBundle, update: boolean): void {
  if (!sink) console.log(data['text/plain']);
  else if (update) sink.update(id, data);
  else sink.show(data, id);
}
