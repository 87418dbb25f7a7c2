// `aielab doctor`: what this machine gives the kernel. The runtime, the compiler, the DataFrame
// library, onnxruntime, and which TensorFlow.js backend `nn` picks (the kernel runs the same choice) with the
// reason each better one was not taken.
import { polars } from '../sdk/data/polars';
import { backend } from '../sdk/nn/backend';
import { cudaProviderInstalled, onnxRuntime } from '../sdk/onnx/session';

export async function doctorCommand(): Promise<number> {
  let failed = false;
  const line = (ok: boolean, what: string, detail: string) => {
    if (!ok) failed = true;
    console.log(`${ok ? '✓' : '✗'} ${what.padEnd(10)} ${detail}`);
  };
  line(
    Number(process.versions.node.split('.')[0]) >= 20,
    'runtime',
    `Node.js ${process.versions.node} on ${process.platform}-${process.arch}`,
  );
  await check(line, 'compiler', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return `esbuild ${(require('esbuild') as { version: string }).version} (compiles cells)`;
  });
  await check(line, 'data', () => {
    polars();
    return 'nodejs-polars loads (DataFrames)';
  });
  await check(line, 'nn', async () => {
    const report = await backend();
    for (const skipped of report.skipped) console.log(`  - not ${skipped.name}: ${skipped.reason}`);
    return `trains on ${report.summary}${process.env.AIELAB_NN_BACKEND ? ` (AIELAB_NN_BACKEND=${process.env.AIELAB_NN_BACKEND})` : ''}`;
  });
  await check(line, 'onnx', () => {
    onnxRuntime();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return `onnxruntime-node ${(require('onnxruntime-node/package.json') as { version: string }).version} loads (runs .onnx on ${cudaProviderInstalled() ? 'the GPU through its CUDA provider, or the CPU' : 'the CPU; its CUDA provider is not installed'})`;
  });
  return failed ? 1 : 0;
}

async function check(
  line: (ok: boolean, what: string, detail: string) => void,
  what: string,
  probe: () => string | Promise<string>,
): Promise<void> {
  try {
    line(true, what, await probe());
  } catch (error) {
    line(false, what, (error as Error).message.split('\n')[0] ?? String(error));
  }
}
