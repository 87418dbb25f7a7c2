// Kernels TensorFlow.js lacks on a backend, or runs too slowly. Most are gradients: on wasm,
// without UnsortedSegmentSum an Embedding layer cannot train and without Conv2DBackpropFilter a
// convolution cannot. Those two are written here, and UnsortedSegmentSum replaces the CPU
// backend's too (it compares every row with every segment of a vocabulary: minutes per epoch);
// the other kernels wasm lacks run on the CPU backend, on copies of their inputs.
import type { TF } from './tf';

interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface Backend {
  readSync(dataId: object): ArrayLike<number>;
  write(values: ArrayLike<number>, shape: number[], dtype: string): object;
  disposeData(dataId: object, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array;
}

/** Complex numbers, strings, ragged tensors and drawing have no wasm path at all in tfjs. */
const NOT_NUMERIC = /^(Complex|ComplexAbs|FFT|IFFT|Imag|Real|StaticRegexReplace|Draw|Ragged)/;

let registered = false;

export function registerWasmKernels(t: TF): void {
  if (registered) return;
  registered = true;
  const onWasm = new Set(t.getKernelsForBackend('wasm').map((k) => k.kernelName));
  // Started here, not inside a kernel: starting a backend while another runs a kernel hangs tfjs.
  const cpu = t.engine().findBackend('cpu') as unknown as Backend;
  t.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum as never });
  t.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ((args: never) => conv2dBackpropFilter(t, args)) as never,
  });
  onWasm.add('UnsortedSegmentSum').add('Conv2DBackpropFilter');
  for (const kernel of t.getKernelsForBackend('cpu')) {
    if (onWasm.has(kernel.kernelName) || NOT_NUMERIC.test(kernel.kernelName)) continue;
    t.registerKernel({
      kernelName: kernel.kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const wasm = backend as unknown as Backend;
        const copies: Record<string, TensorInfo> = {};
        for (const [name, input] of Object.entries(inputs as unknown as Record<string, TensorInfo>)) {
          copies[name] = { ...input, dataId: cpu.write(wasm.readSync(input.dataId), input.shape, input.dtype) };
        }
        try {
          const result = kernel.kernelFunc({ inputs: copies as never, backend: cpu as never, attrs });
          const outputs = (Array.isArray(result) ? result : [result]) as unknown as TensorInfo[];
          const moved = outputs.map((out) => {
            const copy = wasm.makeOutput(out.shape, out.dtype);
            wasm.typedArrayFromHeap(copy).set(cpu.readSync(out.dataId));
            cpu.disposeData(out.dataId, true);
            return copy;
          });
          return (Array.isArray(result) ? moved : moved[0]) as never;
        } finally {
          for (const copy of Object.values(copies)) cpu.disposeData(copy.dataId, true);
        }
      },
    });
  }
}

/** Sums the rows of x into the segments their ids name, in one pass over x. */
function segmentSum(values: ArrayLike<number>, ids: ArrayLike<number>, inner: number, numSegments: number): Float32Array {
  const result = new Float32Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i] as number;
    if (segment < 0 || segment >= numSegments) continue;
    for (let j = 0; j < inner; j++)
      result[segment * inner + j] = (result[segment * inner + j] as number) + (values[i * inner + j] as number);
  }
  return result;
}

interface SegmentArgs<B> {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: B;
  attrs: { numSegments: number };
}

function unsortedSegmentSum({ inputs, backend, attrs }: SegmentArgs<Backend>): TensorInfo {
  const { x, segmentIds } = inputs;
  const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([attrs.numSegments, ...x.shape.slice(1)], x.dtype);
  backend
    .typedArrayFromHeap(out)
    .set(segmentSum(backend.readSync(x.dataId), backend.readSync(segmentIds.dataId), inner, attrs.numSegments));
  return out;
}

let cpuRegistered = false;

/**
 * The CPU backend's UnsortedSegmentSum (an Embedding layer's gradient) compares every row with
 * every segment: with a vocabulary of thousands, minutes per epoch. This one makes one pass.
 */
export function registerCpuKernels(t: TF): void {
  if (cpuRegistered) return;
  cpuRegistered = true;
  t.unregisterKernel('UnsortedSegmentSum', 'cpu');
  t.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'cpu',
    kernelFunc: (({
      inputs,
      backend,
      attrs,
    }: SegmentArgs<Backend & { makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo }>) => {
      const { x, segmentIds } = inputs;
      const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
      return backend.makeTensorInfo(
        [attrs.numSegments, ...x.shape.slice(1)],
        x.dtype,
        segmentSum(backend.readSync(x.dataId), backend.readSync(segmentIds.dataId), inner, attrs.numSegments),
      );
    }) as never,
  });
}

interface FilterGradArgs {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: Backend;
  attrs: {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
}

/** The gradient of a convolution with respect to its filter (NHWC), one pass over the output gradient. */
function conv2dBackpropFilter(t: TF, { inputs, backend, attrs }: FilterGradArgs): TensorInfo {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports channels-last data only.');
  const { x, dy } = inputs;
  const info = t.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const xs = backend.readSync(x.dataId);
  const dys = backend.readSync(dy.dataId);
  const out = backend.makeOutput([...attrs.filterShape], x.dtype);
  const dw = backend.typedArrayFromHeap(out);
  dw.fill(0);
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    strideHeight,
    strideWidth,
    filterHeight,
    filterWidth,
    padInfo,
  } = info;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let fh = 0; fh < filterHeight; fh++) {
          const row = oh * strideHeight + fh - padInfo.top;
          if (row < 0 || row >= inHeight) continue;
          for (let fw = 0; fw < filterWidth; fw++) {
            const col = ow * strideWidth + fw - padInfo.left;
            if (col < 0 || col >= inWidth) continue;
            const xBase = ((b * inHeight + row) * inWidth + col) * inChannels;
            for (let c = 0; c < inChannels; c++) {
              const xv = xs[xBase + c] as number;
              if (xv === 0) continue;
              const wBase = ((fh * filterWidth + fw) * inChannels + c) * outChannels;
              for (let k = 0; k < outChannels; k++) dw[wBase + k] = (dw[wBase + k] as number) + xv * (dys[dyBase + k] as number);
            }
          }
        }
      }
    }
  }
  return out;
}
