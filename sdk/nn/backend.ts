// Which TensorFlow.js backend trains, chosen once, best first: CUDA through tfjs-node-gpu,
// libtensorflow through tfjs-node, WebAssembly, plain JavaScript. The native packages are optional
// (they download libtensorflow when installed, which can fail), so each candidate may be missing;
// the report says which one runs and why each better one did not. AIELAB_NN_BACKEND (set from the
// `aielab.nn.backend` setting) forces one.
import { RICH_VIEW, type Rich } from '../display/rich';
import { table } from '../display/table';
import { reportCompute } from '../runtime';
import { tf, type TF } from './tf';
import { registerWasmKernels } from './tfKernels';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface Candidate {
  name: BackendName;
  /** Loads and activates the backend; false or a throw means it is not available. */
  load(tf: TF): Promise<boolean>;
  device(tf: TF): Promise<string>;
}

export class BackendReport {
  constructor(
    readonly name: BackendName,
    readonly device: string,
    /** Each better backend that was not taken, and why. */
    readonly skipped: ReadonlyArray<{ name: BackendName; reason: string }>,
  ) {}

  get summary(): string {
    return `${this.name} · ${this.device}`;
  }

  [RICH_VIEW](): Rich {
    return table(
      [
        { backend: this.name, status: 'in use', detail: this.device },
        ...this.skipped.map((s) => ({ backend: s.name, status: 'not used', detail: s.reason })),
      ],
      { title: `nn trains on ${this.summary}` },
    );
  }
}

export const ENV_VARIABLE = 'AIELAB_NN_BACKEND';

export const CANDIDATES: readonly Candidate[] = [
  {
    name: 'tensorflow-gpu',
    load: async (t) => native(t, '@tensorflow/tfjs-node-gpu'),
    device: async () => 'NVIDIA GPU through CUDA (tfjs-node-gpu)',
  },
  {
    name: 'tensorflow',
    load: async (t) => native(t, '@tensorflow/tfjs-node'),
    device: async () => 'CPU through libtensorflow (tfjs-node)',
  },
  {
    name: 'wasm',
    load: async (t) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-backend-wasm');
      registerWasmKernels(t);
      return t.setBackend('wasm');
    },
    device: async (t) => `CPU through WebAssembly${(await t.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? ' with SIMD' : ''}`,
  },
  { name: 'cpu', load: async (t) => t.setBackend('cpu'), device: async () => 'CPU in plain JavaScript' },
];

let chosen: Promise<BackendReport> | undefined;

/** The backend `nn` trains on, chosen on first call. */
export function backend(): Promise<BackendReport> {
  return (chosen ??= selectBackend(tf(), CANDIDATES, process.env[ENV_VARIABLE]).then((report) => {
    reportCompute({ backend: report.name, device: report.device, skipped: [...report.skipped] });
    return report;
  }));
}

export async function selectBackend(t: TF, candidates: readonly Candidate[], forced?: string): Promise<BackendReport> {
  const wanted = forced && forced !== 'auto' ? forced : undefined;
  if (wanted && !candidates.some((c) => c.name === wanted)) {
    throw new Error(
      `${ENV_VARIABLE}=${wanted} is not a backend. Use one of ${candidates.map((c) => c.name).join(', ')}, or auto (the aielab.nn.backend setting).`,
    );
  }
  const skipped: Array<{ name: BackendName; reason: string }> = [];
  for (const candidate of candidates) {
    if (wanted && candidate.name !== wanted) {
      if (candidates.indexOf(candidate) < candidates.findIndex((c) => c.name === wanted))
        skipped.push({ name: candidate.name, reason: `not tried: ${ENV_VARIABLE}=${wanted}` });
      continue;
    }
    try {
      if (await candidate.load(t)) {
        await t.ready();
        return new BackendReport(candidate.name, await candidate.device(t), skipped);
      }
      skipped.push({ name: candidate.name, reason: 'it did not start' });
    } catch (error) {
      skipped.push({ name: candidate.name, reason: why(error) });
    }
  }
  throw new Error(`No TensorFlow.js backend starts here: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}.`);
}

async function native(t: TF, pkg: string): Promise<boolean> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(pkg);
  return t.setBackend('tensorflow');
}

function why(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  const missing = /Cannot find module '([^']+)'/.exec(err?.message ?? '')?.[1];
  if (err?.code === 'MODULE_NOT_FOUND' && missing?.startsWith('@tensorflow/')) {
    return `${missing} is not installed (it downloads libtensorflow when installed, which needs internet access and, for the GPU, CUDA)`;
  }
  return String(err?.message ?? error).split('\n')[0] ?? 'failed';
}
