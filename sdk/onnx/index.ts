// `onnx`: models as ONNX files, the format serving runtimes (onnxruntime, Triton, KServe) read:
// export an nn model (checked against onnxruntime on the spot), load any .onnx and run it, read
// what a file holds without running it, inspect its weights and classifier head, diff two models.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compare } from './compare';
import { exportModel } from './export';
import { diffFiles, DiffView, inspectFile, InspectionView } from './inspect';
import { readModel } from './read';
import { quantize } from './quantize';
import { OnnxSession, type LoadOptions } from './session';
import { trace } from './trace';

export const onnx = {
  /** Writes the model to `path` as ONNX (opset 13, free batch size) after checking the file runs and matches it. */
  export: exportModel,
  /** An inference session over an .onnx file (onnxruntime; CUDA when installed, else CPU); `await session.run(rows)`. */
  load: (path: string, options?: LoadOptions) => OnnxSession.load(path, options),
  /** What the file holds, without running it: versions, metadata, inputs, outputs, operators, weights. */
  read: (path: string) => readModel(readFileSync(resolve(path)), path),
  /** Each weight tensor's shape, statistics and histogram, and the classifier head (`.head()`), as tables. */
  inspect: (path: string) => new InspectionView(inspectFile(path)),
  /** Two models tensor by tensor: how far each weight moved (fine-tuning, quantisation). */
  diff: (a: string, b: string) => new DiffView(diffFiles(a, b)),
  /** 8-bit quantisation of MatMul (uint8, u8u8 format) and embedding (int8) weights into a new file, checked against the original: dynamic, or static given { calibration } rows. */
  quantize,
  /** Size, latency and (given labels) accuracy of several .onnx files on the same rows. */
  compare,
  /** Runs two models (two files, or an nn model and its export) on the same inputs and finds the first tensor or layer where they differ. */
  trace,
};

export { ExportReport, type ExportOptions } from './export';
export { OnnxSession, type Device, type LoadOptions, type Nested } from './session';
export { QuantizeReport, type QuantizeFormat, type QuantizeOptions, type QuantizeReportFields } from './quantize';
export { Comparison, type ComparedModel } from './compare';
export { TraceReport, type TraceStep } from './trace';
export type { ModelInfo, TensorInfo, WeightInfo } from './read';
export type { ClassifierHead, Inspection, ModelDiff, TensorStats } from './inspect';
