/**
 * BM25 ranking, the lexical baseline for retrieval. Parameters are mteb's own BM25 baseline's, i.e.
 * bm25s defaults: the "lucene" variant, k1 = 1.5, b = 0.75,
 *   idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)),  score = Σ idf · tf / (tf + k1 · (1 − b + b · |d| / avgdl)).
 * Chosen so "does the model beat keywords" compares with the same baseline the MTEB leaderboard shows.
 * Tokens: see tokenize.ts (no stemming / stop words, so English scores sit a little below mteb's
 * stemmed BM25).
 */
import type { TopK } from '../metrics/exact-search'
import { lexicalTokens } from './tokenize'

export interface Bm25Options {
  k1?: number
  b?: number
}

export class Bm25Index {
  private readonly postings = new Map<string, { doc: Int32Array; tf: Float32Array }>()
  private readonly docLength: Float32Array
  private readonly avgLength: number
  readonly size: number

  constructor(
    docs: readonly string[],
    private readonly opts: Bm25Options = {},
  ) {
    this.size = docs.length
    this.docLength = new Float32Array(docs.length)
    const lists = new Map<string, { doc: number[]; tf: number[] }>()
    let total = 0
    docs.forEach((text, i) => {
      const counts = new Map<string, number>()
      const tokens = lexicalTokens(text)
      for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1)
      this.docLength[i] = tokens.length
      total += tokens.length
      for (const [t, c] of counts) {
        let l = lists.get(t)
        if (!l) lists.set(t, (l = { doc: [], tf: [] }))
        l.doc.push(i)
        l.tf.push(c)
      }
    })
    for (const [t, l] of lists) this.postings.set(t, { doc: Int32Array.from(l.doc), tf: Float32Array.from(l.tf) })
    this.avgLength = docs.length ? total / docs.length : 0
  }

  /** Scores of every document for one query (0 for documents sharing no term). */
  scores(query: string, out = new Float64Array(this.size)): Float64Array {
    out.fill(0)
    const k1 = this.opts.k1 ?? 1.5
    const b = this.opts.b ?? 0.75
    const N = this.size
    for (const t of new Set(lexicalTokens(query))) {
      const p = this.postings.get(t)
      if (!p) continue
      const idf = Math.log(1 + (N - p.doc.length + 0.5) / (p.doc.length + 0.5))
      for (let i = 0; i < p.doc.length; i++) {
        const d = p.doc[i]
        const tf = p.tf[i]
        out[d] += (idf * tf) / (tf + k1 * (1 - b + (b * this.docLength[d]) / (this.avgLength || 1)))
      }
    }
    return out
  }

  /** Top k documents per query; equal scores ranked by `tieRank` (larger first), as exactTopK. */
  topK(queries: readonly string[], k: number, tieRank?: Int32Array): TopK {
    const K = Math.min(k, this.size)
    const indices = new Int32Array(queries.length * K).fill(-1)
    const scores = new Float32Array(queries.length * K)
    const tie = tieRank ?? Int32Array.from({ length: this.size }, (_, j) => this.size - j)
    const row = new Float64Array(this.size)
    const order = Array.from({ length: this.size }, (_, j) => j)
    queries.forEach((q, qi) => {
      this.scores(q, row)
      order.sort((a, c) => row[c] - row[a] || tie[c] - tie[a])
      for (let r = 0; r < K; r++) {
        indices[qi * K + r] = order[r]
        scores[qi * K + r] = row[order[r]]
      }
    })
    return { indices, scores, k: K }
  }
}
