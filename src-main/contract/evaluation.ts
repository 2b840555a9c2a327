import { z } from 'zod'
import { DeviceSchema, Id, VariantSchema } from './schemas'

/** A column named by header or 0-based index. */
const Column = z.union([z.string().min(1).max(1000), z.number().int().nonnegative()])
/** A path (CLI), an upload, or a file-dialog grant; checked by the engine's file rules like any import. */
const File = z.string().min(1).max(4096)

/** What to evaluate on: the user's own files, in the shape each MTEB task type needs. */
export const EvalTaskSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('retrieval'),
    queries: File,
    corpus: File,
    qrels: File,
    queryId: Column.optional(),
    queryText: Column.optional(),
    docId: Column.optional(),
    docText: z.array(Column).min(1).max(10).optional(),
  }),
  z.object({ kind: z.literal('sts'), file: File, a: Column.optional(), b: Column.optional(), score: Column.optional() }),
  z.object({ kind: z.literal('pairs'), file: File, a: Column.optional(), b: Column.optional(), label: Column.optional() }),
  z.object({ kind: z.literal('clustering'), file: File, text: Column.optional(), label: Column.optional() }),
  z.object({ kind: z.literal('classification'), file: File, test: File.optional(), text: Column.optional(), label: Column.optional() }),
  z.object({ kind: z.literal('bitext'), file: File, source: Column, target: Column }),
])
export type EvalTaskSpec = z.infer<typeof EvalTaskSpecSchema>
export type EvalTaskKind = EvalTaskSpec['kind']

export const EvalStartSchema = z.object({
  task: EvalTaskSpecSchema,
  /** Catalog or local model ids (from the CLI also folders); none: the catalog default. */
  models: z.array(z.string().min(1).max(4096)).max(20).default([]),
  /** BM25 (retrieval) or TF-IDF vectors beside the models, as MTEB reports. */
  baseline: z.boolean().default(true),
  /** Also evaluate a Matryoshka model at each dimension it was trained for. */
  matryoshka: z.boolean().default(true),
  device: DeviceSchema.default('auto'),
  variant: VariantSchema.optional(),
  /** Compute again even when this model already has a stored result on the same data. */
  recompute: z.boolean().default(false),
})

/** One model (or baseline) on one task and data: what `embedmap eval` prints and the Evaluate view plots. */
export const EvaluationRunSchema = z.object({
  id: Id,
  task: z.enum(['retrieval', 'sts', 'pairs', 'clustering', 'classification', 'bitext']),
  /** sha256 over the task's settings and its files' bytes: the same data gives the same fingerprint. */
  dataFingerprint: z.string(),
  /** "809 queries × 2825 documents", for people. */
  dataLabel: z.string(),
  modelId: z.string(),
  modelVersion: z.string(),
  /** Vector dimensions (Matryoshka truncation), null for BM25. */
  dims: z.number().int().positive().nullable(),
  lexical: z.boolean(),
  mainMetric: z.string(),
  mainScore: z.number(),
  /** mteb's metric names: ndcg_at_10, cosine_spearman, max_ap, v_measure, accuracy, f1 … */
  metrics: z.record(z.string(), z.number()),
  costs: z.object({
    seconds: z.number(),
    /** Texts embedded per second during the run (null for BM25). */
    sentencesPerSecond: z.number().nullable(),
    texts: z.number().int(),
    sizeBytes: z.number().nullable(),
    peakRssBytes: z.number().nullable(),
  }),
  warnings: z.array(z.string()),
  createdAt: z.string(),
})
export type EvaluationRun = z.infer<typeof EvaluationRunSchema>
