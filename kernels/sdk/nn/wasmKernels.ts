// Kernels the WebAssembly backend lacks. UnsortedSegmentSum is the gradient of a gather, so without
// it an Embedding layer cannot train on wasm; it runs here in JavaScript on the backend's memory.
import type { TF } from './tf';

interface WasmBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string): { dataId: object; shape: number[]; dtype: string };
  typedArrayFromHeap(info: { dataId: object; shape: number[]; dtype: string }): Float32Array | Int32Array;
}

interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

let registered = false;

export function registerWasmKernels(t: TF): void {
  if (registered) return;
  registered = true;
  t.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as unknown as { x: TensorInfo; segmentIds: TensorInfo };
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      const wasm = backend as unknown as WasmBackend;
      const values = wasm.readSync(x.dataId);
      const ids = wasm.readSync(segmentIds.dataId);
      const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
      const out = wasm.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
      const result = wasm.typedArrayFromHeap(out);
      result.fill(0);
      for (let i = 0; i < ids.length; i++) {
        const segment = ids[i] as number;
        if (segment < 0 || segment >= numSegments) continue;
        for (let j = 0; j < inner; j++) result[segment * inner + j] = (result[segment * inner + j] as number) + (values[i * inner + j] as number);
      }
      return out as never;
    },
  });
}
