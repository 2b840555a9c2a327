/**
 * Retrieval evaluation, mteb 2.x's protocol (AbsTaskRetrieval): queries without any qrels row are left
 * out, every query is searched over the whole corpus by exact cosine (top 1000, mteb's largest k), and
 * the run is scored with pytrec_eval's rules (metrics/retrieval-metrics.ts). Main metric ndcg_at_10.
 */
import { exactTopK, normalizeRowsCopy, type TopK } from '../metrics/exact-search'
import { MTEB_K_VALUES, compareIdsDescending, retrievalScores, type QueryMetrics, type Qrels, type RankedHit } from '../metrics/retrieval-metrics'
import { Bm25Index } from '../lexical/bm25'
import { rowWidth, type EmbedFn, type TaskResult } from './types'

export interface RetrievalInput {
  queries: { id: string; text: string }[]
  /** Document text as embedded (a title is usually joined in front: see load/beir.ts). */
  corpus: { id: string; text: string }[]
  qrels: Qrels
  /** Vectors from a model (cosine search) … */
  embed?: EmbedFn
  /** … or the BM25 baseline instead. */
  lexical?: 'bm25'
  kValues?: readonly number[]
}

export interface RetrievalResult extends TaskResult {
  /** Per evaluated query: its metrics at each k of `kValues` (for per-query wins / losses). */
  perQuery: { queryId: string; metrics: QueryMetrics }[]
  kValues: readonly number[]
}

/** Rank of each document in descending-id order, so larger = wins ties (trec_eval's tie-break). */
function descendingIdRanks(ids: readonly string[]): Int32Array {
  const order = ids.map((_, j) => j).sort((a, b) => compareIdsDescending(ids[b], ids[a]))
  const rank = new Int32Array(ids.length)
  order.forEach((j, r) => (rank[j] = r))
  return rank
}

export async function runRetrievalTask(input: RetrievalInput): Promise<RetrievalResult> {
  const warnings: string[] = []
  const kValues = input.kValues ?? MTEB_K_VALUES
  const kMax = Math.max(...kValues)
  const queries = input.queries.filter((q) => input.qrels.has(q.id))
  if (queries.length < input.queries.length)
    warnings.push(`${input.queries.length - queries.length} of ${input.queries.length} queries have no qrels and were not evaluated`)
  const docIds = input.corpus.map((d) => d.id)
  const tieRank = descendingIdRanks(docIds)
  let top: TopK
  if (input.lexical === 'bm25') {
    top = new Bm25Index(input.corpus.map((d) => d.text)).topK(
      queries.map((q) => q.text),
      kMax,
      tieRank,
    )
  } else {
    if (!input.embed) throw new Error('runRetrievalTask: give `embed` or `lexical`')
    const qv = await input.embed(
      queries.map((q) => q.text),
      'query',
    )
    const cv = await input.embed(
      input.corpus.map((d) => d.text),
      'document',
    )
    const d = rowWidth(qv, queries.length, 'query vectors')
    if (rowWidth(cv, input.corpus.length, 'corpus vectors') !== d) throw new Error('query and corpus vectors differ in width')
    top = exactTopK(normalizeRowsCopy(qv, d), normalizeRowsCopy(cv, d), d, kMax, tieRank)
  }
  const runs = new Map<string, RankedHit[]>()
  queries.forEach((q, i) => {
    const hits: RankedHit[] = []
    for (let r = 0; r < top.k; r++) {
      const j = top.indices[i * top.k + r]
      if (j >= 0) hits.push({ docId: docIds[j], score: top.scores[i * top.k + r] })
    }
    runs.set(q.id, hits)
  })
  const scores = retrievalScores(runs, input.qrels, kValues)
  const main = kValues.includes(10) ? 'ndcg_at_10' : `ndcg_at_${kValues[0]}`
  const at10 = kValues.indexOf(10)
  const perQueryTop = scores.perQuery.map((q) => ({
    queryId: q.queryId,
    ndcg10: at10 === -1 ? q.metrics.ndcg[0] : q.metrics.ndcg[at10],
    top: (runs.get(q.queryId) ?? []).slice(0, 10).map((h) => h.docId),
  }))
  return { metrics: scores.metrics, mainMetric: main, mainScore: scores.metrics[main], warnings, perQuery: scores.perQuery, kValues, perQueryTop }
}
