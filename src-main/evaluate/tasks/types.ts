/**
 * What every task runner takes and returns. A runner is pure computation over an `EmbedFn`, so the
 * job / CLI layer decides where vectors come from: a loaded Embedder, vectors already stored for the
 * same model and texts, or a lexical baseline (tfidfEmbed).
 */

/**
 * Which side of an asymmetric task a text is on, so a model's query/passage prompts are used:
 * retrieval queries are 'query', corpus documents 'document'; every symmetric task uses 'symmetric'.
 */
export type EmbedRole = 'query' | 'document' | 'symmetric'

/** texts → n × d float32 rows, row i for texts[i] (need not be normalised: runners use cosine). */
export type EmbedFn = (texts: string[], role: EmbedRole) => Promise<Float32Array>

export interface TaskResult {
  /** mteb's metric names (ndcg_at_10, cosine_spearman, max_ap, v_measure, accuracy, f1, …). */
  metrics: Record<string, number>
  /** Name of the main metric, as in mteb's task metadata. */
  mainMetric: string
  mainScore: number
  /** Things the user should know (rows dropped, ids unknown …), in plain words. */
  warnings: string[]
  /** Retrieval: each evaluated query's nDCG@10 and its top 10 document ids (for per-query comparisons). */
  perQueryTop?: { queryId: string; ndcg10: number; top: string[] }[]
}

/** Dimension of a block of rows, checked against the text count. */
export function rowWidth(vectors: Float32Array, count: number, what: string): number {
  if (count === 0) return 0
  const d = vectors.length / count
  if (!Number.isInteger(d) || d <= 0) throw new Error(`${what}: ${vectors.length} values for ${count} texts`)
  return d
}
