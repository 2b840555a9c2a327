/**
 * `embedmap-model.json` of a fine-tuned model: where it came from (base model, run, data), how it was
 * trained, what it outputs, and how it was checked. Written beside the ONNX files by the full fine-tune
 * (finetune/full/) and the adapter; the fine-tune job fills `metrics` after the before/after evaluation.
 *
 * Field names avoid the marker keys model-folder.ts matches against the catalog (`hfRepo`, `upstream`,
 * `sourceRepo`): a fine-tuned model must never be taken for its base. Its settings come from its own
 * sentence-transformers files; `matryoshkaDims` and `prefixes` are repeated here for readers of the folder.
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

export const LINEAGE_FILE = 'embedmap-model.json'
export const LINEAGE_KIND = 'embedmap-finetuned-model'

const retrievalMetrics = z.object({ ndcg10: z.number(), recall10: z.number(), mrr10: z.number() }).catchall(z.number())

const parityFigure = z.object({
  /** Mean / min cosine between the trained PyTorch model and the ONNX file on held-out texts. */
  mean: z.number(),
  min: z.number(),
  n: z.number().int(),
})

export const lineageSchema = z.object({
  kind: z.literal(LINEAGE_KIND),
  schemaVersion: z.literal(1),
  /** The new model's id (its folder name when registered). */
  id: z.string().min(1),
  displayName: z.string().min(1),
  method: z.enum(['full', 'adapter']),
  runId: z.string().min(1),
  createdAt: z.string(),
  baseModel: z.object({
    /** Catalog id or folder name of the base. */
    id: z.string(),
    /** sha256 of the base's ONNX weights (modelVersion) or of its safetensors: which exact weights were trained. */
    version: z.string().optional(),
    /** The Hub repository of the PyTorch weights, when known (catalog sourceRepo). */
    repository: z.string().optional(),
    dir: z.string().optional(),
  }),
  data: z.object({
    /** Stable hash of the training + held-out pairs (the job's data fingerprint). */
    fingerprint: z.string(),
    trainPairs: z.number().int(),
    evalPairs: z.number().int(),
    /** Human description of the source (dataset id + columns, BEIR files, selection). */
    source: z.string().optional(),
  }),
  hyperParams: z.object({
    loss: z.enum(['mnrl', 'cached-mnrl', 'adapter-softmax']),
    scale: z.number(),
    batchSize: z.number().int(),
    miniBatchSize: z.number().int().optional(),
    epochs: z.number(),
    learningRate: z.number(),
    warmupRatio: z.number(),
    maxSeqLength: z.number().int(),
    matryoshkaDims: z.array(z.number().int()).optional(),
    matryoshkaWeights: z.array(z.number()).optional(),
    hardNegatives: z.number().int(),
    seed: z.number().int(),
  }),
  training: z.object({
    device: z.string(),
    steps: z.number().int(),
    stepsPerSecond: z.number().nullable(),
    durationMs: z.number(),
    finalLoss: z.number().nullable(),
    versions: z.record(z.string(), z.string()).optional(),
  }),
  /** What the model outputs (also in its sentence-transformers files). */
  dims: z.number().int(),
  pooling: z.string(),
  normalize: z.boolean(),
  maxLength: z.number().int(),
  prefixes: z.object({ query: z.string(), passage: z.string() }),
  matryoshkaDims: z.array(z.number().int()).optional(),
  onnx: z.object({
    fp32: z.string(),
    int8: z.string().optional(),
    opset: z.number().int(),
    inputs: z.array(z.string()),
    output: z.string(),
  }),
  /** Export check against the trained model (full: PyTorch vs ONNX; an adapter may check its graph against applyAdapter). */
  parity: z.object({ fp32: parityFigure, int8: parityFigure.optional(), threshold: z.number() }).optional(),
  /** Held-out retrieval metrics, filled by the fine-tune job after training (null until then). */
  metrics: z
    .object({
      before: retrievalMetrics,
      after: retrievalMetrics,
      split: z.string().optional(),
    })
    .nullable(),
})

export type Lineage = z.infer<typeof lineageSchema>
export type LineageMetrics = NonNullable<Lineage['metrics']>

/** Reads and validates a model folder's lineage; undefined when the folder has none or it is not a fine-tune's. */
export function readLineage(dir: string): Lineage | undefined {
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(path.join(dir, LINEAGE_FILE), 'utf8'))
  } catch {
    return undefined
  }
  if ((raw as { kind?: unknown })?.kind !== LINEAGE_KIND) return undefined
  return lineageSchema.parse(raw)
}

/** Validates and writes atomically (temp file + rename). */
export function writeLineage(dir: string, lineage: Lineage): void {
  const valid = lineageSchema.parse(lineage)
  const file = path.join(dir, LINEAGE_FILE)
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(valid, null, 2) + '\n')
  fs.renameSync(tmp, file)
}

/** Fills in the job's before/after metrics. */
export function setLineageMetrics(dir: string, metrics: LineageMetrics): Lineage {
  const current = readLineage(dir)
  if (!current) throw new Error(`${dir} has no fine-tune lineage (${LINEAGE_FILE})`)
  const next = { ...current, metrics }
  writeLineage(dir, next)
  return next
}
