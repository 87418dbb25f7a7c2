// Step 3, training: a small neural network, seeded, so the same params give the same model.
import { nn } from 'aielab';

export interface TrainParams {
  units: number;
  learningRate: number;
  epochs: number;
  seed: number;
}

export type Model = Awaited<ReturnType<typeof nn.load>>;

export async function trainModel(x: number[][], y: number[], classes: number, params: TrainParams): Promise<Model> {
  nn.seed(params.seed);
  const model = nn.sequential([
    nn.layers.dense({ units: params.units, activation: 'relu', inputShape: [x[0]?.length ?? 0] }),
    nn.layers.dense({ units: classes, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: nn.tf.train.adam(params.learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  // Inside a tracked run, nn.fit logs the params and each epoch's loss and accuracy by itself.
  await nn.fit(model, x, y, { epochs: params.epochs, batchSize: 32, seed: params.seed, title: false, verbose: 0 });
  return model;
}
