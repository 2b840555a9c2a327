/**
 * Retrieval metrics with pytrec_eval's (trec_eval's) semantics, and mteb 2.x's names and MRR.
 *
 * Why these exact rules: a number here must mean what it means on the MTEB leaderboard, which runs
 * pytrec_eval over the top-1000 hits of each query:
 *  - a run is ranked by score descending, equal scores by document id descending (trec_eval's
 *    `comp_sim_docno`: strcmp on the ids, reversed); `rankHits` does that;
 *  - a document is relevant when its qrels label is ≥ 1; gain = the raw label (so 2 counts twice 1);
 *  - nDCG@k = Σ_{rank ≤ k} gain/log2(rank+1) over the ideal ordering of the query's judged labels;
 *  - MAP@k = Σ_{relevant at rank r ≤ k} P@r / (number of relevant documents in the qrels) — trec_eval
 *    divides by all relevant documents, not by min(k, R);
 *  - recall@k = relevant in top k / relevant in the qrels; P@k = relevant in top k / k (even when
 *    fewer than k were retrieved); hit_rate@k = any relevant in top k;
 *  - MRR@k is mteb's own (not trec_eval's): 1 / rank of the first hit with label > 0 within the top k;
 *  - queries with no retrieved document are left out of every mean (pytrec_eval returns nothing for
 *    them), as are queries absent from the qrels.
 * Negative labels count as gain 0 (trec_eval reads them as "judged non-relevant").
 */

/** query id → document id → relevance label. */
export type Qrels = Map<string, Map<string, number>>

export interface RankedHit {
  docId: string
  score: number
}

/** mteb's default cut-offs for retrieval tasks. */
export const MTEB_K_VALUES = [1, 3, 5, 10, 20, 100, 1000] as const

/** Sorts hits the way trec_eval does: score descending, ties by document id descending (byte order). */
export function rankHits(hits: RankedHit[]): RankedHit[] {
  return hits.slice().sort((a, b) => b.score - a.score || compareIdsDescending(a.docId, b.docId))
}

/** strcmp order on UTF-8 bytes, reversed. Plain `<` on JS strings compares UTF-16 units, which differs only for astral characters. */
export function compareIdsDescending(a: string, b: string): number {
  if (a === b) return 0
  return Buffer.compare(Buffer.from(b, 'utf8'), Buffer.from(a, 'utf8'))
}

export interface QueryMetrics {
  ndcg: number[]
  map: number[]
  recall: number[]
  precision: number[]
  mrr: number[]
  hitRate: number[]
}

/** Metrics of one query at each k in `kValues`, given its hits already ranked (see rankHits). */
export function queryMetrics(ranked: readonly RankedHit[], judged: ReadonlyMap<string, number>, kValues: readonly number[]): QueryMetrics {
  const ideal = [...judged.values()].filter((g) => g > 0).sort((a, b) => b - a)
  const numRelevant = ideal.filter((g) => g >= 1).length
  const out: QueryMetrics = { ndcg: [], map: [], recall: [], precision: [], mrr: [], hitRate: [] }
  for (const k of kValues) {
    let dcg = 0
    let idcg = 0
    let hits = 0
    let apSum = 0
    let firstHit = 0
    const n = Math.min(k, ranked.length)
    for (let i = 0; i < n; i++) {
      const label = judged.get(ranked[i].docId) ?? 0
      if (label > 0) dcg += label / Math.log2(i + 2)
      if (label >= 1) {
        hits++
        apSum += hits / (i + 1)
      }
      if (label > 0 && firstHit === 0) firstHit = i + 1
    }
    for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i] / Math.log2(i + 2)
    out.ndcg.push(idcg > 0 ? dcg / idcg : 0)
    out.map.push(numRelevant > 0 ? apSum / numRelevant : 0)
    out.recall.push(numRelevant > 0 ? hits / numRelevant : 0)
    out.precision.push(hits / k)
    out.mrr.push(firstHit > 0 ? 1 / firstHit : 0)
    out.hitRate.push(hits > 0 ? 1 : 0)
  }
  return out
}

export interface RetrievalScores {
  /** mteb's names: ndcg_at_10, map_at_10, recall_at_100, precision_at_1, mrr_at_10, hit_rate_at_10, … */
  metrics: Record<string, number>
  /** Per evaluated query (same order as `queryIds`). */
  perQuery: { queryId: string; metrics: QueryMetrics }[]
  evaluatedQueries: number
}

/**
 * Means over the evaluated queries of every metric, under mteb's names. `runs` maps each query to its
 * ranked hits (see rankHits); queries missing from the qrels or with no hits are dropped, as pytrec_eval does.
 */
export function retrievalScores(runs: ReadonlyMap<string, readonly RankedHit[]>, qrels: Qrels, kValues: readonly number[] = MTEB_K_VALUES): RetrievalScores {
  const perQuery: RetrievalScores['perQuery'] = []
  for (const [queryId, ranked] of runs) {
    const judged = qrels.get(queryId)
    if (!judged || ranked.length === 0) continue
    perQuery.push({ queryId, metrics: queryMetrics(ranked, judged, kValues) })
  }
  const metrics: Record<string, number> = {}
  const names: [keyof QueryMetrics, string][] = [
    ['ndcg', 'ndcg'],
    ['map', 'map'],
    ['recall', 'recall'],
    ['precision', 'precision'],
    ['mrr', 'mrr'],
    ['hitRate', 'hit_rate'],
  ]
  for (const [key, name] of names) {
    kValues.forEach((k, i) => {
      let s = 0
      for (const q of perQuery) s += q.metrics[key][i]
      metrics[`${name}_at_${k}`] = perQuery.length > 0 ? s / perQuery.length : 0
    })
  }
  // mteb reports recall@1 as "accuracy" as well (multiple-choice tasks use it as their main score).
  if (kValues.includes(1)) metrics.accuracy = metrics.recall_at_1
  return { metrics, perQuery, evaluatedQueries: perQuery.length }
}
