import { z } from 'zod'
import { MAX_SELECTION_BITMAP_CHARS, MAX_SELECTION_RANGES, MAX_SELECTION_ROWS, rangesProblem } from './selection'

/** Domain shapes that cross the boundary (IPC, HTTP, CLI --json). No node, no electron here. */

/**
 * An array whose length is checked before its elements: zod checks every element even when the array is far too
 * long, so a hostile body of a million bad entries would build a million issues first.
 */
function boundedArray<T extends z.ZodTypeAny>(item: T, max: number, what: string) {
  return z
    .custom<z.input<T>[]>((v) => Array.isArray(v) && v.length <= max, { message: `expected an array of at most ${max} ${what}` })
    .pipe(z.array(item).max(max))
}

export const Id = z.number().int().positive()

export const ColumnTypeSchema = z.enum(['empty', 'integer', 'number', 'boolean', 'date', 'text'])

export const ColumnSchema = z.object({
  idx: z.number().int().nonnegative(),
  name: z.string(),
  type: ColumnTypeSchema,
  medianLength: z.number(),
})
export type Column = z.infer<typeof ColumnSchema>

export const SourceFormatSchema = z.enum(['csv', 'jsonl', 'parquet', 'arrow'])

export const ImportReportSchema = z.object({
  ragged: z.object({
    count: z.number().int(),
    examples: z.array(z.object({ line: z.number(), expected: z.number(), got: z.number() })),
  }),
  emptyText: z.object({ count: z.number().int(), exampleLines: z.array(z.number()) }),
  warnings: z.array(z.string()),
})
export type ImportReport = z.infer<typeof ImportReportSchema>

export const DatasetSchema = z.object({
  id: Id,
  name: z.string(),
  sourcePath: z.string(),
  format: SourceFormatSchema,
  encoding: z.string(),
  delimiter: z.string().nullable(),
  textColumn: z.number().int().nonnegative(),
  rowCount: z.number().int().nonnegative(),
  status: z.enum(['importing', 'ready']),
  createdAt: z.string(),
  columns: z.array(ColumnSchema),
  importReport: ImportReportSchema.nullable(),
})
export type Dataset = z.infer<typeof DatasetSchema>

export const RowSchema = z.object({
  idx: z.number().int().nonnegative(),
  line: z.number().int(),
  text: z.string(),
  cells: z.array(z.string()),
  emptyText: z.boolean(),
  ragged: z.boolean(),
})
export type Row = z.infer<typeof RowSchema>

export const RowsPageSchema = z.object({
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  rows: z.array(RowSchema),
})
export type RowsPage = z.infer<typeof RowsPageSchema>

export const JobStateSchema = z.enum(['queued', 'running', 'interrupted', 'succeeded', 'failed', 'cancelled'])
export type JobState = z.infer<typeof JobStateSchema>

export const SerializedErrorSchema = z.object({
  code: z.enum(['BAD_INPUT', 'NOT_FOUND', 'CONFLICT', 'STORE', 'CANCELLED', 'INTERNAL']),
  message: z.string(),
  hint: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
})

export const JobSchema = z.object({
  id: Id,
  kind: z.string(),
  datasetId: Id.nullable(),
  state: JobStateSchema,
  title: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative().nullable(),
  /** Items per second over the recent window; null until measurable. */
  rate: z.number().nonnegative().nullable(),
  /** Seconds left at the current rate; null when unknown. */
  etaSeconds: z.number().nonnegative().nullable(),
  error: SerializedErrorSchema.nullable(),
  result: z.unknown().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
})
export type Job = z.infer<typeof JobSchema>

/** Column of precomputed embeddings found in (or named for) an imported file. */
export const VectorColumnSchema = z.object({
  idx: z.number().int().nonnegative(),
  name: z.string(),
  element: z.enum(['float16', 'float32', 'float64', 'json']),
  dims: z.number().int().positive().nullable(),
})

export const MAX_FIELD_BYTES_CEILING = 256 * 1024 * 1024
export const MAX_COLUMNS_CEILING = 100_000

export const ImportOptionsSchema = z.object({
  encoding: z.string().min(1).optional(),
  delimiter: z.enum([',', '\t', ';', '|']).optional(),
  format: SourceFormatSchema.optional(),
  textColumn: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
  /** Ceiling 256 MiB: one field is held in memory whole, several times over while it is parsed and stored. */
  maxFieldBytes: z.number().int().positive().max(MAX_FIELD_BYTES_CEILING).optional(),
  /** Most columns accepted (default 10,000); each costs memory per row. */
  maxColumns: z.number().int().positive().max(MAX_COLUMNS_CEILING).optional(),
  /** Import even when this file is already a ready dataset of the workspace (a second copy). */
  allowDuplicate: z.boolean().optional(),
  /** false skips the "first line looks like data" check, for a real header that trips it. */
  headerCheck: z.boolean().optional(),
  name: z.string().min(1).max(200).optional(),
  /** Column of precomputed embeddings (name or index); default: the detected one; false: take none. */
  vectors: z.union([z.string().min(1), z.number().int().nonnegative(), z.literal(false)]).optional(),
  /**
   * Which model made those vectors: a catalog or local model id (search queries are then embedded with it), a model
   * folder (CLI), or any other name (kept as a label; search is off for that set). Default: unknown.
   */
  vectorsModel: z.string().min(1).max(200).optional(),
  /** With vectors: start the analysis (map, clusters, outliers) when the import ends. Default true. */
  analyze: z.boolean().optional(),
})
export type ImportOptionsInput = z.infer<typeof ImportOptionsSchema>

export const ImportPreviewSchema = z.object({
  path: z.string(),
  sizeBytes: z.number(),
  format: SourceFormatSchema,
  encoding: z.string(),
  encodingConfidence: z.number(),
  delimiter: z.string().nullable(),
  columns: z.array(ColumnSchema),
  suggestedTextColumn: z.number().int().nonnegative(),
  sampleRows: z.array(z.array(z.string())),
  /** Float-list or JSON-array columns that can be taken as vectors. */
  vectorColumns: z.array(VectorColumnSchema),
  /** The one taken by default (or the one named), null when none. */
  vectorColumn: z.number().int().nonnegative().nullable(),
  /** Exact row count where the file's footer says it (Parquet), else null. */
  rowCount: z.number().int().nonnegative().nullable(),
})
export type ImportPreview = z.infer<typeof ImportPreviewSchema>

export const DeviceSchema = z.enum(['auto', 'cpu', 'cuda', 'dml', 'coreml'])
export const VariantSchema = z.enum(['fp32', 'int8', 'fp16'])

export const ProviderInfoSchema = z.object({
  requested: DeviceSchema,
  used: z.enum(['cpu', 'cuda', 'dml', 'coreml']),
  fallbackReason: z.string().nullable(),
})
export type ProviderInfoView = z.infer<typeof ProviderInfoSchema>

export const ModelEntrySchema = z.object({
  id: z.string(),
  displayName: z.string(),
  source: z.enum(['catalog', 'local', 'finetuned', 'remote']),
  description: z.string(),
  languages: z.array(z.string()),
  license: z.string().nullable(),
  dims: z.number().int().positive().nullable(),
  matryoshkaDims: z.array(z.number().int()).nullable(),
  /** Download size of the default variant (approximate), for catalog models. */
  sizeBytes: z.number().nullable(),
  downloaded: z.boolean(),
  /** Folder on disk: the download cache for catalog models, the user's folder for local ones. */
  path: z.string().nullable(),
  isDefault: z.boolean(),
  /** True when the model suits the language detected in the dataset the list was asked for. */
  recommended: z.boolean(),
  /** What a full fine-tune of it needs: its PyTorch weights (null for an embedding server). */
  training: z
    .object({
      /** The weights are on disk (a sentence-transformers folder, or a catalog model's downloaded training weights). */
      ready: z.boolean(),
      /** Approximate download size of the weights (catalog models). */
      sizeBytes: z.number().nullable(),
      /** Where they come from (the catalog's sourceRepo). */
      sourceRepo: z.string().nullable(),
      /** Why a full fine-tune is not possible (then no download is offered). */
      unsupported: z.string().nullable(),
    })
    .nullable(),
})
export type ModelEntry = z.infer<typeof ModelEntrySchema>

/**
 * An OpenAI-compatible embedding server (`POST {url}/embeddings`). What is stored and sent to jobs: the
 * API key itself never is, only the name of the environment variable that holds it.
 */
export const RemoteModelSchema = z.object({
  /** Base URL up to and including the API version, e.g. http://127.0.0.1:7997/v1. */
  url: z
    .string()
    .url()
    .refine((u) => /^https?:$/.test(new URL(u).protocol), 'The server URL must start with http:// or https://'),
  /** The model name the server knows (the request's `model` field). */
  model: z.string().min(1).max(300),
  /** Name of the environment variable that holds the API key (never the key). */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'An environment variable name: letters, digits and underscores')
    .optional(),
  /** Vector size the server must return; learned from a probe request when not given. */
  dims: z.number().int().positive().max(65536).optional(),
  /** Most texts in one request. */
  maxBatch: z.number().int().min(1).max(4096).default(256),
  /** Most tokens (approximated as characters / 4) in one request. */
  maxBatchTokens: z.number().int().min(64).max(10_000_000).default(32_768),
  /** Requests in flight at once. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Most requests started per minute (the server's rate limit); none when absent. */
  requestsPerMinute: z.number().int().min(1).max(1_000_000).optional(),
  /** One request's time limit. */
  timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
  /** Tries after the first for a request that failed in a way that may pass (network, 408, 429, 5xx). */
  retries: z.number().int().min(0).max(20).default(6),
  queryPrefix: z.string().max(1000).default(''),
  passagePrefix: z.string().max(1000).default(''),
  /** Price per million tokens, for the estimate before embedding (any currency; none when absent). */
  pricePerMillionTokens: z.number().nonnegative().optional(),
})
export type RemoteModel = z.output<typeof RemoteModelSchema>

export const EmbedEstimateSchema = z.object({
  rows: z.number().int().nonnegative(),
  /** Rows that still need a vector (a resumed job skips the rest). */
  rowsToEmbed: z.number().int().nonnegative(),
  /** Approximate tokens to send: characters / 4 (the server's tokenizer is not known here). */
  approxTokens: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  /** Texts per second measured with one probe request against the server (times the concurrency). */
  measuredTextsPerSecond: z.number().nonnegative().nullable(),
  /** Seconds at the measured rate, capped by the declared per-minute request limit. */
  approxSeconds: z.number().nonnegative().nullable(),
  /** What decides the time: the measured throughput or the declared rate limit. */
  limitedBy: z.enum(['measured', 'rate-limit']).nullable(),
  approxCost: z.number().nonnegative().nullable(),
})
export type EmbedEstimate = z.infer<typeof EmbedEstimateSchema>

export const ModelsListSchema = z.object({
  models: z.array(ModelEntrySchema),
  /** Language detected in the dataset's texts, when a dataset was given. */
  datasetLanguage: z.string().nullable(),
})

export const EmbeddingSetSchema = z.object({
  id: Id,
  datasetId: Id,
  modelId: z.string(),
  modelVersion: z.string(),
  dims: z.number().int().positive(),
  variant: z.string(),
  kind: z.string(),
  provider: ProviderInfoSchema.nullable(),
  status: z.enum(['embedding', 'ready']),
  vectorCount: z.number().int().nonnegative(),
  truncatedCount: z.number().int().nonnegative(),
  emptyTextCount: z.number().int().nonnegative(),
  createdAt: z.string(),
  /** Set for vectors read from the imported file: the column and the model name the user gave (or null). */
  imported: z.object({ column: z.string(), model: z.string().nullable() }).nullable(),
  /** Why semantic search is off for this set (vectors from a model EmbedMap cannot run), else null. */
  searchDisabledReason: z.string().nullable(),
})
export type EmbeddingSet = z.infer<typeof EmbeddingSetSchema>

/** Embedding on a Ray cluster: the dashboard address and how to spread the work. */
export const RayEngineSchema = z
  .object({
    /** The Ray dashboard (Jobs API), e.g. http://127.0.0.1:8265. */
    address: z.string().min(1).max(500),
    /** GPUs each model worker reserves (0: CPU workers). Fractions share a GPU between workers. */
    numGpusPerWorker: z.number().min(0).max(64).default(0),
    /** CPUs each model worker reserves (its onnxruntime threads). */
    numCpusPerWorker: z.number().int().min(1).max(256).default(1),
    /** Rows per Ray Data batch handed to a worker. */
    batchSize: z.number().int().min(1).max(65536).default(256),
    /** Rows per Parquet shard (the unit that is written back and resumed). */
    shardRows: z.number().int().min(1).max(1_000_000).default(10_000),
  })
  .strict()
export type RayEngine = z.output<typeof RayEngineSchema>

export const EmbedStartSchema = z.object({
  datasetId: Id,
  /** Catalog id, a registered local model id, or a folder path; default: the catalog's default. */
  model: z.string().min(1).optional(),
  variant: VariantSchema.optional(),
  device: DeviceSchema.default('auto'),
  /** Matryoshka truncation (re-normalized). */
  dims: z.number().int().positive().optional(),
  /** When every row has its vector, analyze them with the default settings (one action: embed → map). */
  analyzeAfter: z.boolean().default(false),
  /** Where the model runs: here ('local'), or on a Ray cluster ('ray', with `ray` set). */
  engine: z.enum(['local', 'ray']).default('local'),
  ray: RayEngineSchema.optional(),
})

export const AnalyzeStartSchema = z.object({
  datasetId: Id,
  /** Which vectors; default: the newest complete set of the dataset. */
  setId: Id.optional(),
  k: z.union([z.literal('auto'), z.number().int().min(1).max(1000)]).default('auto'),
  /** 'kmeans': k-means, k by silhouette ('auto') or given; 'hdbscan': density clusters on the map, with an unclustered group. */
  clusterMethod: z.enum(['kmeans', 'hdbscan']).default('kmeans'),
  kMin: z.number().int().min(2).default(2),
  kMax: z.number().int().min(2).max(200).default(20),
  anomaly: z.enum(['knn-text', 'knn', 'lof', 'centroid', 'cluster-centroid']).default('knn-text'),
  /** Flag this share of rows (0–0.5); default: an interquartile-range fence on the scores. */
  contamination: z.number().gt(0).max(0.5).optional(),
  /** Flag rows whose normalized score is at least this. */
  threshold: z.number().min(0).max(1).optional(),
  nNeighbors: z.number().int().min(2).max(200).default(15),
  minDist: z.number().min(0).max(1).default(0.1),
  /** 'embedmap': typed-array port of umap-learn (fast, scales to 1M); 'umap-js': the umap-js library. */
  umapEngine: z.enum(['embedmap', 'umap-js']).default('embedmap'),
  seed: z.number().int().default(42),
  duplicateThreshold: z.number().min(0).max(0.5).default(0.02),
})

export const RowRefSchema = z.object({ row: z.number().int().nonnegative(), text: z.string() })

export const ClusterSummarySchema = z.object({
  idx: z.number().int(),
  size: z.number().int(),
  /** The user's name for it, or null (then `label` is built from the keywords). */
  name: z.string().nullable(),
  label: z.string(),
  keywords: z.array(z.object({ term: z.string(), weight: z.number() })),
  exemplars: z.array(RowRefSchema),
})

export const AnalysisSummarySchema = z.object({
  runId: Id,
  datasetId: Id,
  setId: Id,
  modelId: z.string(),
  status: z.enum(['running', 'ready']),
  params: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  rows: z.number().int(),
  k: z.number().int(),
  silhouette: z.number().nullable(),
  silhouetteCurve: z.array(z.object({ k: z.number(), silhouette: z.number(), inertia: z.number() })),
  clusters: z.array(ClusterSummarySchema),
  anomalies: z.object({
    method: z.string(),
    rule: z.unknown(),
    threshold: z.number(),
    flaggedCount: z.number().int(),
    /** Neighbours each row's neighbourhood score was measured over. */
    neighbours: z.number().int(),
    /** The median row's values (null where the method has no such measure): what a reason compares with. */
    typical: z.object({ meanNeighborDistance: z.number().nullable(), textSurprisal: z.number().nullable() }),
    top: z.array(
      RowRefSchema.extend({
        score: z.number(),
        rawDistance: z.number(),
        /** 'knn-text': whether the neighbourhood or the text's characters made the row stand out. */
        reason: z.enum(['neighbourhood', 'text']).nullable(),
        /** Mean cosine distance to its nearest rows (from the stored graph), and its text surprisal ('knn-text'). */
        meanNeighborDistance: z.number().nullable(),
        textSurprisal: z.number().nullable(),
        cluster: z.number().nullable(),
        neighbors: z.array(z.object({ row: z.number(), distance: z.number() })),
      }),
    ),
  }),
  duplicates: z.object({
    groupCount: z.number().int(),
    redundantRows: z.number().int(),
    top: z.array(z.object({ kind: z.string(), keeper: RowRefSchema, rows: z.array(z.number()), maxDistance: z.number().nullable() })),
  }),
  projection: z.object({ method: z.string(), notes: z.record(z.string(), z.unknown()) }),
})
export type AnalysisSummary = z.infer<typeof AnalysisSummarySchema>

/** Answers too big for JSON travel as one binary frame (src-main/contract/binary-frame.ts): a Uint8Array. */
export const BinaryFrameSchema = z.instanceof(Uint8Array)

export const MapClusterSchema = z.object({ idx: z.number().int(), size: z.number().int(), label: z.string(), x: z.number(), y: z.number() })
export type MapCluster = z.infer<typeof MapClusterSchema>

/**
 * Header of the analysis.points frame; its arrays are coords (f32 n×2), cluster (i32 n, -1 none),
 * anomaly (f32 n, 0–1) and flags (u8 n, 1 = outlier). See src-main/engine/points-service.ts.
 */
export const MapPointsHeaderSchema = z.object({
  kind: z.literal('points'),
  runId: Id,
  n: z.number().int().nonnegative(),
  clusters: z.array(MapClusterSchema),
  /**
   * The coarse level above the clusters, when there is one: coarse clusters (each a union of fine ones, `parentOf`
   * maps fine idx → coarse idx) with their labels and centres. The map shows these zoomed out, the fine ones zoomed in.
   */
  coarse: z
    .object({ parentOf: z.array(z.number().int()), clusters: z.array(MapClusterSchema) })
    .nullable()
    .default(null),
})
export type MapPointsHeader = z.infer<typeof MapPointsHeaderSchema>

/** Missing values of a categorical column frame (its codes are u16). */
export const CATEGORY_MISSING = 0xffff

/**
 * A virtual column that `datasets.column` answers with the language detected row by row in the text column (by
 * script: engine/detect-language.ts). Beyond any real column index (imports refuse more than MAX_COLUMNS_CEILING), so
 * colouring, filters, legends and saved views treat it like any categorical column.
 */
export const LANGUAGE_COLUMN = 1_000_000

/**
 * Header of the datasets.column frame: one metadata column for every row. Categorical columns carry `codes`
 * (u16 n: index into `categories`, the most frequent first; `categories.length` = any rarer value, counted in
 * `otherCount`; CATEGORY_MISSING = empty). Numeric ones (numbers, dates as days since 1970) carry `values` (f32 n, NaN = missing).
 */
export const ColumnValuesHeaderSchema = z.discriminatedUnion('type', [
  z.object({
    kind: z.literal('column'),
    type: z.literal('categorical'),
    column: z.number().int().nonnegative(),
    name: z.string(),
    n: z.number().int().nonnegative(),
    categories: z.array(z.string()),
    counts: z.array(z.number().int().nonnegative()),
    otherCount: z.number().int().nonnegative(),
    missing: z.number().int().nonnegative(),
  }),
  z.object({
    kind: z.literal('column'),
    type: z.literal('numeric'),
    column: z.number().int().nonnegative(),
    name: z.string(),
    n: z.number().int().nonnegative(),
    /** 'date' values are days since 1970-01-01 (UTC). */
    unit: z.enum(['number', 'date']),
    min: z.number().nullable(),
    max: z.number().nullable(),
    missing: z.number().int().nonnegative(),
  }),
])
export type ColumnValuesHeader = z.infer<typeof ColumnValuesHeaderSchema>

export const NeighborSchema = z.object({ row: z.number().int(), text: z.string(), similarity: z.number() })

export const SemanticSearchResultSchema = z.object({
  setId: Id,
  modelId: z.string(),
  hits: z.array(z.object({ row: z.number().int(), text: z.string(), score: z.number() })),
})

/** The most rows an export's explicit row list may name; bigger selections travel as ranges or a bitmap. */
export const MAX_EXPORT_ROWS = MAX_SELECTION_ROWS

const RowNumber = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 31)

export const ExportStartSchema = z.object({
  datasetId: Id,
  /** Analysis whose clusters/scores/coordinates are added; default: the latest. */
  runId: Id.optional(),
  what: z.union([z.enum(['all', 'clusters', 'anomalies', 'duplicates', 'selection']), z.string().regex(/^cluster:\d+$/)]).default('all'),
  /** For what = 'selection': row numbers, [start, endExclusive) ranges and/or a bitmap (contract/selection.ts); the union is exported. */
  rows: boundedArray(RowNumber, MAX_EXPORT_ROWS, 'row numbers').optional(),
  ranges: boundedArray(z.tuple([RowNumber, RowNumber]), MAX_SELECTION_RANGES, 'ranges')
    .superRefine((ranges, ctx) => {
      const problem = rangesProblem(ranges)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })
    .optional(),
  bitmap: z
    .string()
    .max(MAX_SELECTION_BITMAP_CHARS)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')
    .optional(),
  format: z.enum(['csv', 'jsonl', 'parquet']).default('csv'),
  /** From the app: a plain file name, written to the workspace's exports folder. From the CLI: any path. */
  out: z.string().min(1).max(4096),
  /** Replace an existing file of that name (never done silently). */
  overwrite: z.boolean().default(false),
  formulaGuard: z.boolean().default(true),
  bom: z.boolean().default(false),
  vectors: z.boolean().default(false),
})

/** A filter on one metadata column: categorical keeps the listed values, numeric keeps min ≤ v ≤ max (null: unbounded). */
export const ColumnFilterSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('categorical'), column: z.number().int().nonnegative(), include: z.array(z.string().max(10_000)).max(10_000) }),
  z.object({ type: z.literal('numeric'), column: z.number().int().nonnegative(), min: z.number().nullable(), max: z.number().nullable() }),
])
export type ColumnFilter = z.infer<typeof ColumnFilterSchema>

/** What the map looks like: restored when the dataset is opened again (saved in the engine, or the last one locally). */
export const SavedViewSchema = z.object({
  version: z.literal(1),
  runId: Id.nullable(),
  target: z.tuple([z.number(), z.number()]),
  zoom: z.number().min(-50).max(50),
  /** The data rectangle on screen [minX, minY, maxX, maxY]: means the same on any canvas size. Views saved before it had only target/zoom. */
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
  color: z.union([z.object({ by: z.enum(['cluster', 'anomaly']) }), z.object({ by: z.literal('column'), column: z.number().int().nonnegative() })]),
  theme: z.enum(['light', 'dark']),
  pointSize: z.number().min(0.1).max(50),
  opacity: z.number().min(0).max(1),
  density: z.boolean(),
  filters: z.array(ColumnFilterSchema).max(100),
})
export type SavedView = z.infer<typeof SavedViewSchema>
