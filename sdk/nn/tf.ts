// TensorFlow.js behind `nn`, loaded on first use (it takes ~100 ms to load, which a notebook that
// never trains should not pay at kernel start). The native backends, when installed, attach to this
// same copy, so there is one engine and one set of tensors.
import type * as Tf from '@tensorflow/tfjs';
import { registerCpuKernels } from './tfKernels';

export type TF = typeof Tf;
export type { Tensor, LayersModel, Sequential, History, Logs } from '@tensorflow/tfjs';

let loaded: TF | undefined;

export function tf(): TF {
  if (loaded) return loaded;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded = require('@tensorflow/tfjs') as TF;
  // Tensors made before nn.backend() has chosen live on the CPU backend, whose first write prints
  // an "install tfjs-node" banner; nn.backend() reports on backends better.
  (loaded.engine().backend as unknown as { firstUse?: boolean }).firstUse = false;
  registerCpuKernels(loaded);
  return loaded;
}
