import { z } from 'zod'
import { DeviceSchema, Id, VariantSchema } from './schemas'

/** A column named by header or 0-based index. */
const Column = z.union([z.string().min(1).max(1000), z.number().int().nonnegative()])
/** A path (CLI), an upload, or a file-dialog grant; checked by the engine's file rules like any import. */
const File = z.string().min(1).max(4096)

/** An imported dataset as the task's table instead of a file (the app's usual source: its rows are already here). */
const Dataset = Id.optional()

/**
 * What to evaluate on: the user's own files, or an imported dataset's columns, in the shape each MTEB task type needs.
 * Retrieval from a dataset reads a query column (`queryText`) and its relevant document's column (`docText`).
 */
const EvalTaskVariants = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('retrieval'),
    queries: File.optional(),
    corpus: File.optional(),
    qrels: File.optional(),
    dataset: Dataset,
    queryId: Column.optional(),
    queryText: Column.optional(),
    docId: Column.optional(),
    docText: z.array(Column).min(1).max(10).optional(),
  }),
  z.object({ kind: z.literal('sts'), file: File.optional(), dataset: Dataset, a: Column.optional(), b: Column.optional(), score: Column.optional() }),
  z.object({ kind: z.literal('pairs'), file: File.optional(), dataset: Dataset, a: Column.optional(), b: Column.optional(), label: Column.optional() }),
  z.object({ kind: z.literal('clustering'), file: File.optional(), dataset: Dataset, text: Column.optional(), label: Column.optional() }),
  z.object({
    kind: z.literal('classification'),
    file: File.optional(),
    dataset: Dataset,
    test: File.optional(),
    text: Column.optional(),
    label: Column.optional(),
  }),
  z.object({ kind: z.literal('bitext'), file: File.optional(), dataset: Dataset, source: Column, target: Column }),
])

/** Exactly one source: the task's file(s), or a dataset. */
export const EvalTaskSpecSchema = EvalTaskVariants.superRefine((t, ctx) => {
  const files = t.kind === 'retrieval' ? [t.queries, t.corpus, t.qrels] : [t.file]
  const given = files.filter((f) => f !== undefined).length
  if (t.dataset !== undefined && given > 0) ctx.addIssue({ code: 'custom', message: 'Give either a dataset or files, not both.' })
  else if (t.dataset === undefined && given < files.length)
    ctx.addIssue({
      code: 'custom',
      message: t.kind === 'retrieval' ? 'Retrieval needs a dataset, or queries, corpus and qrels files.' : `The ${t.kind} task needs a file or a dataset.`,
    })
})
export type EvalTaskSpec = z.infer<typeof EvalTaskVariants>
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

/** Two retrieval results compared query by query: nDCG@10 of each, with the query's text. */
export const EvalCompareSchema = z.object({
  a: EvaluationRunSchema,
  b: EvaluationRunSchema,
  queries: z.array(z.object({ queryId: z.string(), text: z.string(), a: z.number(), b: z.number() })),
})
export type EvalCompare = z.infer<typeof EvalCompareSchema>

/** One query opened: its text, its relevant documents, and each model's top hits (texts, relevant or not). */
export const EvalQueryDetailSchema = z.object({
  queryId: z.string(),
  text: z.string(),
  relevant: z.array(z.object({ docId: z.string(), text: z.string(), grade: z.number() })),
  hits: z.array(
    z.object({
      runId: Id,
      modelId: z.string(),
      ndcg10: z.number().nullable(),
      docs: z.array(z.object({ docId: z.string(), text: z.string(), grade: z.number() })),
    }),
  ),
})
export type EvalQueryDetail = z.infer<typeof EvalQueryDetailSchema>
