/**
 * Cluster keywords with class-based TF-IDF (c-TF-IDF, as BERTopic's ClassTfidfTransformer):
 *   W(t, c) = tf(t, c) / Σ_t' tf(t', c) · log(1 + A / f(t))
 * with tf(t, c) the count of term t in cluster c, f(t) its count over all clusters, and A the average
 * number of terms per cluster (integer part, as BERTopic); by default times log(lift) (see `distinctive`). Plus exemplars: the rows nearest each centroid.
 *
 * Tokens come from Intl.Segmenter (word granularity; Node's ICU segments Chinese and Japanese by
 * dictionary, e.g. 机器学习是人工智能 → 机器|学习|是|人工|智能), keeping word-like segments, lower-cased,
 * without numbers, punctuation, 1-character Latin tokens, a trailing 's, or stop words (English and
 * Chinese lists in ./stopwords, plus any extra). Optional bigrams of adjacent kept tokens.
 */
import { EmbedMapError } from '../errors'
import { type LongRunOptions, type Matrix, Ticker, dotRows } from './common'
import { EN_STOPWORDS } from './stopwords/en'
import { ZH_STOPWORDS } from './stopwords/zh'

const SINGLE_CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u

export const DEFAULT_STOPWORDS: ReadonlySet<string> = new Set([...EN_STOPWORDS, ...ZH_STOPWORDS])

export interface TokenizeOptions {
  stopwords?: ReadonlySet<string>
  bigrams?: boolean
  /** Segmenter locale (default 'und'; ICU's dictionaries apply to CJK text whatever the locale). */
  locale?: string
}

const segmenters = new Map<string, Intl.Segmenter>()
function segmenter(locale: string): Intl.Segmenter {
  let s = segmenters.get(locale)
  if (!s) {
    s = new Intl.Segmenter(locale, { granularity: 'word' })
    segmenters.set(locale, s)
  }
  return s
}

const NUMBER = /^[\p{N}.,:/%+-]+$/u
const HAS_LETTER = /\p{L}/u
const LATIN_ONE = /^\p{Script=Latin}$/u
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u

export function tokenize(text: string, opts: TokenizeOptions = {}): string[] {
  const stop = opts.stopwords ?? DEFAULT_STOPWORDS
  const out: string[] = []
  for (const seg of segmenter(opts.locale ?? 'und').segment(text.normalize('NFKC'))) {
    if (!seg.isWordLike) continue
    let w = seg.segment.toLowerCase()
    if (w.endsWith("'s") || w.endsWith('’s')) w = w.slice(0, -2)
    if (!w || NUMBER.test(w) || !HAS_LETTER.test(w) || LATIN_ONE.test(w) || stop.has(w)) continue
    out.push(w)
  }
  if (opts.bigrams) {
    const m = out.length
    for (let i = 0; i + 1 < m; i++) {
      const a = out[i]
      const b = out[i + 1]
      out.push(CJK.test(a.slice(-1)) && CJK.test(b[0]) ? a + b : `${a} ${b}`)
    }
  }
  return out
}

export interface ClusterKeywordOptions extends LongRunOptions {
  /** Keywords per cluster (default 10). */
  topN?: number
  bigrams?: boolean
  extraStopwords?: string[]
  /** Replace the built-in stop words. */
  stopwords?: ReadonlySet<string>
  locale?: string
  /** Ignore terms seen fewer times than this in the whole corpus (default 1 = keep all). */
  minCount?: number
  /**
   * Weight c-TF-IDF by log(lift), lift = the term's share of the cluster's words over its share of all
   * words (default true). Why: with few clusters, plain c-TF-IDF ranks words frequent everywhere at
   * the top (on AG News: "reuters", "ap", "afp" topped three of four clusters). Words no more frequent
   * in the cluster than overall (lift ≤ 1) keep a tiny weight, so a single cluster still gets its
   * most frequent words in c-TF-IDF order.
   */
  distinctive?: boolean
  /** For exemplars: the vectors and k×d centroids. */
  X?: Matrix
  centroids?: Float32Array
  /** Exemplars per cluster (default 3). */
  exemplars?: number
}

export interface ClusterKeywords {
  cluster: number
  size: number
  keywords: Array<{ term: string; weight: number }>
  /** Rows nearest the centroid, nearest first (empty without X + centroids). */
  exemplars: number[]
}

/** c-TF-IDF keywords for each cluster id ≥ 0 in `assignments` (rows with −1 are ignored). */
export async function clusterKeywords(texts: ArrayLike<string>, assignments: Int32Array, opts: ClusterKeywordOptions = {}): Promise<ClusterKeywords[]> {
  const n = texts.length
  if (assignments.length !== n) throw new EmbedMapError('BAD_INPUT', `${assignments.length} cluster assignments for ${n} texts`)
  let stop = opts.stopwords ?? DEFAULT_STOPWORDS
  if (opts.extraStopwords?.length) stop = new Set([...stop, ...opts.extraStopwords.map((w) => w.toLowerCase())])
  let k = 0
  for (let i = 0; i < n; i++) k = Math.max(k, assignments[i] + 1)
  const vocab = new Map<string, number>()
  const perCluster: Array<Map<number, number>> = Array.from({ length: k }, () => new Map())
  const sizes = new Int32Array(k)
  const ticker = new Ticker(opts, n + k)
  for (let i = 0; i < n; i++) {
    const c = assignments[i]
    if (c < 0) continue
    sizes[c]++
    const counts = perCluster[c]
    for (const tok of tokenize(String(texts[i] ?? ''), { stopwords: stop, bigrams: opts.bigrams, locale: opts.locale })) {
      // A lone CJK character left by the segmenter is mostly a surname, a measure word or a photo
      // marker such as 图 — poor as a label on its own (it still counts inside bigrams).
      if (SINGLE_CJK.test(tok)) continue
      let id = vocab.get(tok)
      if (id === undefined) {
        id = vocab.size
        vocab.set(tok, id)
      }
      counts.set(id, (counts.get(id) ?? 0) + 1)
    }
    if ((i & 1023) === 1023) await ticker.tick(i)
  }
  const terms: string[] = new Array(vocab.size)
  for (const [t, id] of vocab) terms[id] = t
  const f = new Float64Array(vocab.size)
  let totalTerms = 0
  for (const m of perCluster) {
    for (const [id, c] of m) {
      f[id] += c
      totalTerms += c
    }
  }
  const nonEmpty = perCluster.filter((_, c) => sizes[c] > 0).length
  const A = Math.floor(totalTerms / Math.max(1, nonEmpty))
  const minCount = opts.minCount ?? 1
  const distinctive = opts.distinctive ?? true
  const topN = opts.topN ?? 10
  const ex = opts.X && opts.centroids ? exemplars(opts.X, assignments, opts.centroids, opts.exemplars ?? 3) : null
  const out: ClusterKeywords[] = []
  for (let c = 0; c < k; c++) {
    if (sizes[c] === 0) continue
    const m = perCluster[c]
    let sum = 0
    for (const v of m.values()) sum += v
    const scored: Array<{ term: string; weight: number }> = []
    for (const [id, cnt] of m) {
      if (f[id] < minCount) continue
      const ctfidf = (cnt / sum) * Math.log(1 + A / f[id])
      // lift = the term's share in this cluster over its share in all clusters
      const lift = cnt / sum / (f[id] / totalTerms)
      scored.push({ term: terms[id], weight: distinctive ? ctfidf * Math.max(1e-3, Math.log(lift)) : ctfidf })
    }
    scored.sort((p, q) => q.weight - p.weight || (p.term < q.term ? -1 : 1))
    out.push({ cluster: c, size: sizes[c], keywords: scored.slice(0, topN), exemplars: ex ? Array.from(ex[c] ?? []) : [] })
    await ticker.tick(n + c)
  }
  ticker.done()
  return out
}

/** For each cluster, the `per` member rows with the highest dot product with its centroid. */
export function exemplars(X: Matrix, assignments: Int32Array, centroids: Float32Array, per = 3): Int32Array[] {
  const { data, n, d } = X
  const k = Math.floor(centroids.length / d)
  const bestI = Array.from({ length: k }, () => new Int32Array(per).fill(-1))
  const bestV = Array.from({ length: k }, () => new Float64Array(per).fill(-Infinity))
  for (let i = 0; i < n; i++) {
    const c = assignments[i]
    if (c < 0 || c >= k) continue
    const v = dotRows(data, i, centroids, c, d)
    const bv = bestV[c]
    const bi = bestI[c]
    if (v <= bv[per - 1]) continue
    let p = per - 1
    while (p > 0 && bv[p - 1] < v) {
      bv[p] = bv[p - 1]
      bi[p] = bi[p - 1]
      p--
    }
    bv[p] = v
    bi[p] = i
  }
  return bestI.map((a) => a.filter((i) => i >= 0))
}
