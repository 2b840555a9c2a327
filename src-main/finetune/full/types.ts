/** The full fine-tune's public types. */
import type { TrainingPair } from '../pairs'
import type { PythonEnv } from '../../pyenv'
import type { ExportEvent, TrainEvent } from './events'

/** A training pair, optionally with several (mined) hard negatives. */
export interface FullTrainPair extends TrainingPair {
  negatives?: string[]
}

export interface FullHyperParams {
  loss: 'mnrl' | 'cached-mnrl'
  /** MNRL scale = 1 / temperature (default 20). */
  scale: number
  /** cached-mnrl: pairs per forward pass (memory), the loss still sees the whole batch. */
  miniBatchSize: number
  batchSize: number
  epochs: number
  learningRate: number
  warmupRatio: number
  maxSeqLength: number
  matryoshkaDims?: number[]
  matryoshkaWeights?: number[]
  seed: number
  device: 'auto' | 'cpu' | 'cuda' | 'mps'
  /** Steps between checkpoints (and held-out loss evaluations). */
  saveSteps: number
}

export const FULL_DEFAULTS: FullHyperParams = {
  loss: 'mnrl',
  scale: 20,
  miniBatchSize: 32,
  batchSize: 32,
  epochs: 1,
  learningRate: 2e-5,
  warmupRatio: 0.1,
  maxSeqLength: 128,
  seed: 42,
  device: 'auto',
  saveSteps: 50,
}

/** A runner phase, besides the worker's own events. */
export type PhaseEvent = { event: 'phase'; phase: 'train' | 'export' | 'parity' } | { event: 'parity'; fp32: ParityFigure; int8?: ParityFigure }

export type FullFinetuneEvent = TrainEvent | ExportEvent | PhaseEvent

export interface ParityFigure {
  mean: number
  min: number
  n: number
}

export interface RunFullFinetuneOptions {
  env: Pick<PythonEnv, 'python'>
  /** sentence-transformers folder with model.safetensors + config.json (+ tokenizer, modules.json, pooling). */
  baseModel: string
  /** Catalog id or name of the base, for the lineage (default: the folder name). */
  baseModelId?: string
  /** Where the base's PyTorch weights come from (catalog sourceRepo): named in the lineage and in errors. */
  baseSourceRepo?: string
  /** sha256 of the base weights, for the lineage. */
  baseVersion?: string
  trainPairs: readonly FullTrainPair[]
  evalPairs?: readonly FullTrainPair[]
  hyperParams?: Partial<FullHyperParams>
  /** Prompts the base model expects (e.g. E5's "query: " / "passage: "): used in training, saved in the model. */
  prompts?: { query: string; passage: string }
  /** The run's folder: checkpoints, the trained model, and the exported model (runDir/model). Same folder = resume. */
  runDir: string
  runId?: string
  /** The new model's id / display name (default `${base}-ft-${runId}`). */
  modelId?: string
  displayName?: string
  /** Describes the data source in the lineage. */
  dataSource?: string
  /** Texts for the parity check (default: the held-out pairs' texts, else training texts; at most 64). */
  parityTexts?: string[]
  /** Also write model_int8.onnx (default true). */
  int8?: boolean
  signal?: AbortSignal
  onEvent?: (e: FullFinetuneEvent) => void
  /** Called with the worker's pid each time one starts (tests use it to simulate a crash). */
  onWorkerSpawn?: (pid: number) => void
  /** Where SIGTERM escalates to SIGKILL (default 15 s). */
  killGraceMs?: number
}

export interface FullFinetuneResult {
  /** The exported model folder: model.onnx, model_int8.onnx, tokenizer, ST files, safetensors, embedmap-model.json. */
  onnxDir: string
  /** The int8 variant's folder (the same folder: model_int8.onnx sits beside model.onnx); absent when not made. */
  int8Dir?: string
  parity: { fp32: ParityFigure; int8?: ParityFigure }
  steps: number
  /** Steps per second of the last training process, its first step excluded (warm-up). */
  stepsPerSecond: number | null
  device: string
  durationMs: number
  lossCurve: Array<{ step: number; loss: number }>
  evalPoints: Array<{ step: number; metrics: Record<string, number> }>
  /** Step the last training process resumed from (undefined: it started fresh). */
  resumedFromStep?: number
  dataFingerprint: string
  peakGpuMemoryBytes?: number
}
