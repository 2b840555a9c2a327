/**
 * k-nearest neighbours under cosine distance (1 − dot) for L2-normalized rows.
 *
 * Methods (see bench numbers in the module report / bench/analyze-knn.ts):
 *  - 'exact-onnx':   blocks of queries × all rows through onnxruntime (Gemm + TopK, MLAS on all
 *                    cores). Exact. The default up to `ANN_THRESHOLD` rows.
 *  - 'exact-js':     blocked brute force in plain JS (symmetric tiles, 1×4 register-blocked dot
 *                    products, one bounded heap per row). Exact; the fallback when onnxruntime cannot
 *                    be loaded and the fastest choice for tiny n (no session start).
 *  - 'usearch':      HNSW from the `usearch` package (multi-threaded build + batch search). Approximate;
 *                    the default above `ANN_THRESHOLD` rows.
 *  - 'hnsw':         hnswlib-node (single-threaded build). Approximate. Kept for comparison.
 * 'auto' picks as above and falls back (ANN lib missing → exact-onnx → exact-js), reporting the method
 * it used in the result.
 *
 * Output: indices Int32Array n×k and distances Float32Array n×k, row i sorted by distance ascending,
 * self excluded (if a row has exact duplicates, they appear at distance 0, the row itself never does).
 */
import { EmbedMapError } from '../errors'
import { type LongRunOptions, type Matrix, Ticker, TopKHeaps, checkMatrix } from './common'
import { f32, getOrt, session, simTopKModel } from './ort'

export type KnnMethod = 'auto' | 'exact-onnx' | 'exact-js' | 'usearch' | 'hnsw'

/**
 * Above this many rows 'auto' uses an approximate index. Measured on the 2-core dev VM (AMD EPYC,
 * AVX2), 384-d MiniLM vectors, k = 15, exact-onnx vs usearch (M 16, ef_add 64, ef 64, recall ≈ 0.99):
 * 20k 1.7–1.8 s vs 3.2–3.9 s; 50k 11.6 s vs 11.0 s; 100k 44–49 s vs 26–65 s (usearch's build time
 * varies a lot between runs on this VM). Exact grows with n², the index with ~n log n; the crossover
 * lies between 50k and 100k, so we switch at 75k and stay exact (perfect recall) below.
 */
export const ANN_THRESHOLD = 75_000
/**
 * Up to this many rows 'auto' uses plain JS: at 300 rows JS takes 42 ms and the first onnxruntime call
 * 49 ms (session start); at 1,000 rows JS 204 ms vs onnxruntime 8 ms, at 3,000 1,688 ms vs 44 ms.
 */
export const JS_THRESHOLD = 300

export interface AnnParams {
  /** HNSW M / usearch connectivity (default 16). */
  connectivity?: number
  /** efConstruction / expansion_add (default 64). */
  expansionAdd?: number
  /** ef at query time / expansion_search (default max(64, 2k)). */
  expansionSearch?: number
  /** Seed for hnswlib's level generator (default 100). */
  seed?: number
}

export interface KnnOptions extends LongRunOptions {
  /** Neighbours per row, self excluded (default 15). Clamped to n − 1. */
  k?: number
  method?: KnnMethod
  ann?: AnnParams
  /** Threads for usearch (0 = all). onnxruntime uses EMBEDMAP_ANALYZE_THREADS or all cores. */
  threads?: number
}

export interface KnnResult {
  /** n×k neighbour indices, nearest first (−1 where a row has fewer than k others). */
  indices: Int32Array
  /** n×k cosine distances 1 − dot, ascending (Infinity where index is −1). */
  distances: Float32Array
  n: number
  k: number
  /** The method actually used. */
  method: Exclude<KnnMethod, 'auto'>
  /** Why 'auto' fell back, if it did. */
  note?: string
}

/** kNN of every row against all rows, self excluded. */
export async function knn(X: Matrix, opts: KnnOptions = {}): Promise<KnnResult> {
  checkMatrix(X)
  const n = X.n
  const k = Math.max(0, Math.min(opts.k ?? 15, n - 1))
  const want = opts.method ?? 'auto'
  if (n === 0 || k === 0) {
    return { indices: new Int32Array(0), distances: new Float32Array(0), n, k, method: 'exact-js' }
  }
  const notes: string[] = []
  const order: Array<Exclude<KnnMethod, 'auto'>> =
    want !== 'auto'
      ? [want]
      : n <= JS_THRESHOLD
        ? ['exact-js']
        : n <= ANN_THRESHOLD
          ? ['exact-onnx', 'exact-js']
          : ['usearch', 'hnsw', 'exact-onnx', 'exact-js']
  for (const m of order) {
    const r = await runMethod(m, X, k, opts)
    if (r) {
      if (notes.length) r.note = notes.join('; ')
      return r
    }
    notes.push(`${m} unavailable`)
    if (want !== 'auto') break
  }
  throw new EmbedMapError('INTERNAL', `kNN method ${want} is not available: ${notes.join('; ')}`, 'use method "auto" or "exact-js"')
}

async function runMethod(m: Exclude<KnnMethod, 'auto'>, X: Matrix, k: number, opts: KnnOptions): Promise<KnnResult | null> {
  switch (m) {
    case 'exact-js':
      return knnExactJs(X, k, opts)
    case 'exact-onnx':
      return knnExactOnnx(X, k, opts)
    case 'usearch':
      return knnUsearch(X, k, opts)
    case 'hnsw':
      return knnHnsw(X, k, opts)
  }
}

// ---- exact, plain JS ---------------------------------------------------------------------------------

const JS_BLOCK = 128

/**
 * Exact kNN in plain JS: tiles of 128 rows × 128 rows, only tiles on or above the diagonal (each dot
 * product is used for both rows), a 1×4 register-blocked inner kernel, one bounded min-heap (on
 * similarity) per row.
 */
export async function knnExactJs(X: Matrix, k: number, opts: LongRunOptions = {}): Promise<KnnResult> {
  const { data, n, d } = X
  const heaps = new TopKHeaps(n, k)
  const nb = Math.ceil(n / JS_BLOCK)
  const ticker = new Ticker(opts, (nb * (nb + 1)) / 2)
  const tile = new Float32Array(JS_BLOCK * JS_BLOCK)
  let doneTiles = 0
  for (let bi = 0; bi < nb; bi++) {
    const i0 = bi * JS_BLOCK
    const i1 = Math.min(n, i0 + JS_BLOCK)
    for (let bj = bi; bj < nb; bj++) {
      const j0 = bj * JS_BLOCK
      const j1 = Math.min(n, j0 + JS_BLOCK)
      const w = j1 - j0
      dotTile(data, i0, i1, j0, j1, d, tile)
      for (let i = i0; i < i1; i++) {
        const row = (i - i0) * w
        for (let j = j0; j < j1; j++) {
          if (bi === bj && j <= i) continue
          const s = tile[row + j - j0]
          if (s > heaps.threshold(i)) heaps.push(i, s, j)
          if (s > heaps.threshold(j)) heaps.push(j, s, i)
        }
      }
      await ticker.tick(++doneTiles)
    }
  }
  ticker.done()
  return finishFromHeaps(heaps, n, k, 'exact-js')
}

/** out[(i−i0)·w + (j−j0)] = row i · row j, for i in [i0,i1), j in [j0,j1). */
export function dotTile(A: Float32Array, i0: number, i1: number, j0: number, j1: number, d: number, out: Float32Array, B: Float32Array = A): void {
  const w = j1 - j0
  for (let i = i0; i < i1; i++) {
    const a = i * d
    const o = (i - i0) * w - j0
    let j = j0
    for (; j + 3 < j1; j += 4) {
      const b0 = j * d
      const b1 = b0 + d
      const b2 = b1 + d
      const b3 = b2 + d
      let s0 = 0
      let s1 = 0
      let s2 = 0
      let s3 = 0
      for (let t = 0; t < d; t++) {
        const x = A[a + t]
        s0 += x * B[b0 + t]
        s1 += x * B[b1 + t]
        s2 += x * B[b2 + t]
        s3 += x * B[b3 + t]
      }
      out[o + j] = s0
      out[o + j + 1] = s1
      out[o + j + 2] = s2
      out[o + j + 3] = s3
    }
    for (; j < j1; j++) {
      const b = j * d
      let s = 0
      for (let t = 0; t < d; t++) s += A[a + t] * B[b + t]
      out[o + j] = s
    }
  }
}

function finishFromHeaps(heaps: TopKHeaps, n: number, k: number, method: KnnResult['method']): KnnResult {
  const indices = new Int32Array(n * k)
  const distances = new Float32Array(n * k)
  for (let i = 0; i < n; i++) {
    heaps.sortedInto(i, indices, distances, i * k)
    for (let t = i * k; t < i * k + k; t++) distances[t] = indices[t] < 0 ? Infinity : Math.max(0, 1 - distances[t])
  }
  return { indices, distances, n, k, method }
}

// ---- exact, onnxruntime --------------------------------------------------------------------------------

/** Exact kNN with onnxruntime: per block of queries, Gemm against all rows and TopK(k+1). */
export async function knnExactOnnx(X: Matrix, k: number, opts: LongRunOptions = {}): Promise<KnnResult | null> {
  const ort = await getOrt()
  if (!ort) return null
  const { data, n, d } = X
  const K = Math.min(n, k + 1)
  const sess = await session(ort, `simTopK:${K}`, () => simTopKModel(K))
  // keep the block's similarity matrix under ~64M floats (256 MB)
  const block = Math.max(16, Math.min(1024, Math.floor(64e6 / n)))
  const indices = new Int32Array(n * k)
  const distances = new Float32Array(n * k)
  const ticker = new Ticker(opts, n)
  const C = f32(ort, data, [n, d])
  for (let i0 = 0; i0 < n; i0 += block) {
    const i1 = Math.min(n, i0 + block)
    const out = await sess.run({ Q: f32(ort, data.subarray(i0 * d, i1 * d), [i1 - i0, d]), C })
    dropSelf(out.indices.data as BigInt64Array, out.values.data as Float32Array, i0, i1, K, k, indices, distances, true)
    await ticker.tick(i1)
  }
  ticker.done()
  return { indices, distances, n, k, method: 'exact-onnx' }
}

/**
 * Copies per-row candidate lists (K per row, best first) into the n×k output without the row itself.
 * `sims`: values are similarities (1 − d applied) or already distances.
 */
function dropSelf(
  idx: BigInt64Array | BigUint64Array,
  vals: Float32Array,
  i0: number,
  i1: number,
  K: number,
  k: number,
  outIdx: Int32Array,
  outDist: Float32Array,
  sims: boolean,
): void {
  for (let i = i0; i < i1; i++) {
    const src = (i - i0) * K
    let o = i * k
    const end = o + k
    for (let t = 0; t < K && o < end; t++) {
      const j = Number(idx[src + t])
      if (j === i) continue
      if (j < 0 || j >= 0x7fffffff) continue // usearch pads missing results with max keys
      const v = vals[src + t]
      outIdx[o] = j
      outDist[o] = sims ? Math.max(0, 1 - v) : Math.max(0, v)
      o++
    }
    for (; o < end; o++) {
      outIdx[o] = -1
      outDist[o] = Infinity
    }
  }
}

// ---- usearch ------------------------------------------------------------------------------------------

interface UsearchModule {
  Index: new (cfg: Record<string, unknown>) => {
    add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void
    search(vectors: Float32Array, k: number, threads: number): { keys: BigUint64Array; distances: Float32Array }
  }
  MetricKind: { IP: string }
  ScalarKind: { F32: string; F16: string }
}

/**
 * Imports an optional package (usearch, hnswlib-node, umap-js) by a runtime name, so neither tsc nor
 * the bundler needs it installed; null when it is missing or fails to load.
 */
export async function loadOptional<T>(name: string): Promise<T | null> {
  try {
    const m = (await import(/* @vite-ignore */ name)) as { default?: T } & T
    return (m.default ?? m) as T
  } catch {
    return null
  }
}

const USEARCH_ADD_BLOCK = 8192

async function knnUsearch(X: Matrix, k: number, opts: KnnOptions): Promise<KnnResult | null> {
  const us = await loadOptional<UsearchModule>('usearch')
  if (!us?.Index) return null
  const { data, n, d } = X
  const K = Math.min(n, k + 1)
  const threads = opts.threads ?? 0
  const indices = new Int32Array(n * k)
  const distances = new Float32Array(n * k)
  const p = opts.ann ?? {}
  const index = new us.Index({
    dimensions: d,
    metric: us.MetricKind.IP,
    // Half-precision copies: measured at 100k × 384 (2 cores) F16 built in 9.1 s vs 16.5 s for F32 with
    // the same recall@16 (0.994 vs 0.990), and halves the index's copy of the vectors (0.75 GB less
    // at 1M rows, which keeps a 1M-row analysis under 4 GB). I8 was faster still but recall fell to 0.96.
    quantization: us.ScalarKind.F16,
    connectivity: p.connectivity ?? 16,
    expansion_add: p.expansionAdd ?? 64,
    expansion_search: p.expansionSearch ?? Math.max(64, 2 * K),
    multi: false,
  })
  // two phases for progress: build (n) then search (n)
  const ticker = new Ticker(opts, 2 * n)
  for (let i0 = 0; i0 < n; i0 += USEARCH_ADD_BLOCK) {
    const i1 = Math.min(n, i0 + USEARCH_ADD_BLOCK)
    const keys = new BigUint64Array(i1 - i0)
    for (let i = i0; i < i1; i++) keys[i - i0] = BigInt(i)
    index.add(keys, data.subarray(i0 * d, i1 * d), threads)
    await ticker.tick(i1)
  }
  for (let i0 = 0; i0 < n; i0 += USEARCH_ADD_BLOCK) {
    const i1 = Math.min(n, i0 + USEARCH_ADD_BLOCK)
    const r = index.search(data.subarray(i0 * d, i1 * d), K, threads)
    dropSelf(r.keys, r.distances, i0, i1, K, k, indices, distances, false)
    await ticker.tick(n + i1)
  }
  ticker.done()
  return { indices, distances, n, k, method: 'usearch' }
}

// ---- hnswlib-node -------------------------------------------------------------------------------------

interface HnswModule {
  HierarchicalNSW: new (
    space: string,
    dim: number,
  ) => {
    initIndex(max: number, m?: number, efConstruction?: number, seed?: number): void
    addPoint(p: number[] | Float32Array, label: number): void
    setEf(ef: number): void
    searchKnn(q: number[] | Float32Array, k: number): { distances: number[]; neighbors: number[] }
  }
}

async function knnHnsw(X: Matrix, k: number, opts: KnnOptions): Promise<KnnResult | null> {
  const h = await loadOptional<HnswModule>('hnswlib-node')
  if (!h?.HierarchicalNSW) return null
  const { data, n, d } = X
  const K = Math.min(n, k + 1)
  const p = opts.ann ?? {}
  const index = new h.HierarchicalNSW('ip', d)
  index.initIndex(n, p.connectivity ?? 16, p.expansionAdd ?? 64, p.seed ?? 100)
  const ticker = new Ticker(opts, 2 * n)
  // hnswlib-node wants a plain array per call; reuse one scratch array (no per-row allocation)
  const scratch: number[] = new Array<number>(d).fill(0)
  const load = (i: number) => {
    for (let t = 0; t < d; t++) scratch[t] = data[i * d + t]
  }
  for (let i = 0; i < n; i++) {
    load(i)
    index.addPoint(scratch, i)
    if ((i & 255) === 255) await ticker.tick(i)
  }
  index.setEf(p.expansionSearch ?? Math.max(64, 2 * K))
  const indices = new Int32Array(n * k)
  const distances = new Float32Array(n * k)
  const ki = new BigInt64Array(K)
  const kv = new Float32Array(K)
  for (let i = 0; i < n; i++) {
    load(i)
    const r = index.searchKnn(scratch, K)
    // nearest first; 'ip' distance is 1 − dot
    const c = r.neighbors.length
    for (let t = 0; t < K; t++) {
      ki[t] = t < c ? BigInt(r.neighbors[t]) : -1n
      kv[t] = t < c ? r.distances[t] : Infinity
    }
    dropSelf(ki, kv, i, i + 1, K, k, indices, distances, false)
    if ((i & 255) === 255) await ticker.tick(n + i)
  }
  ticker.done()
  return { indices, distances, n, k, method: 'hnsw' }
}

// ---- queries against a base set ------------------------------------------------------------------------

/**
 * Exact kNN of query rows Q against base rows B (no self exclusion): per query the k most similar
 * base rows, distance 1 − dot. onnxruntime when available, plain JS otherwise.
 */
export async function knnQuery(B: Matrix, Q: Matrix, k: number, opts: LongRunOptions & { useOnnx?: boolean } = {}): Promise<KnnResult> {
  checkMatrix(B, 'base vectors')
  checkMatrix(Q, 'query vectors')
  if (B.d !== Q.d) throw new EmbedMapError('BAD_INPUT', `query vectors have ${Q.d} dimensions, base vectors ${B.d}`)
  const K = Math.min(k, B.n)
  const indices = new Int32Array(Q.n * K)
  const distances = new Float32Array(Q.n * K)
  const d = B.d
  const ort = opts.useOnnx === false || Q.n * B.n < 2e6 ? null : await getOrt()
  const ticker = new Ticker(opts, Q.n)
  if (ort && K > 0) {
    const sess = await session(ort, `simTopK:${K}`, () => simTopKModel(K))
    const block = Math.max(16, Math.min(1024, Math.floor(64e6 / B.n)))
    const C = f32(ort, B.data, [B.n, d])
    for (let i0 = 0; i0 < Q.n; i0 += block) {
      const i1 = Math.min(Q.n, i0 + block)
      const out = await sess.run({ Q: f32(ort, Q.data.subarray(i0 * d, i1 * d), [i1 - i0, d]), C })
      const idx = out.indices.data as BigInt64Array
      const val = out.values.data as Float32Array
      for (let t = 0; t < (i1 - i0) * K; t++) {
        indices[i0 * K + t] = Number(idx[t])
        distances[i0 * K + t] = Math.max(0, 1 - val[t])
      }
      await ticker.tick(i1)
    }
    ticker.done()
    return { indices, distances, n: Q.n, k: K, method: 'exact-onnx' }
  }
  const QB = 64
  const CB = 512
  const heaps = new TopKHeaps(QB, Math.max(1, K))
  const tile = new Float32Array(QB * CB)
  for (let i0 = 0; i0 < Q.n; i0 += QB) {
    const i1 = Math.min(Q.n, i0 + QB)
    heaps.count.fill(0)
    for (let j0 = 0; j0 < B.n; j0 += CB) {
      const j1 = Math.min(B.n, j0 + CB)
      dotTileAB(Q.data, i0, i1, B.data, j0, j1, d, tile)
      const w = j1 - j0
      for (let i = i0; i < i1; i++) {
        const q = i - i0
        for (let j = j0; j < j1; j++) {
          const s = tile[q * w + j - j0]
          if (s > heaps.threshold(q)) heaps.push(q, s, j)
        }
      }
    }
    for (let i = i0; i < i1; i++) {
      if (K === 0) continue
      heaps.sortedInto(i - i0, indices, distances, i * K)
      for (let t = i * K; t < i * K + K; t++) distances[t] = indices[t] < 0 ? Infinity : Math.max(0, 1 - distances[t])
    }
    await ticker.tick(i1)
  }
  ticker.done()
  return { indices, distances, n: Q.n, k: K, method: 'exact-js' }
}

/** out[(i−i0)·w + (j−j0)] = A row i · B row j. */
export function dotTileAB(A: Float32Array, i0: number, i1: number, B: Float32Array, j0: number, j1: number, d: number, out: Float32Array): void {
  dotTile(A, i0, i1, j0, j1, d, out, B)
}

/** Fraction of true neighbours found (recall@k), comparing row by row as sets. */
export function recallAtK(approx: KnnResult, truth: KnnResult): number {
  const { n, k } = truth
  let hit = 0
  let total = 0
  const set = new Set<number>()
  for (let i = 0; i < n; i++) {
    set.clear()
    for (let t = 0; t < k; t++) if (truth.indices[i * k + t] >= 0) set.add(truth.indices[i * k + t])
    for (let t = 0; t < approx.k; t++) if (set.has(approx.indices[i * approx.k + t])) hit++
    total += set.size
  }
  return total === 0 ? 1 : hit / total
}
