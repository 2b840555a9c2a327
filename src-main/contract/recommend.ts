import { z } from 'zod'
import { EvalTaskSpecSchema, EvaluationRunSchema } from './evaluation'
import { DeviceSchema, Id } from './schemas'

export const EvalTaskKindSchema = z.enum(['retrieval', 'sts', 'pairs', 'clustering', 'classification', 'bitext'])

export const RecommendInputSchema = z.object({
  datasetId: Id,
  /** Default: from the dataset's shape (a label column → classification, two texts → pairs / sts / bitext / retrieval). */
  task: EvalTaskKindSchema.optional(),
  /**
   * The task's columns in order: text, label (classification, clustering) · a, b, label|score (pairs, sts) ·
   * query, document (retrieval) · source, target (bitext). Default: guessed from names, types and languages.
   */
  columns: z
    .array(z.union([z.string().min(1).max(1000), z.number().int().nonnegative()]))
    .max(3)
    .optional(),
  /** Candidate model ids; default: the present models that suit the data's languages. */
  models: z.array(z.string().min(1).max(4096)).max(10).optional(),
  device: DeviceSchema.default('auto'),
})

export const LanguageProfileSchema = z.object({
  shares: z.array(z.object({ language: z.string(), share: z.number() })),
  main: z.string().nullable(),
})

export const RecommendationSchema = z.object({
  languages: LanguageProfileSchema,
  task: EvalTaskSpecSchema,
  /** Why this task and these columns, in words. */
  taskReason: z.string(),
  candidates: z.array(z.object({ modelId: z.string(), why: z.string() })),
  /** Models that would suit the data but are not downloaded (the article's choice where it is missing). */
  suggestions: z.array(z.object({ modelId: z.string(), why: z.string() })),
  /** The evaluation still to run (null when every candidate's result is stored): wait for it, then ask again. */
  jobId: Id.nullable(),
  /** Candidates' stored results, best main score first (lexical baseline included, marked). */
  ranking: z.array(EvaluationRunSchema),
  recommended: z.string().nullable(),
  /** One sentence: why the top model. */
  reason: z.string().nullable(),
})
export type Recommendation = z.infer<typeof RecommendationSchema>
export type RecommendInput = z.input<typeof RecommendInputSchema>

const METRIC_NAMES: Record<string, string> = {
  ndcg_at_10: 'nDCG@10',
  cosine_spearman: 'Spearman correlation',
  max_ap: 'average precision',
  v_measure: 'V-measure',
  accuracy: 'accuracy',
  f1: 'F1',
}

const AT_K: Record<string, string> = { ndcg: 'nDCG', map: 'MAP', mrr: 'MRR', recall: 'Recall', precision: 'Precision', hit_rate: 'Hit rate' }

/** mteb's metric name as people say it (nDCG@10 for ndcg_at_10). */
export const metricName = (m: string): string => {
  const at = /^([a-z_]+)_at_(\d+)$/.exec(m)
  if (at && AT_K[at[1]]) return `${AT_K[at[1]]}@${at[2]}`
  return METRIC_NAMES[m] ?? m
}

/** The metrics worth a column, per task, in order (mteb reports many more: ndcg_at_1 … ndcg_at_1000). */
export const SHOWN_METRICS: Record<string, string[]> = {
  retrieval: ['ndcg_at_10', 'map_at_10', 'mrr_at_10', 'recall_at_10', 'recall_at_100'],
  sts: ['cosine_spearman', 'cosine_pearson'],
  pairs: ['max_ap', 'max_f1', 'max_accuracy'],
  clustering: ['v_measure', 'v_measure_std'],
  classification: ['accuracy', 'f1'],
  bitext: ['f1', 'accuracy', 'reverse_f1', 'reverse_accuracy'],
}
