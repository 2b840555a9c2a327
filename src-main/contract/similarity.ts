import { z } from 'zod'
import { DeviceSchema, ProviderInfoSchema, VariantSchema } from './schemas'

/** Which model scores the pairs: a catalog or local model id (or, from the CLI, a folder). */
export const SimilarityModelSchema = z.object({
  model: z.string().min(1).max(4096).optional(),
  device: DeviceSchema.default('auto'),
  variant: VariantSchema.optional(),
})

const ModelUsedSchema = z.object({ id: z.string(), variant: z.string(), provider: ProviderInfoSchema })

export const SimilarityTextsResultSchema = z.object({ model: ModelUsedSchema, scores: z.array(z.number()) })

export const SimilarityPairsResultSchema = z.object({
  model: ModelUsedSchema,
  count: z.number().int().nonnegative(),
  mean: z.number(),
  /** The file written, when `out` was given (then `scores` is left out: it can be millions long). */
  out: z.string().nullable(),
  scores: z.array(z.number()).optional(),
})
