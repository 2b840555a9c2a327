import { z } from 'zod'
import {
  DatasetSchema,
  AnalysisSummarySchema,
  BinaryFrameSchema,
  SavedViewSchema,
  AnalyzeStartSchema,
  EmbeddingSetSchema,
  NeighborSchema,
  SemanticSearchResultSchema,
  EmbedStartSchema,
  ExportStartSchema,
  Id,
  ModelEntrySchema,
  ModelsListSchema,
  RemoteModelSchema,
  EmbedEstimateSchema,
  VariantSchema,
  ImportOptionsSchema,
  ImportPreviewSchema,
  JobSchema,
  RowsPageSchema,
} from './schemas'
import type { ChannelNameList } from './channel-names'
import { AnalysisRunSchema, MAX_ROWS_BY_INDEX, RowsByIndexSchema } from './runs'
import { EvalCompareSchema, EvalQueryDetailSchema, EvalStartSchema, EvaluationRunSchema } from './evaluation'
import { FinetuneCompareSchema, FinetunePreviewSchema, FinetuneRunSchema, FinetuneStartSchema } from './finetune'
import { RecommendInputSchema, RecommendationSchema } from './recommend'
import { TranslationsGetSchema, TranslationsStartSchema } from './translations'
import { SimilarityModelSchema, SimilarityPairsResultSchema, SimilarityTextsResultSchema } from './similarity'

/**
 * The one contract every front door speaks: channel → input and output schemas. Electron's main process,
 * the browser-mode server and the renderer's clients all derive from this object, and every input is
 * parsed with its schema at the boundary before the engine sees it.
 */
export const channels = {
  'app.info': {
    input: z.object({}),
    output: z.object({
      version: z.string(),
      dbPath: z.string(),
      mode: z.enum(['electron', 'browser']),
    }),
  },
  'datasets.list': {
    input: z.object({}),
    output: z.array(DatasetSchema),
  },
  'datasets.get': {
    input: z.object({ id: Id }),
    output: DatasetSchema,
  },
  'datasets.delete': {
    input: z.object({ id: Id }),
    output: z.object({ deleted: z.boolean() }),
  },
  'datasets.rows': {
    input: z.object({
      id: Id,
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(5000).default(200),
      /** Plain substring filter on the text column. */
      query: z.string().max(1000).optional(),
    }),
    output: RowsPageSchema,
  },
  'import.preview': {
    input: z.object({ path: z.string().min(1), options: ImportOptionsSchema.default({}) }),
    output: ImportPreviewSchema,
  },
  'import.start': {
    input: z.object({ path: z.string().min(1), options: ImportOptionsSchema.default({}) }),
    output: z.object({ jobId: Id, datasetId: Id }),
  },
  'models.list': {
    input: z.object({ datasetId: Id.optional() }),
    output: ModelsListSchema,
  },
  'models.pull': {
    /** `training`: the PyTorch weights a full fine-tune needs (the catalog's sourceRepo), instead of the ONNX files. */
    input: z.object({ id: z.string().min(1), variant: VariantSchema.optional(), training: z.boolean().optional() }),
    output: z.object({ jobId: Id }),
  },
  'models.add': {
    input: z.object({ path: z.string().min(1), name: z.string().min(1).max(100).optional() }),
    output: ModelEntrySchema,
  },
  'models.addRemote': {
    input: RemoteModelSchema.extend({ name: z.string().min(1).max(100).optional() }),
    output: ModelEntrySchema,
  },
  'models.remove': {
    input: z.object({ id: z.string().min(1) }),
    output: z.object({ removed: z.boolean() }),
  },
  'embed.start': {
    input: EmbedStartSchema,
    output: z.object({ jobId: Id }),
  },
  'embed.estimate': {
    input: z.object({ datasetId: Id, model: z.string().min(1) }),
    output: EmbedEstimateSchema,
  },
  'embeddings.list': {
    input: z.object({ datasetId: Id }),
    output: z.array(EmbeddingSetSchema),
  },
  'analyze.start': {
    input: AnalyzeStartSchema,
    output: z.object({ jobId: Id }),
  },
  'analysis.summary': {
    input: z.object({ datasetId: Id, runId: Id.optional(), top: z.number().int().min(1).max(1000).default(20) }),
    output: AnalysisSummarySchema,
  },
  'analysis.points': {
    input: z.object({ datasetId: Id, runId: Id.optional() }),
    /** A binary frame with a MapPointsHeader (schemas.ts). */
    output: BinaryFrameSchema,
  },
  'datasets.column': {
    input: z.object({ id: Id, column: z.number().int().nonnegative() }),
    /** A binary frame with a ColumnValuesHeader: one metadata column for every row. */
    output: BinaryFrameSchema,
  },
  'views.get': {
    input: z.object({ datasetId: Id }),
    output: z.object({ view: SavedViewSchema.nullable() }),
  },
  'views.save': {
    input: z.object({ datasetId: Id, view: SavedViewSchema.nullable() }),
    output: z.object({ saved: z.boolean() }),
  },
  'clusters.rename': {
    input: z.object({ runId: Id, cluster: z.number().int().nonnegative(), name: z.string().max(200).nullable() }),
    output: z.object({ renamed: z.boolean() }),
  },
  'rows.neighbors': {
    input: z.object({ datasetId: Id, row: z.number().int().nonnegative(), k: z.number().int().min(1).max(200).default(10), runId: Id.optional() }),
    output: z.array(NeighborSchema),
  },
  'search.semantic': {
    input: z.object({ datasetId: Id, query: z.string().min(1).max(10_000), k: z.number().int().min(1).max(1000).default(20), setId: Id.optional() }),
    output: SemanticSearchResultSchema,
  },
  'export.start': {
    input: ExportStartSchema,
    output: z.object({ jobId: Id, out: z.string() }),
  },
  'jobs.list': {
    input: z.object({ activeOnly: z.boolean().default(false) }),
    output: z.array(JobSchema),
  },
  'jobs.get': {
    input: z.object({ id: Id }),
    output: JobSchema,
  },
  'jobs.cancel': {
    input: z.object({ id: Id }),
    output: JobSchema,
  },
  'jobs.resume': {
    input: z.object({ id: Id }),
    output: JobSchema,
  },
  'analysis.runs': {
    input: z.object({ datasetId: Id }),
    output: z.array(AnalysisRunSchema),
  },
  /** Rows by index, in the order asked (a selection's rows); unknown indices are left out. */
  'rows.get': {
    input: z.object({ datasetId: Id, rows: z.array(z.number().int().nonnegative()).max(MAX_ROWS_BY_INDEX) }),
    output: RowsByIndexSchema,
  },
  /** Cosine similarity of a[i] and b[i] with one model (both sides get the model's symmetric prompt). */
  'similarity.texts': {
    input: SimilarityModelSchema.extend({
      a: z.array(z.string().max(100_000)).min(1).max(1000),
      b: z.array(z.string().max(100_000)).min(1).max(1000),
    }),
    output: SimilarityTextsResultSchema,
  },
  /** Every row of a pairs file scored; with `out`, the rows plus a similarity column are written there. */
  'similarity.pairs': {
    input: SimilarityModelSchema.extend({
      path: z.string().min(1).max(4096),
      a: z.string().min(1).max(1000),
      b: z.string().min(1).max(1000),
      out: z.string().min(1).max(4096).optional(),
      overwrite: z.boolean().default(false),
    }),
    output: SimilarityPairsResultSchema,
  },
  /** Evaluates models (and the lexical baseline) on a task of the user's data: a job; results are stored. */
  'eval.start': {
    input: EvalStartSchema,
    output: z.object({ jobId: Id }),
  },
  /** Stored evaluation results, newest first (by ids, task or data fingerprint). */
  'eval.runs': {
    input: z.object({ ids: z.array(Id).max(1000).optional(), task: z.string().max(40).optional(), dataFingerprint: z.string().max(128).optional() }),
    output: z.array(EvaluationRunSchema),
  },
  'eval.get': {
    input: z.object({ id: Id }),
    output: EvaluationRunSchema,
  },
  /** The training data a fine-tune would use: counts, examples, the held-out split, mined negatives with statistics. */
  'finetune.preview': {
    input: FinetuneStartSchema,
    output: FinetunePreviewSchema,
  },
  /** Starts a fine-tuning run (a job); its run record is created when the job starts. */
  'finetune.start': {
    input: FinetuneStartSchema,
    output: z.object({ jobId: Id }),
  },
  /** Fine-tuning runs, newest first (of one dataset, or all). */
  'finetune.runs': {
    input: z.object({ datasetId: Id.optional(), jobId: Id.optional() }),
    output: z.array(FinetuneRunSchema),
  },
  'finetune.get': {
    input: z.object({ id: Id }),
    output: FinetuneRunSchema,
  },
  /** Cancels a run's job; nothing it was writing is left registered. */
  'finetune.cancel': {
    input: z.object({ id: Id }),
    output: FinetuneRunSchema,
  },
  /** The fine-tuned model's map Procrustes-aligned onto the base model's map, and the rows that moved most. */
  'finetune.compare': {
    input: z.object({ datasetId: Id, baseRunId: Id, newRunId: Id, top: z.number().int().min(1).max(1000).default(50) }),
    output: FinetuneCompareSchema,
  },
  /** Two retrieval results of the same data compared query by query (wins and losses). */
  'eval.compare': {
    input: z.object({ a: Id, b: Id }),
    output: EvalCompareSchema,
  },
  /** One query of a retrieval result: its text, relevant documents and each given result's top 10 hits. */
  'eval.query': {
    input: z.object({ runIds: z.array(Id).min(1).max(8), queryId: z.string().min(1).max(1000) }),
    output: EvalQueryDetailSchema,
  },
  /**
   * Which model for this dataset: languages detected row by row, candidates by the article's logic, ranked by a
   * measured evaluation (started as a job when results are missing: wait for `jobId`, then ask again).
   */
  'models.recommend': {
    input: RecommendInputSchema,
    output: RecommendationSchema,
  },
  /** Embeds a parallel column with the map's model and places it on the map (a job): see contract/translations.ts. */
  'translations.start': {
    input: TranslationsStartSchema,
    output: z.object({ jobId: Id }),
  },
  /** The translations placed on a map, as a binary frame with a TranslationsHeader; NOT_FOUND until computed. */
  'translations.get': {
    input: TranslationsGetSchema,
    output: BinaryFrameSchema,
  },
} as const satisfies Record<ChannelNameList, { input: z.ZodType; output: z.ZodType }>

// Both directions: every listed name has a schema (above) and every schema is listed.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
const _namesMatch: Exact<keyof typeof channels, ChannelNameList> = true
void _namesMatch

export type Channels = typeof channels
export type ChannelName = keyof Channels
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>
export type ChannelParsedInput<C extends ChannelName> = z.output<Channels[C]['input']>
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>

export const channelNames = Object.keys(channels) as ChannelName[]

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(channels, name)
}

/** Events pushed from the engine to every connected renderer. */
export const EventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), job: JobSchema }),
  z.object({ type: z.literal('datasets.changed') }),
  z.object({ type: z.literal('models.changed') }),
  z.object({ type: z.literal('embeddings.changed'), datasetId: Id }),
  z.object({ type: z.literal('analysis.changed'), datasetId: Id }),
])
export type EngineEvent = z.infer<typeof EventSchema>

/** Reply envelope used over HTTP and IPC: errors travel as data, never as rejected transport calls. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: import('../errors').SerializedError }
