// Everything written through `process.stdout` / `process.stderr` (so `console.*` too) goes to the
// cell that produced it instead of the process's fd 1 and 2.
export type StreamName = 'stdout' | 'stderr';

export function captureStreams(emit: (name: StreamName, text: string) => void): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      emit(name, decode(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    };
    stream.write = write as typeof stream.write;
  }
}

function decode(chunk: unknown, encoding: BufferEncoding): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(encoding);
  return String(chunk);
}
