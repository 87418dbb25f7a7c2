// Small models the serving tests export and serve.
import { nn, onnx } from '../../sdk';

/** A 10-token embedding classifier as ONNX (input `input`, shape [n, 3]): token ids of 10 or more fail inside Gather. */
export async function exportTokenClassifier(path: string): Promise<void> {
  nn.seed(6);
  await onnx.export(
    nn.sequential([
      nn.layers.embedding({ inputDim: 10, outputDim: 2, inputLength: 3 }),
      nn.layers.globalAveragePooling1d(),
      nn.layers.dense({ units: 2, activation: 'softmax' }),
    ]),
    path,
  );
}
