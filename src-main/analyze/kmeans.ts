/**
 * Spherical (cosine) k-means on L2-normalized rows, exact cosine silhouette, and k selection.
 *
 * k-means: greedy k-means++ init (sklearn's: 2 + ⌊ln k⌋ candidates per step, seeded), `restarts` runs
 * (keep the lowest inertia), Lloyd iterations where a row goes to the centroid with the largest dot
 * product and centroids are the re-normalized means; empty clusters take the rows farthest from their
 * centroids; stops when the summed squared centroid shift ≤ tol · mean feature variance (sklearn's
 * rule) or no row changes cluster. The X·Cᵀ products run through onnxruntime (Gemm + TopK) when it
 * loads, else plain JS.
 *
 * Lloyd steps use Hamerly's bounds (exact: the same assignments as plain Lloyd): per row an upper bound
 * on the distance to its own centroid and a lower bound on the distance to any other, both moved by how
 * far the centroids moved, so a row is recomputed only when its bounds no longer prove its assignment.
 * After the first few steps most rows are skipped; per-cluster sums are kept up to date with the rows
 * that changed cluster only. (Distances are ‖x − ĉ‖ = √(2 − 2·x·ĉ) between unit vectors, so the triangle
 * inequality holds.) Measured against sklearn's Lloyd in bench/analyze.ts.
 *
 * Inertia is reported the way sklearn defines it — Σᵢ ‖xᵢ − μ_c(i)‖² with μ_c the (unnormalized) mean of
 * cluster c — so it can be compared with sklearn.cluster.KMeans.inertia_.
 */
import { EmbedMapError } from '../errors'
import { type LongRunOptions, type Matrix, Ticker, checkMatrix, dotRows, sampleIndices, seededRandom, subProgress, takeRows } from './common'
import { dotTile } from './knn'
import { BoundedLloyd, type KMeansEngine } from './kmeans-lloyd'
import { assignModel, f32, gemmModel, getOrt, session, simTopKModel } from './ort'

export interface KMeansOptions extends LongRunOptions {
  k: number
  /** Independent k-means++ starts; the lowest inertia wins (default 3). */
  restarts?: number
  maxIter?: number
  /** Relative tolerance, as sklearn's `tol` (default 1e-4). */
  tol?: number
  seed?: number
  /** Use onnxruntime for the products when it loads (default true). */
  useOnnx?: boolean
  /** k×d starting centroids (unit rows) instead of k-means++: one run, no restarts. */
  init?: Float32Array
}

export interface KMeansResult {
  k: number
  assignments: Int32Array
  /** k×d, unit length (a cluster that stayed empty keeps a zero row). */
  centroids: Float32Array
  sizes: Int32Array
  /** sklearn-comparable: Σ ‖x − mean of its cluster‖². */
  inertia: number
  /** Σ (1 − x·ĉ): the spherical objective. */
  cosineInertia: number
  /** Lloyd iterations of the winning run. */
  iterations: number
  restarts: number
  note?: string
}

type Engine = KMeansEngine

async function makeEngine(X: Matrix, useOnnx: boolean): Promise<Engine> {
  const { data, d } = X
  const ort = useOnnx && X.n * d >= 2e5 ? await getOrt() : null
  if (ort) {
    const gemm = await session(ort, 'gemm', gemmModel)
    return {
      name: 'onnx',
      async dots(i0, i1, C, m, out) {
        const r = await gemm.run({ X: f32(ort, data.subarray(i0 * d, i1 * d), [i1 - i0, d]), C: f32(ort, C.subarray(0, m * d), [m, d]) })
        out.set(r.S.data as Float32Array)
      },
      async assign(i0, i1, C, k, assign, best, sums, counts) {
        const s = await session(ort, `assign:${k}`, () => assignModel(k))
        const r = await s.run({ X: f32(ort, data.subarray(i0 * d, i1 * d), [i1 - i0, d]), C: f32(ort, C, [k, d]) })
        const a = r.assign.data as BigInt64Array
        const b = r.best.data as Float32Array
        for (let i = i0; i < i1; i++) {
          assign[i] = Number(a[i - i0])
          best[i] = b[i - i0]
        }
        const sm = r.sums.data as Float32Array
        const cn = r.counts.data as Float32Array
        for (let t = 0; t < k * d; t++) sums[t] += sm[t]
        for (let c = 0; c < k; c++) counts[c] += cn[c]
      },
      async top(rows, m, C, k, kk, idx, val) {
        const s = await session(ort, `simTopK:${kk}`, () => simTopKModel(kk))
        const r = await s.run({ Q: f32(ort, rows.subarray(0, m * d), [m, d]), C: f32(ort, C.subarray(0, k * d), [k, d]) })
        const ri = r.indices.data as BigInt64Array
        for (let t = 0; t < m * kk; t++) idx[t] = Number(ri[t])
        val.set((r.values.data as Float32Array).subarray(0, m * kk))
      },
    }
  }
  return {
    name: 'js',
    async dots(i0, i1, C, m, out) {
      dotTile(data, i0, i1, 0, m, d, out, C)
    },
    async assign(i0, i1, C, k, assign, best, sums, counts) {
      const tile = new Float32Array((i1 - i0) * k)
      dotTile(data, i0, i1, 0, k, d, tile, C)
      for (let i = i0; i < i1; i++) {
        let bc = 0
        let bv = -Infinity
        for (let c = 0; c < k; c++) {
          const v = tile[(i - i0) * k + c]
          if (v > bv) {
            bv = v
            bc = c
          }
        }
        assign[i] = bc
        best[i] = bv
        counts[bc]++
        const o = i * d
        const so = bc * d
        for (let t = 0; t < d; t++) sums[so + t] += data[o + t]
      }
    },
    async top(rows, m, C, k, kk, idx, val) {
      const tile = new Float32Array(m * k)
      dotTile(rows, 0, m, 0, k, d, tile, C)
      for (let i = 0; i < m; i++) {
        let b1 = -1
        let b2 = -1
        for (let c = 0; c < k; c++) {
          const v = tile[i * k + c]
          if (b1 < 0 || v > tile[i * k + b1]) {
            b2 = b1
            b1 = c
          } else if (b2 < 0 || v > tile[i * k + b2]) b2 = c
        }
        idx[i * kk] = b1
        val[i * kk] = tile[i * k + b1]
        if (kk > 1) {
          idx[i * kk + 1] = b2
          val[i * kk + 1] = tile[i * k + b2]
        }
      }
    },
  }
}

const BLOCK = 32768

/** k-means++ (greedy, as sklearn): returns k×d initial centroids (rows of X). */
async function kmeansPlusPlus(X: Matrix, k: number, rand: () => number, eng: Engine, ticker: Ticker, progressBase: number): Promise<Float32Array> {
  const { data, n, d } = X
  const C = new Float32Array(k * d)
  const trials = 2 + Math.floor(Math.log(k))
  const closest = new Float64Array(n) // squared distance to nearest chosen centre: 2 − 2·dot
  const first = Math.floor(rand() * n)
  C.set(data.subarray(first * d, first * d + d), 0)
  const buf = new Float32Array(Math.min(n, BLOCK) * trials)
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK)
    await eng.dots(i0, i1, C, 1, buf)
    for (let i = i0; i < i1; i++) closest[i] = Math.max(0, 2 - 2 * buf[i - i0])
  }
  let pot = 0
  for (let i = 0; i < n; i++) pot += closest[i]
  const cand = new Int32Array(trials)
  const candC = new Float32Array(trials * d)
  const candPot = new Float64Array(trials)
  // squared distances of every row to this step's candidates (n × trials)
  const candDist = new Float32Array(n * trials)
  for (let c = 1; c < k; c++) {
    // sample candidates proportional to closest (binary search over the running sum)
    for (let t = 0; t < trials; t++) {
      const r = rand() * pot
      let acc = 0
      let pick = n - 1
      for (let i = 0; i < n; i++) {
        acc += closest[i]
        if (acc > r) {
          pick = i
          break
        }
      }
      if (pot <= 0) pick = Math.floor(rand() * n)
      cand[t] = pick
      candC.set(data.subarray(pick * d, pick * d + d), t * d)
    }
    candPot.fill(0)
    for (let i0 = 0; i0 < n; i0 += BLOCK) {
      const i1 = Math.min(n, i0 + BLOCK)
      await eng.dots(i0, i1, candC, trials, buf)
      for (let i = i0; i < i1; i++) {
        for (let t = 0; t < trials; t++) {
          const dist = Math.max(0, 2 - 2 * buf[(i - i0) * trials + t])
          candDist[i * trials + t] = dist
          candPot[t] += Math.min(closest[i], dist)
        }
      }
    }
    let bt = 0
    for (let t = 1; t < trials; t++) if (candPot[t] < candPot[bt]) bt = t
    // update closest with the chosen candidate (its distances kept from the pass above, as sklearn does)
    pot = 0
    for (let i = 0; i < n; i++) {
      closest[i] = Math.min(closest[i], candDist[i * trials + bt])
      pot += closest[i]
    }
    C.set(candC.subarray(bt * d, bt * d + d), c * d)
    await ticker.tick(progressBase)
  }
  return C
}

function meanVariance(X: Matrix): number {
  const { data, n, d } = X
  const mean = new Float64Array(d)
  const sq = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    const o = i * d
    for (let j = 0; j < d; j++) {
      const v = data[o + j]
      mean[j] += v
      sq[j] += v * v
    }
  }
  let s = 0
  for (let j = 0; j < d; j++) {
    const m = mean[j] / n
    s += sq[j] / n - m * m
  }
  return s / d
}

/** Spherical k-means. n < k or n ≤ 1: every row is its own cluster (with a note), no error. */
export async function kmeans(X: Matrix, opts: KMeansOptions): Promise<KMeansResult> {
  checkMatrix(X)
  const { data, n, d } = X
  const kWanted = Math.floor(opts.k)
  if (!(kWanted >= 1)) throw new EmbedMapError('BAD_INPUT', `k must be at least 1 (got ${opts.k})`)
  if (n === 0) {
    return {
      k: 0,
      assignments: new Int32Array(0),
      centroids: new Float32Array(0),
      sizes: new Int32Array(0),
      inertia: 0,
      cosineInertia: 0,
      iterations: 0,
      restarts: 0,
      note: 'no rows',
    }
  }
  if (n <= kWanted) {
    // one cluster per row
    const centroids = new Float32Array(n * d)
    centroids.set(data.subarray(0, n * d))
    return {
      k: n,
      assignments: Int32Array.from({ length: n }, (_, i) => i),
      centroids,
      sizes: new Int32Array(n).fill(1),
      inertia: 0,
      cosineInertia: 0,
      iterations: 0,
      restarts: 0,
      note: `only ${n} rows for k = ${kWanted}: each row is its own cluster`,
    }
  }
  const k = kWanted
  if (opts.init && opts.init.length !== k * d) throw new EmbedMapError('BAD_INPUT', `init has ${opts.init.length} values, not k×d = ${k * d}`)
  const restarts = opts.init ? 1 : Math.max(1, opts.restarts ?? 3)
  const maxIter = opts.maxIter ?? 300
  const tol = (opts.tol ?? 1e-4) * meanVariance(X)
  const eng = await makeEngine(X, opts.useOnnx !== false)
  const rand = seededRandom(opts.seed ?? 0)
  const perRun = k + maxIter
  const ticker = new Ticker(opts, restarts * perRun)
  let best: KMeansResult | null = null
  let normSq = 0
  for (let i = 0; i < n * d; i++) normSq += data[i] * data[i]
  const assign = new Int32Array(n)
  const bestSim = new Float32Array(n)
  const sums = new Float64Array(k * d)
  const counts = new Float64Array(k)
  const lloyd = new BoundedLloyd(X, k, eng, assign, bestSim, sums, counts)
  for (let run = 0; run < restarts; run++) {
    const base = run * perRun
    const C = opts.init ? Float32Array.from(opts.init) : await kmeansPlusPlus(X, k, rand, eng, ticker, base)
    let iterations = 0
    lloyd.reset()
    for (let it = 0; it < maxIter; it++) {
      const changed = await lloyd.assignStep(C, () => ticker.tick(base + k + it))
      iterations = it + 1
      // empty clusters take the rows farthest from their centroid
      lloyd.forget(relocateEmpty(X, k, assign, bestSim, sums, counts))
      const shift = lloyd.updateCentroids(C)
      if (changed === 0 || shift <= tol) break
    }
    // final assignment against the final centroids, and the statistics
    sums.fill(0)
    counts.fill(0)
    for (let i0 = 0; i0 < n; i0 += BLOCK) {
      const i1 = Math.min(n, i0 + BLOCK)
      await eng.assign(i0, i1, C, k, assign, bestSim, sums, counts)
    }
    let inertia = normSq
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue
      let s = 0
      for (let t = 0; t < d; t++) s += sums[c * d + t] ** 2
      inertia -= s / counts[c]
    }
    let cos = 0
    for (let i = 0; i < n; i++) cos += 1 - bestSim[i]
    inertia = Math.max(0, inertia)
    if (!best || inertia < best.inertia) {
      const sizes = new Int32Array(k)
      for (let i = 0; i < n; i++) sizes[assign[i]]++
      best = { k, assignments: assign.slice(), centroids: C.slice(), sizes, inertia, cosineInertia: cos, iterations, restarts }
      const nonEmpty = sizes.filter((v) => v > 0).length
      if (nonEmpty < k)
        best.note = `only ${nonEmpty} distinct clusters found for k = ${k} (the rows have fewer distinct directions); ${k - nonEmpty} clusters are empty`
    }
    await ticker.tick(base + perRun)
  }
  ticker.done()
  return best!
}

/** Gives each empty cluster the worst-fitting row of a cluster that can spare one; returns the rows moved. */
function relocateEmpty(X: Matrix, k: number, assign: Int32Array, bestSim: Float32Array, sums: Float64Array, counts: Float64Array): number[] {
  const { data, n, d } = X
  const moved: number[] = []
  let empty = 0
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty++
  if (empty === 0) return moved
  // rows sorted by how badly they fit (lowest similarity first)
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => bestSim[a] - bestSim[b])
  let p = 0
  for (let c = 0; c < k; c++) {
    if (counts[c] !== 0) continue
    while (p < n && counts[assign[order[p]]] <= 1) p++
    if (p >= n) break
    const i = order[p++]
    const old = assign[i]
    for (let t = 0; t < d; t++) {
      sums[old * d + t] -= data[i * d + t]
      sums[c * d + t] = data[i * d + t]
    }
    counts[old]--
    counts[c] = 1
    assign[i] = c
    bestSim[i] = 1
    moved.push(i)
  }
  return moved
}

// ---- silhouette ----------------------------------------------------------------------------------------------

export interface SilhouetteOptions extends LongRunOptions {
  /** Score only this many randomly chosen rows (default: all rows — it is O(n·k·d) anyway). */
  sampleSize?: number
  seed?: number
}

/**
 * Mean silhouette with cosine distance (sklearn.metrics.silhouette_score(X, labels, metric='cosine')).
 * For unit rows the mean distance from x to a cluster is 1 − x·(Σ members)/size, so this is exact and
 * O(n·k·d) rather than O(n²·d). Rows in singleton clusters score 0 (as sklearn). Returns NaN when the
 * number of distinct labels is not in [2, n − 1] (sklearn raises there).
 */
export async function silhouette(X: Matrix, labels: Int32Array, opts: SilhouetteOptions = {}): Promise<number> {
  checkMatrix(X)
  const { data, n, d } = X
  if (labels.length !== n) throw new EmbedMapError('BAD_INPUT', `${labels.length} labels for ${n} rows`)
  let maxL = -1
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0) throw new EmbedMapError('BAD_INPUT', 'labels must be ≥ 0')
    maxL = Math.max(maxL, labels[i])
  }
  const k = maxL + 1
  const sizes = new Int32Array(k)
  for (let i = 0; i < n; i++) sizes[labels[i]]++
  let distinct = 0
  for (let c = 0; c < k; c++) if (sizes[c] > 0) distinct++
  if (distinct < 2 || distinct > n - 1) return NaN
  const sums = new Float32Array(k * d)
  const acc = new Float64Array(k * d)
  for (let i = 0; i < n; i++) {
    const o = i * d
    const so = labels[i] * d
    for (let t = 0; t < d; t++) acc[so + t] += data[o + t]
  }
  sums.set(acc)
  const rows = opts.sampleSize && opts.sampleSize < n ? sampleIndices(n, opts.sampleSize, seededRandom(opts.seed ?? 0)) : null
  const m = rows ? rows.length : n
  const ticker = new Ticker(opts, m)
  const eng = await makeEngine(X, true)
  let total = 0
  const blk = 8192
  const buf = new Float32Array(Math.min(n, blk) * k)
  const one = new Float32Array(k)
  for (let r0 = 0; r0 < m; r0 += blk) {
    const r1 = Math.min(m, r0 + blk)
    if (!rows) await eng.dots(r0, r1, sums, k, buf)
    for (let r = r0; r < r1; r++) {
      const i = rows ? rows[r] : r
      let dots: Float32Array
      let off: number
      if (rows) {
        for (let c = 0; c < k; c++) one[c] = dotRows(data, i, sums, c, d)
        dots = one
        off = 0
      } else {
        dots = buf
        off = (r - r0) * k
      }
      const li = labels[i]
      if (sizes[li] <= 1) continue
      const self = dotRows(data, i, data, i, d)
      const a = 1 - (dots[off + li] - self) / (sizes[li] - 1)
      let b = Infinity
      for (let c = 0; c < k; c++) {
        if (c === li || sizes[c] === 0) continue
        const v = 1 - dots[off + c] / sizes[c]
        if (v < b) b = v
      }
      const den = Math.max(a, b)
      total += den > 0 ? (b - a) / den : 0
    }
    await ticker.tick(r1)
  }
  ticker.done()
  return total / m
}

// ---- choosing k ------------------------------------------------------------------------------------------------

export interface ChooseKOptions extends LongRunOptions {
  kMin?: number
  /** Default min(20, n − 1). */
  kMax?: number
  restarts?: number
  seed?: number
  maxIter?: number
  silhouetteSampleSize?: number
  /**
   * Above this many rows the sweep over k runs on a random sample of `sampleSize` rows, and only the
   * chosen k is then fitted on every row, starting from the sample's centroids (default 25,000 / 25,000).
   * Why: the sweep is 19 k-means fits with restarts — measured 160 s at 50k rows on 2 cores, about an
   * hour at 1M — while the silhouette of a 25k sample is as good a guide to k, and the final fit still
   * sees every row.
   */
  sampleThreshold?: number
  sampleSize?: number
}

export interface ChooseKResult {
  bestK: number
  curve: Array<{ k: number; silhouette: number; inertia: number }>
  /** The k-means result for bestK. */
  best: KMeansResult | null
  note?: string
}

/** Runs k-means for each k in [kMin, kMax] and picks the k with the highest silhouette. */
export async function chooseK(X: Matrix, opts: ChooseKOptions = {}): Promise<ChooseKResult> {
  checkMatrix(X)
  const n = X.n
  const kMin = Math.max(2, opts.kMin ?? 2)
  const kMax = Math.min(opts.kMax ?? 20, n - 1)
  if (n <= 2 || kMax < kMin) {
    const single = n > 0 ? await kmeans(X, { k: 1, seed: opts.seed, restarts: 1 }) : null
    return { bestK: Math.min(1, n), curve: [], best: single, note: `only ${n} rows: silhouette needs 2 ≤ k ≤ n − 1, so everything is one cluster` }
  }
  const threshold = opts.sampleThreshold ?? 25_000
  if (n > threshold) {
    const size = Math.min(n, opts.sampleSize ?? 25_000)
    const rows = sampleIndices(n, size, seededRandom(opts.seed ?? 0))
    const swept = await chooseK(takeRows(X, rows), {
      ...opts,
      sampleThreshold: Infinity,
      onProgress: subProgress(opts.onProgress, 0, 60, 100),
    })
    const best = swept.best
      ? await kmeans(X, {
          k: swept.bestK,
          init: swept.best.centroids,
          seed: opts.seed,
          maxIter: opts.maxIter,
          signal: opts.signal,
          onProgress: subProgress(opts.onProgress, 60, 100, 100),
        })
      : null
    const note = `k chosen on a random sample of ${size.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} rows (silhouette curve from the sample); the final k-means used every row`
    return { bestK: swept.bestK, curve: swept.curve, best, note: swept.note ? `${note}; ${swept.note}` : note }
  }
  const ks = kMax - kMin + 1
  const curve: ChooseKResult['curve'] = []
  let best: KMeansResult | null = null
  let bestS = -Infinity
  for (let k = kMin; k <= kMax; k++) {
    const step = k - kMin
    const km = await kmeans(X, {
      k,
      restarts: opts.restarts,
      seed: opts.seed,
      maxIter: opts.maxIter,
      signal: opts.signal,
      onProgress: subProgress(opts.onProgress, step * 100, step * 100 + 90, ks * 100),
    })
    const s = await silhouette(X, km.assignments, { sampleSize: opts.silhouetteSampleSize, seed: opts.seed, signal: opts.signal })
    curve.push({ k, silhouette: s, inertia: km.inertia })
    if (s > bestS) {
      bestS = s
      best = km
    }
    opts.onProgress?.((step + 1) * 100, ks * 100)
  }
  return { bestK: best?.k ?? kMin, curve, best }
}

// ---- evaluation helper -------------------------------------------------------------------------------------------

/** Adjusted Rand index of two labelings (sklearn.metrics.adjusted_rand_score). */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length
  if (b.length !== n) throw new EmbedMapError('BAD_INPUT', 'labelings differ in length')
  const cont = new Map<string, number>()
  const ra = new Map<number, number>()
  const rb = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const key = `${a[i]},${b[i]}`
    cont.set(key, (cont.get(key) ?? 0) + 1)
    ra.set(a[i], (ra.get(a[i]) ?? 0) + 1)
    rb.set(b[i], (rb.get(b[i]) ?? 0) + 1)
  }
  const c2 = (x: number) => (x * (x - 1)) / 2
  let sumComb = 0
  for (const v of cont.values()) sumComb += c2(v)
  let sa = 0
  let sb = 0
  for (const v of ra.values()) sa += c2(v)
  for (const v of rb.values()) sb += c2(v)
  const expected = (sa * sb) / c2(n)
  const max = (sa + sb) / 2
  if (max === expected) return 1
  return (sumComb - expected) / (max - expected)
}
