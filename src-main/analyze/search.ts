/**
 * Semantic search: the top-k rows by dot product with a (normalized) query vector, blocked with one
 * bounded heap; optional row mask (e.g. from `keywordFilter`). Score = dot = cosine similarity.
 */
import { EmbedMapError } from '../errors'
import { type LongRunOptions, type Matrix, Ticker, TopKHeaps, checkMatrix } from './common'
import { normalizeText } from './duplicates'
import { f32, gemmModel, getOrt, session } from './ort'

export interface SearchOptions extends LongRunOptions {
  /** Only rows with mask[i] ≠ 0 are candidates. */
  mask?: Uint8Array
  /** Use onnxruntime for large matrices (default true). */
  useOnnx?: boolean
}

export interface SearchResult {
  /** Best first. */
  indices: Int32Array
  scores: Float32Array
}

const BLOCK = 65536

export async function searchTopK(X: Matrix, query: Float32Array, k: number, opts: SearchOptions = {}): Promise<SearchResult> {
  checkMatrix(X)
  const { data, n, d } = X
  if (query.length !== d) throw new EmbedMapError('BAD_INPUT', `the query vector has ${query.length} dimensions, the rows ${d}`)
  if (opts.mask && opts.mask.length !== n) throw new EmbedMapError('BAD_INPUT', `mask has ${opts.mask.length} entries for ${n} rows`)
  const kk = Math.max(0, Math.min(k, n))
  const heap = new TopKHeaps(1, Math.max(1, kk))
  const ticker = new Ticker(opts, n)
  const ort = opts.useOnnx !== false && n * d >= 4e6 ? await getOrt() : null
  const sess = ort ? await session(ort, 'gemm', gemmModel) : null
  const sims = new Float32Array(Math.min(n, BLOCK))
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK)
    if (ort && sess) {
      const r = await sess.run({ X: f32(ort, data.subarray(i0 * d, i1 * d), [i1 - i0, d]), C: f32(ort, query, [1, d]) })
      sims.set(r.S.data as Float32Array)
    } else {
      for (let i = i0; i < i1; i++) {
        let s0 = 0
        let s1 = 0
        let s2 = 0
        let s3 = 0
        const o = i * d
        let t = 0
        for (; t + 3 < d; t += 4) {
          s0 += data[o + t] * query[t]
          s1 += data[o + t + 1] * query[t + 1]
          s2 += data[o + t + 2] * query[t + 2]
          s3 += data[o + t + 3] * query[t + 3]
        }
        for (; t < d; t++) s0 += data[o + t] * query[t]
        sims[i - i0] = s0 + s1 + s2 + s3
      }
    }
    const mask = opts.mask
    for (let i = i0; i < i1; i++) {
      if (mask && !mask[i]) continue
      const s = sims[i - i0]
      if (s > heap.threshold(0)) heap.push(0, s, i)
    }
    await ticker.tick(i1)
  }
  ticker.done()
  const indices = new Int32Array(Math.max(1, kk))
  const scores = new Float32Array(Math.max(1, kk))
  heap.sortedInto(0, indices, scores, 0)
  const found = Math.min(kk, heap.count[0])
  return { indices: indices.slice(0, found), scores: scores.slice(0, found) }
}

export interface KeywordFilterOptions {
  /** 'all' (default): every term must occur; 'any': at least one. */
  mode?: 'all' | 'any'
}

/**
 * Row mask of texts containing the query's terms (whitespace-separated; "quoted phrases" stay whole),
 * compared after NFKC + lower-case normalization, as substrings (so it works for Chinese/Japanese too).
 */
export function keywordFilter(texts: ArrayLike<string>, query: string, opts: KeywordFilterOptions = {}): Uint8Array {
  const terms: string[] = []
  const re = /"([^"]+)"|(\S+)/gu
  for (const m of normalizeText(query).matchAll(re)) terms.push(m[1] ?? m[2])
  const n = texts.length
  const mask = new Uint8Array(n)
  if (terms.length === 0) return mask.fill(1)
  const any = opts.mode === 'any'
  for (let i = 0; i < n; i++) {
    const t = normalizeText(String(texts[i] ?? ''))
    mask[i] = (any ? terms.some((w) => t.includes(w)) : terms.every((w) => t.includes(w))) ? 1 : 0
  }
  return mask
}
