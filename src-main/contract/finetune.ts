import { z } from 'zod'
import { Id } from './schemas'

/** A path (CLI), an upload, or a file-dialog grant; checked by the engine's file rules like any import. */
const File = z.string().min(1).max(4096)
const ColumnName = z.string().min(1).max(1000)

/** Where the training pairs come from. */
export const FinetuneSourceSchema = z.discriminatedUnion('kind', [
  /** (anchor, positive[, negative]) columns of a dataset, e.g. question / answer. */
  z.object({ kind: z.literal('columns'), datasetId: Id, anchor: ColumnName, positive: ColumnName, negative: ColumnName.optional() }),
  /** Rows with the same label belong together. */
  z.object({ kind: z.literal('label'), datasetId: Id, label: ColumnName }),
  /** The clusters of an analysis run (default: the newest) belong together. */
  z.object({ kind: z.literal('clusters'), datasetId: Id, analysisRunId: Id.optional() }),
  /** Selections the user made on the map: each list of rows belongs together. */
  z.object({
    kind: z.literal('selections'),
    datasetId: Id,
    groups: z
      .array(z.object({ name: z.string().max(200), rows: z.array(z.number().int().nonnegative()).min(1).max(1_000_000) }))
      .min(1)
      .max(1000),
  }),
  /** BEIR-style queries + corpus + qrels CSVs (the same inputs `embedmap eval retrieval` takes). */
  z.object({ kind: z.literal('beir'), queries: File, corpus: File, qrels: File }),
])
export type FinetuneSource = z.infer<typeof FinetuneSourceSchema>

/** Every knob of a run, with the defaults the Fine-tune view shows. */
export const FinetuneHyperSchema = z.object({
  /** Default per method (METHOD_DEFAULTS): 10 for the adapter, 1 for the full fine-tune. */
  epochs: z.number().int().min(1).max(1000).optional(),
  batchSize: z.number().int().min(2).max(65536).default(32),
  /** Default per method (METHOD_DEFAULTS): 1e-3 for the adapter (Adam on W), 2e-5 for the full fine-tune (AdamW on the transformer). */
  learningRate: z.number().positive().max(1).optional(),
  /** Softmax scale of MultipleNegativesRankingLoss (1 / temperature). */
  scale: z.number().positive().max(1000).default(20),
  /** Adapter only: λ pulling the map toward identity (without it, corpus-wide negatives overfit small sets). */
  identityPenalty: z.number().min(0).max(100).default(0.01),
  /** Mined hard negatives per anchor (0: in-batch negatives only). */
  hardNegatives: z.number().int().min(0).max(50).default(3),
  /** Mining knobs, as sentence-transformers' mine_hard_negatives. */
  rangeMin: z.number().int().min(0).max(10_000).default(0),
  rangeMax: z.number().int().min(1).max(10_000).optional(),
  maxScore: z.number().min(-1).max(1).optional(),
  absoluteMargin: z.number().min(0).max(2).optional(),
  relativeMargin: z.number().min(0).max(1).default(0.05),
  sampling: z.enum(['top', 'random']).default('top'),
  /** Matryoshka dimensions trained together (each ≤ the model's dims). */
  matryoshka: z.array(z.number().int().positive()).max(16).optional(),
  /** Share of the data kept aside for the before/after evaluation. */
  evalSplit: z.number().min(0).max(0.9).default(0.1),
  seed: z.number().int().default(42),
  /** Tokens per text (default: the model's own). */
  maxLength: z.number().int().min(8).max(32768).optional(),
  loss: z.enum(['mnrl', 'cached-mnrl']).default('mnrl'),
  /** Epochs without held-out improvement before stopping early. */
  patience: z.number().int().min(1).max(1000).default(3),
  /** Full fine-tune only: share of steps with a rising learning rate. */
  warmupRatio: z.number().min(0).max(1).default(0.1),
})
export type FinetuneHyper = z.output<typeof FinetuneHyperSchema>

export const FinetuneMethodSchema = z.enum(['adapter', 'full'])

/** The two knobs whose sensible values differ by orders of magnitude between the methods. */
export const METHOD_DEFAULTS = {
  adapter: { epochs: 10, learningRate: 1e-3 },
  full: { epochs: 1, learningRate: 2e-5 },
} as const

export function resolvedHyper(method: z.infer<typeof FinetuneMethodSchema>, h: FinetuneHyper): FinetuneHyper & { epochs: number; learningRate: number } {
  return { ...h, epochs: h.epochs ?? METHOD_DEFAULTS[method].epochs, learningRate: h.learningRate ?? METHOD_DEFAULTS[method].learningRate }
}
/** Where training runs: the adapter embeds with onnxruntime (mps → CoreML), the full method trains with torch. */
export const FinetuneDeviceSchema = z.enum(['auto', 'cpu', 'cuda', 'mps'])

export const FinetuneStartSchema = z.object({
  source: FinetuneSourceSchema,
  /** Base model: catalog or local id (from the CLI also a folder). Default: the catalog default. */
  model: z.string().min(1).max(4096).optional(),
  method: FinetuneMethodSchema.default('adapter'),
  hyper: FinetuneHyperSchema.default(FinetuneHyperSchema.parse({})),
  device: FinetuneDeviceSchema.default('auto'),
  /** Name of the new model (default: base-ft-<run id>). */
  name: z.string().min(1).max(200).optional(),
  /**
   * Full method: an existing Python (executable or venv folder) with torch + sentence-transformers, used as is. From
   * the CLI only (a path); otherwise EMBEDMAP_FINETUNE_PYTHON, else the environment EmbedMap manages.
   */
  python: z.string().min(1).max(4096).optional(),
})

export const RetrievalMetricsSchema = z.object({
  ndcg10: z.number(),
  recall10: z.number(),
  mrr10: z.number(),
  queries: z.number().int().nonnegative(),
})
export type RetrievalMetricsView = z.infer<typeof RetrievalMetricsSchema>

const StatsSchema = z.object({
  count: z.number(),
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  q25: z.number(),
  median: z.number(),
  q75: z.number(),
  max: z.number(),
})

export const PairReportSchema = z.object({
  input: z.number().int(),
  duplicates: z.number().int(),
  empty: z.number().int(),
  skippedQrels: z.number().int().optional(),
  unknownIds: z.number().int().optional(),
  train: z.number().int(),
  eval: z.number().int(),
})

export const MiningStatsSchema = z.object({
  positive: StatsSchema,
  negative: StatsSchema,
  difference: StatsSchema,
  skipped: z.object({ absoluteMargin: z.number(), relativeMargin: z.number(), maxScore: z.number(), minScore: z.number() }),
  anchorsShort: z.number().int(),
  rangeMax: z.number().int(),
})

/** What training would use, shown before anything trains. */
export const FinetunePreviewSchema = z.object({
  description: z.string(),
  report: PairReportSchema,
  /** Documents/texts positives and negatives are drawn from. */
  corpusSize: z.number().int(),
  /** Held-out queries (anchors with their relevant texts) the before/after metric uses. */
  heldoutQueries: z.number().int(),
  examples: z.array(z.object({ anchor: z.string(), positive: z.string(), negative: z.string().optional() })),
  /** Mined from stored vectors of the base model; null when the data has none yet (mined when training starts). */
  negatives: z
    .object({
      stats: MiningStatsSchema,
      examples: z.array(z.object({ anchor: z.string(), positive: z.string(), negative: z.string(), positiveScore: z.number(), negativeScore: z.number() })),
    })
    .nullable(),
  negativesNote: z.string().nullable(),
  warnings: z.array(z.string()),
})
export type FinetunePreview = z.infer<typeof FinetunePreviewSchema>

export const FinetuneRunSchema = z.object({
  id: Id,
  jobId: Id.nullable(),
  name: z.string().nullable(),
  method: FinetuneMethodSchema,
  baseModelId: z.string(),
  baseVersion: z.string(),
  datasetId: Id.nullable(),
  /** The source as asked, plus a sentence for people. */
  dataSource: z.object({ description: z.string(), source: z.record(z.string(), z.unknown()) }),
  /** sha256 over the training and held-out texts: the same data gives the same fingerprint. */
  dataFingerprint: z.string(),
  split: z.object({
    report: PairReportSchema.optional(),
    corpus: z.number().int().optional(),
    heldoutQueries: z.number().int().optional(),
    seed: z.number().int().optional(),
    /** Texts the base model embedded for this run, and those read from stored vectors (or a resumed run's stage files). */
    vectors: z.object({ embedded: z.number().int(), reused: z.number().int() }).optional(),
  }),
  hyperparams: z.record(z.string(), z.unknown()),
  device: z.string(),
  /** Training loss per optimiser step (the batch's loss; `epoch` is fractional: how far through the data). */
  steps: z.array(z.object({ step: z.number().int(), epoch: z.number(), loss: z.number().nullable() })),
  /** Held-out evaluation points (epoch 0 is the base model); `step`: how many steps had run (absent in older records). */
  evaluations: z.array(z.object({ epoch: z.number(), step: z.number().int().optional(), ndcg10: z.number(), recall10: z.number(), mrr10: z.number() })),
  before: RetrievalMetricsSchema.nullable(),
  after: RetrievalMetricsSchema.nullable(),
  /** 'interrupted': the process running it was killed; resume it (embedmap finetune resume ID). */
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']),
  outputModelId: z.string().nullable(),
  outputDir: z.string().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
})
export type FinetuneRun = z.infer<typeof FinetuneRunSchema>

/** The base map beside the fine-tuned model's map, aligned so the same region means the same thing. */
export const FinetuneCompareSchema = z.object({
  datasetId: Id,
  baseRunId: Id,
  newRunId: Id,
  /** n × 2 coordinates of each map; `newAligned` is the new map rotated/scaled/shifted onto the base (Procrustes). */
  base: z.array(z.number()),
  newAligned: z.array(z.number()),
  /** Rows whose neighbourhood changed most: share of their k nearest neighbours that differ between the models. */
  moved: z.array(z.object({ row: z.number().int(), text: z.string(), neighbourChange: z.number(), displacement: z.number() })),
  /** Mean share of changed neighbours over all rows. */
  meanNeighbourChange: z.number(),
})
export type FinetuneCompare = z.infer<typeof FinetuneCompareSchema>
