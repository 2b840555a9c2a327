import { z } from 'zod'
import { Id } from './schemas'

/**
 * Translation links on the map: for a dataset whose rows hold a text and its translation in another column, the
 * translations are embedded with the map's own model, placed on the map's 2-D layout among the rows most similar to
 * them (analyze/translation-links.ts), and linked to their own rows.
 * Good cross-lingual alignment = short links.
 */
export const TranslationsStartSchema = z.object({
  datasetId: Id,
  /** The map (analysis run) to place the translations on; default: the latest. */
  runId: Id.optional(),
  /** The column holding each row's translation (any column but the text column). */
  column: z.number().int().nonnegative(),
})

export const TranslationsGetSchema = TranslationsStartSchema

/** Pairs above this many are sampled evenly: bitext accuracy and placement are exact n × n searches. */
export const MAX_TRANSLATION_PAIRS = 5000

/**
 * The header of a translations frame. Arrays: `rows` i32 (each pair's row), `coords` f32 pairs × 2 (where each
 * translation sits on the map), `nearest` i32 (the row whose text is nearest to each translation: its own row when
 * the model aligns the two languages).
 */
export const TranslationsHeaderSchema = z.object({
  kind: z.literal('translations'),
  runId: Id,
  column: z.number().int().nonnegative(),
  columnName: z.string(),
  textColumnName: z.string(),
  modelId: z.string(),
  /** Rows with both texts (the pairs shown), and rows of the dataset. */
  pairs: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  /** Set when the pairs are an even sample of a larger dataset. */
  sampled: z.boolean(),
  /**
   * mteb's bitext metrics on these vectors (as `embedmap eval bitext`): `accuracy` = share of source rows whose
   * nearest translation is their own, `reverse_accuracy` the other way, plus f1 / precision / recall /
   * retrieval_ndcg_at_10 and their `reverse_` twins.
   */
  metrics: z.record(z.string(), z.number()),
  /** Median link length as a share of the map's diagonal (0 = on top of each other). */
  medianLink: z.number(),
  createdAt: z.string(),
})
export type TranslationsHeader = z.infer<typeof TranslationsHeaderSchema>
