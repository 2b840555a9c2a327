import { z } from 'zod'
import { Id, RowSchema } from './schemas'

/** One analysis run of a dataset, as the map's run picker lists it (newest first). */
export const AnalysisRunSchema = z.object({
  runId: Id,
  setId: Id,
  /** The model of its embedding set (the vectors it analyzed). */
  modelId: z.string(),
  status: z.enum(['running', 'ready']),
  createdAt: z.string(),
  /** The parameters it was started with (k, anomaly method, UMAP settings, …). */
  params: z.record(z.string(), z.unknown()),
})
export type AnalysisRun = z.infer<typeof AnalysisRunSchema>

/** Rows fetched by their indices (a selection's rows), at most this many per call. */
export const MAX_ROWS_BY_INDEX = 1000

export const RowsByIndexSchema = z.array(RowSchema)
