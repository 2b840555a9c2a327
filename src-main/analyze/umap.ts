/**
 * UMAP to 2-D for L2-normalized vectors (cosine metric).
 *
 * Two engines share the kNN from knn.ts:
 *  - 'embedmap' (default): umap-learn's algorithm (0.5.x) written over typed arrays: smooth kNN
 *    distances → membership strengths → fuzzy union (CSR, no per-edge objects) → edges pruned below
 *    max/nEpochs → epochs-per-sample → SGD with negative sampling (optimize_layout_euclidean,
 *    move_other, clip 4, the a/b curve fitted from minDist/spread). Init: PCA (top 2 principal
 *    components, power iteration) scaled to [0, 10] like umap-learn scales its spectral init, or random.
 *    One `step()` per epoch, so progress and cancel work per epoch.
 *  - 'umap-js': umap-js 1.4.0 with `setPrecomputedKNN`, `initializeFit` + `step()` per epoch. Its
 *    sparse matrices hold one JS object per edge (a Map keyed by "row:col"), so it is kept for
 *    comparison and small n only (see the bench table: ~4× slower at 20k).
 *
 * Large n: above `sampleThreshold` rows the layout is fitted on a random sample of `sampleSize` rows
 * and every other row is placed at the membership-weighted average of its nearest sampled rows
 * (umap's own transform initialization, without the refinement epochs). The result carries a note.
 */
import { EmbedMapError } from '../errors'
import { type LongRunOptions, type Matrix, Ticker, checkMatrix, sampleIndices, seededRandom, subProgress, takeRows, throwIfAborted } from './common'
import { type KnnMethod, type KnnResult, knn, knnQuery, loadOptional } from './knn'
import { getOrt } from './ort'

/**
 * Rows above which the layout is fitted on a sample. Measured (2 cores, 384-d): a full fit at 100k
 * takes ~70 s (usearch kNN ~35 s + 200 epochs ~30 s); the kNN grows faster than linearly and the
 * SGD linearly, so 1M rows would take > 12 min. Fitting 100k and placing the rest costs one ANN
 * query per row.
 */
export const UMAP_SAMPLE_THRESHOLD = 150_000
export const UMAP_SAMPLE_SIZE = 100_000

export interface UmapOptions extends LongRunOptions {
  /** Neighbourhood size, counting the point itself like umap-learn (default 15). */
  nNeighbors?: number
  minDist?: number
  spread?: number
  /** Default like umap-learn: 500 for n ≤ 10,000, else 200. */
  nEpochs?: number
  /** PRNG seed (default 42). Same seed + same input → same output. */
  seed?: number
  init?: 'pca' | 'random'
  engine?: 'embedmap' | 'umap-js'
  learningRate?: number
  negativeSampleRate?: number
  repulsionStrength?: number
  /** A kNN of X (k ≥ nNeighbors − 1, self excluded) to reuse. */
  knn?: KnnResult
  knnMethod?: KnnMethod
  sampleThreshold?: number
  sampleSize?: number
}

export interface UmapResult {
  /** n×2 coordinates, row-major. */
  embedding: Float32Array
  n: number
  nEpochs: number
  knnMethod: string
  /** Set when the layout was fitted on a sample. */
  sample?: { size: number; indices: Int32Array }
  note?: string
  seconds: { knn: number; graph: number; optimize: number; place: number }
}

// ---- a/b curve ------------------------------------------------------------------------------------

/**
 * Fits 1 / (1 + a·x^(2b)) to the target curve (1 for x < minDist, exp(−(x − minDist)/spread) after),
 * least squares over 300 points in [0, 3·spread] like umap-learn's find_ab_params (Gauss–Newton with
 * Levenberg damping). minDist 0.1, spread 1 → a ≈ 1.577, b ≈ 0.895.
 */
export function findAB(spread = 1, minDist = 0.1): { a: number; b: number } {
  const N = 300
  const xs = new Float64Array(N)
  const ys = new Float64Array(N)
  for (let i = 0; i < N; i++) {
    xs[i] = (3 * spread * i) / (N - 1)
    ys[i] = xs[i] < minDist ? 1 : Math.exp(-(xs[i] - minDist) / spread)
  }
  let a = 1
  let b = 1
  let lambda = 1e-3
  const sse = (a_: number, b_: number) => {
    let s = 0
    for (let i = 1; i < N; i++) {
      const r = 1 / (1 + a_ * xs[i] ** (2 * b_)) - ys[i]
      s += r * r
    }
    return s
  }
  let cur = sse(a, b)
  for (let it = 0; it < 200; it++) {
    let jaa = 0
    let jab = 0
    let jbb = 0
    let ga = 0
    let gb = 0
    for (let i = 1; i < N; i++) {
      const x = xs[i]
      const p = x ** (2 * b)
      const f = 1 / (1 + a * p)
      const r = f - ys[i]
      const dfa = -p * f * f
      const dfb = -a * p * 2 * Math.log(x) * f * f
      jaa += dfa * dfa
      jab += dfa * dfb
      jbb += dfb * dfb
      ga += dfa * r
      gb += dfb * r
    }
    const A = jaa * (1 + lambda)
    const D = jbb * (1 + lambda)
    const det = A * D - jab * jab
    const da = -(D * ga - jab * gb) / det
    const db = -(A * gb - jab * ga) / det
    const next = sse(a + da, b + db)
    if (next < cur) {
      a += da
      b += db
      lambda /= 3
      if (cur - next < 1e-12) break
      cur = next
    } else lambda *= 4
  }
  return { a, b }
}

// ---- fuzzy simplicial set ---------------------------------------------------------------------------

export interface FuzzyGraph {
  /** CSR of the symmetric membership graph. */
  indptr: Int32Array
  indices: Int32Array
  weights: Float32Array
  n: number
}

/**
 * umap-learn's smooth_knn_dist + compute_membership_strengths + fuzzy union, from a kNN without self.
 * `nNeighbors` counts self (so rows use nNeighbors − 1 neighbours, like umap-learn).
 */
export function fuzzySimplicialSet(kn: KnnResult, nNeighbors: number, localConnectivity = 1): FuzzyGraph {
  const { n } = kn
  const kk = Math.min(kn.k, nNeighbors - 1)
  const target = Math.log2(nNeighbors)
  const rhos = new Float64Array(n)
  const sigmas = new Float64Array(n)
  let meanAll = 0
  let cntAll = 0
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < kk; t++) {
      const d = kn.distances[i * kn.k + t]
      if (Number.isFinite(d)) {
        meanAll += d
        cntAll++
      }
    }
  }
  meanAll /= Math.max(1, cntAll + n) // umap-learn's mean includes each row's self distance 0
  for (let i = 0; i < n; i++) {
    const o = i * kn.k
    // rho: the local_connectivity-th nonzero distance
    let nz = 0
    let rho = 0
    let maxNz = 0
    let sum = 0
    for (let t = 0; t < kk; t++) {
      const d = kn.distances[o + t]
      if (!Number.isFinite(d)) continue
      sum += d
      if (d > 0) {
        nz++
        if (nz === Math.floor(localConnectivity)) rho = d
        maxNz = Math.max(maxNz, d)
      }
    }
    if (nz < localConnectivity) rho = nz > 0 ? maxNz : 0
    let lo = 0
    let hi = Infinity
    let mid = 1
    for (let it = 0; it < 64; it++) {
      let psum = 0
      for (let t = 0; t < kk; t++) {
        const d0 = kn.distances[o + t]
        if (!Number.isFinite(d0)) continue
        const d = d0 - rho
        psum += d > 0 ? Math.exp(-(d / mid)) : 1
      }
      if (Math.abs(psum - target) < 1e-5) break
      if (psum > target) {
        hi = mid
        mid = (lo + hi) / 2
      } else {
        lo = mid
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2
      }
    }
    const meanI = sum / (kk + 1)
    if (rho > 0) mid = Math.max(mid, 1e-3 * meanI)
    else mid = Math.max(mid, 1e-3 * meanAll)
    rhos[i] = rho
    sigmas[i] = mid
  }
  // directed memberships, then union w = a + b − ab via per-row buckets of both directions
  const rowCount = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < kk; t++) {
      const j = kn.indices[i * kn.k + t]
      if (j < 0 || j === i) continue
      rowCount[i + 1]++
      rowCount[j + 1]++
    }
  }
  for (let i = 0; i < n; i++) rowCount[i + 1] += rowCount[i]
  const total = rowCount[n]
  const cols = new Int32Array(total)
  const vals = new Float32Array(total)
  const fill = rowCount.slice(0, n)
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < kk; t++) {
      const j = kn.indices[i * kn.k + t]
      if (j < 0 || j === i) continue
      const d = kn.distances[i * kn.k + t] - rhos[i]
      const w = d <= 0 || sigmas[i] === 0 ? 1 : Math.exp(-(d / sigmas[i]))
      // forward (i, j) stored positive, backward (j, i) stored as −w − 2 to tell them apart
      cols[fill[i]] = j
      vals[fill[i]++] = w
      cols[fill[j]] = i
      vals[fill[j]++] = -w - 2
    }
  }
  // per row: sort by col, merge forward/backward duplicates
  const outPtr = new Int32Array(n + 1)
  const outCols = new Int32Array(total)
  const outVals = new Float32Array(total)
  let w = 0
  for (let i = 0; i < n; i++) {
    const s = rowCount[i]
    const e = rowCount[i + 1]
    // insertion sort (rows are short)
    for (let p = s + 1; p < e; p++) {
      const c = cols[p]
      const v = vals[p]
      let q = p - 1
      while (q >= s && cols[q] > c) {
        cols[q + 1] = cols[q]
        vals[q + 1] = vals[q]
        q--
      }
      cols[q + 1] = c
      vals[q + 1] = v
    }
    let p = s
    while (p < e) {
      const c = cols[p]
      let fwd = 0
      let bwd = 0
      while (p < e && cols[p] === c) {
        const v = vals[p]
        if (v >= 0) fwd = v
        else bwd = -v - 2
        p++
      }
      const u = fwd + bwd - fwd * bwd
      if (u > 0) {
        outCols[w] = c
        outVals[w++] = u
      }
    }
    outPtr[i + 1] = w
  }
  return { indptr: outPtr, indices: outCols.slice(0, w), weights: outVals.slice(0, w), n }
}

// ---- layout optimization -----------------------------------------------------------------------------

/**
 * x ↦ x^b for x > 0 via the float32 bits: 2^(e·b) from a 256-entry table × m^b from a 1,024-entry table
 * with linear interpolation. Max relative error 6e-8 (measured), ~3× faster than Math.pow in V8, which
 * dominated the SGD loop (48 of ~60 ns per negative sample).
 */
export function makePow(b: number): (x: number) => number {
  const MB = 10
  const M = 1 << MB
  const SH = 23 - MB
  const mt = new Float64Array(M + 1)
  for (let i = 0; i <= M; i++) mt[i] = Math.pow(1 + i / M, b)
  const et = new Float64Array(256)
  for (let e = 0; e < 256; e++) et[e] = Math.pow(2, (e - 127) * b)
  const f = new Float32Array(1)
  const u = new Int32Array(f.buffer)
  const fracScale = 1 / (1 << SH)
  const fracMask = (1 << SH) - 1
  return (x: number): number => {
    f[0] = x
    const bits = u[0]
    const e = bits >>> 23
    if (e === 0 || e >= 255) return Math.pow(x, b)
    const mant = bits & 0x7fffff
    const hi = mant >>> SH
    const m0 = mt[hi]
    return et[e] * (m0 + (mt[hi + 1] - m0) * (mant & fracMask) * fracScale)
  }
}

/** umap-learn's optimize_layout_euclidean (single-threaded, move_other), one epoch per `step()`. */
export class LayoutOptimizer {
  readonly head: Int32Array
  readonly tail: Int32Array
  private readonly epochsPerSample: Float32Array
  private readonly epochOfNextSample: Float32Array
  private readonly epochsPerNegSample: Float32Array
  private readonly epochOfNextNegSample: Float32Array
  epoch = 0
  private rng: Int32Array
  private readonly powB: (x: number) => number
  constructor(
    graph: FuzzyGraph,
    readonly embedding: Float32Array,
    readonly nEpochs: number,
    private readonly a: number,
    private readonly b: number,
    seed: number,
    private readonly learningRate = 1,
    negativeSampleRate = 5,
    private readonly gamma = 1,
  ) {
    let max = 0
    for (let t = 0; t < graph.weights.length; t++) max = Math.max(max, graph.weights[t])
    const cut = max / nEpochs
    let m = 0
    for (let t = 0; t < graph.weights.length; t++) if (graph.weights[t] >= cut) m++
    this.head = new Int32Array(m)
    this.tail = new Int32Array(m)
    this.epochsPerSample = new Float32Array(m)
    let e = 0
    for (let i = 0; i < graph.n; i++) {
      for (let p = graph.indptr[i]; p < graph.indptr[i + 1]; p++) {
        const wv = graph.weights[p]
        if (wv < cut) continue
        this.head[e] = i
        this.tail[e] = graph.indices[p]
        this.epochsPerSample[e++] = max / wv
      }
    }
    this.epochOfNextSample = this.epochsPerSample.slice()
    this.epochsPerNegSample = new Float32Array(m)
    for (let t = 0; t < m; t++) this.epochsPerNegSample[t] = this.epochsPerSample[t] / negativeSampleRate
    this.epochOfNextNegSample = this.epochsPerNegSample.slice()
    this.powB = makePow(b)
    const r = seededRandom(seed ^ 0x5bd1e995)
    this.rng = Int32Array.from([r() * 2 ** 31, r() * 2 ** 31, r() * 2 ** 31])
    for (let t = 0; t < 3; t++) if (this.rng[t] === 0) this.rng[t] = 12345 + t
  }

  get edges(): number {
    return this.head.length
  }

  /** Runs one epoch; returns the number of epochs done. */
  step(): number {
    const n = this.epoch
    if (n >= this.nEpochs) return n
    const { head, tail, epochsPerSample, epochOfNextSample, epochsPerNegSample, epochOfNextNegSample, embedding: Y, a, b, gamma } = this
    const alpha = this.learningRate * (1 - n / this.nEpochs)
    const nv = Y.length >> 1
    const rng = this.rng
    let s0 = rng[0]
    let s1 = rng[1]
    let s2 = rng[2]
    const m = head.length
    const twoGammaB = 2 * gamma * b
    const m2ab = -2 * a * b
    const powB = this.powB
    for (let i = 0; i < m; i++) {
      if (epochOfNextSample[i] > n) continue
      const j = head[i] << 1
      const k = tail[i] << 1
      let cx = Y[j]
      let cy = Y[j + 1]
      const dx = cx - Y[k]
      const dy = cy - Y[k + 1]
      const d2 = dx * dx + dy * dy
      if (d2 > 0) {
        const pbd = powB(d2) // d2^b
        const coeff = (m2ab * pbd) / d2 / (a * pbd + 1)
        let gx = coeff * dx
        let gy = coeff * dy
        gx = gx > 4 ? 4 : gx < -4 ? -4 : gx
        gy = gy > 4 ? 4 : gy < -4 ? -4 : gy
        cx += gx * alpha
        cy += gy * alpha
        Y[k] -= gx * alpha
        Y[k + 1] -= gy * alpha
      }
      epochOfNextSample[i] += epochsPerSample[i]
      const nNeg = Math.floor((n - epochOfNextNegSample[i]) / epochsPerNegSample[i])
      for (let p = 0; p < nNeg; p++) {
        // tau_rand_int (umap-learn's Tausworthe generator)
        s0 = (((s0 & 4294967294) << 12) & 0xffffffff) ^ ((((s0 << 13) & 0xffffffff) ^ s0) >>> 19)
        s1 = (((s1 & 4294967288) << 4) & 0xffffffff) ^ ((((s1 << 2) & 0xffffffff) ^ s1) >>> 25)
        s2 = (((s2 & 4294967280) << 17) & 0xffffffff) ^ ((((s2 << 3) & 0xffffffff) ^ s2) >>> 11)
        const kk = (((s0 ^ s1 ^ s2) >>> 1) % nv) << 1
        if (kk === j) continue
        const ex = cx - Y[kk]
        const ey = cy - Y[kk + 1]
        const e2 = ex * ex + ey * ey
        if (e2 > 0) {
          const coeff = twoGammaB / ((0.001 + e2) * (a * powB(e2) + 1))
          let gx = coeff * ex
          let gy = coeff * ey
          gx = gx > 4 ? 4 : gx < -4 ? -4 : gx
          gy = gy > 4 ? 4 : gy < -4 ? -4 : gy
          cx += gx * alpha
          cy += gy * alpha
        }
      }
      Y[j] = cx
      Y[j + 1] = cy
      epochOfNextNegSample[i] += nNeg * epochsPerNegSample[i]
    }
    rng[0] = s0
    rng[1] = s1
    rng[2] = s2
    return ++this.epoch
  }
}

// ---- init ----------------------------------------------------------------------------------------------

/** Top-2 principal component scores of X (power iteration with re-orthogonalization), n×2. */
export function pcaScores(X: Matrix, seed: number, iters = 15): Float32Array {
  const { data, n, d } = X
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j]
  for (let j = 0; j < d; j++) mean[j] /= Math.max(1, n)
  const rand = seededRandom(seed)
  const V = new Float64Array(2 * d)
  for (let j = 0; j < 2 * d; j++) V[j] = rand() - 0.5
  const scores = new Float64Array(2 * n)
  const next = new Float64Array(2 * d)
  const orth = () => {
    for (let c = 0; c < 2; c++) {
      if (c === 1) {
        let p = 0
        for (let j = 0; j < d; j++) p += V[d + j] * V[j]
        for (let j = 0; j < d; j++) V[d + j] -= p * V[j]
      }
      let s = 0
      for (let j = 0; j < d; j++) s += V[c * d + j] ** 2
      s = Math.sqrt(s) || 1
      for (let j = 0; j < d; j++) V[c * d + j] /= s
    }
  }
  orth()
  const project = () => {
    for (let i = 0; i < n; i++) {
      let a = 0
      let b = 0
      const o = i * d
      for (let j = 0; j < d; j++) {
        const x = data[o + j] - mean[j]
        a += x * V[j]
        b += x * V[d + j]
      }
      scores[2 * i] = a
      scores[2 * i + 1] = b
    }
  }
  for (let it = 0; it < iters; it++) {
    project()
    next.fill(0)
    for (let i = 0; i < n; i++) {
      const a = scores[2 * i]
      const b = scores[2 * i + 1]
      const o = i * d
      for (let j = 0; j < d; j++) {
        const x = data[o + j] - mean[j]
        next[j] += a * x
        next[d + j] += b * x
      }
    }
    V.set(next)
    orth()
  }
  project()
  return Float32Array.from(scores)
}

/** Scales each coordinate to [0, 10] (umap-learn's treatment of its initial embedding) + tiny noise. */
function scaleInit(Y: Float32Array, rand: () => number): void {
  for (let c = 0; c < 2; c++) {
    let lo = Infinity
    let hi = -Infinity
    for (let i = c; i < Y.length; i += 2) {
      lo = Math.min(lo, Y[i])
      hi = Math.max(hi, Y[i])
    }
    const span = hi - lo || 1
    for (let i = c; i < Y.length; i += 2) Y[i] = (10 * (Y[i] - lo)) / span + (rand() - 0.5) * 1e-4
  }
}

// ---- main entry ------------------------------------------------------------------------------------------

export function defaultEpochs(n: number): number {
  return n <= 10_000 ? 500 : 200
}

/** UMAP of normalized rows to 2-D (cosine). */
export async function umap(X: Matrix, opts: UmapOptions = {}): Promise<UmapResult> {
  checkMatrix(X)
  const n = X.n
  const seed = opts.seed ?? 42
  const nNeighbors = opts.nNeighbors ?? 15
  if (nNeighbors < 2) throw new EmbedMapError('BAD_INPUT', `nNeighbors must be at least 2 (got ${nNeighbors})`)
  const threshold = opts.sampleThreshold ?? UMAP_SAMPLE_THRESHOLD
  const secs = { knn: 0, graph: 0, optimize: 0, place: 0 }
  if (n === 0) return { embedding: new Float32Array(0), n, nEpochs: 0, knnMethod: 'none', seconds: secs }
  if (n <= 2 || n <= nNeighbors / 2) {
    // too few points for a neighbourhood graph: a deterministic small layout
    const embedding = new Float32Array(2 * n)
    const Y = pcaScores(X, seed, 10)
    embedding.set(Y)
    return { embedding, n, nEpochs: 0, knnMethod: 'none', seconds: secs, note: `only ${n} rows: placed by PCA, no UMAP` }
  }
  if (n > threshold) return umapSampled(X, opts, Math.min(opts.sampleSize ?? UMAP_SAMPLE_SIZE, threshold))
  return umapFull(X, opts)
}

async function umapFull(X: Matrix, opts: UmapOptions): Promise<UmapResult> {
  const n = X.n
  const seed = opts.seed ?? 42
  const nNeighbors = Math.min(opts.nNeighbors ?? 15, n)
  const nEpochs = opts.nEpochs ?? defaultEpochs(n)
  const total = 100 + nEpochs
  const secs = { knn: 0, graph: 0, optimize: 0, place: 0 }
  let t0 = performance.now()
  let kn = opts.knn
  if (!kn || kn.k < nNeighbors - 1 || kn.n !== n) {
    kn = await knn(X, { k: nNeighbors - 1, method: opts.knnMethod ?? 'auto', signal: opts.signal, onProgress: subProgress(opts.onProgress, 0, 80, total) })
  }
  secs.knn = (performance.now() - t0) / 1000
  throwIfAborted(opts.signal)
  t0 = performance.now()
  const { a, b } = findAB(opts.spread ?? 1, opts.minDist ?? 0.1)
  if (opts.engine === 'umap-js') {
    const r = await umapJs(kn, n, nNeighbors, nEpochs, opts, total)
    secs.graph = r.initSeconds
    secs.optimize = (performance.now() - t0) / 1000 - r.initSeconds
    return { embedding: r.embedding, n, nEpochs, knnMethod: kn.method, seconds: secs, note: kn.note }
  }
  const graph = fuzzySimplicialSet(kn, nNeighbors)
  const rand = seededRandom(seed)
  let Y: Float32Array
  if (opts.init === 'random') {
    Y = new Float32Array(2 * n)
    for (let i = 0; i < Y.length; i++) Y[i] = rand() * 10
  } else {
    Y = pcaScores(X, seed)
    scaleInit(Y, rand)
  }
  const opt = new LayoutOptimizer(graph, Y, nEpochs, a, b, seed, opts.learningRate ?? 1, opts.negativeSampleRate ?? 5, opts.repulsionStrength ?? 1)
  secs.graph = (performance.now() - t0) / 1000
  opts.onProgress?.(100, total)
  t0 = performance.now()
  const ticker = new Ticker(opts, total)
  while (opt.step() < nEpochs) await ticker.tick(100 + opt.epoch)
  ticker.done()
  secs.optimize = (performance.now() - t0) / 1000
  return { embedding: Y, n, nEpochs, knnMethod: kn.method, seconds: secs, note: kn.note }
}

interface UmapJsLike {
  setPrecomputedKNN(i: number[][], d: number[][]): void
  initializeFit(X: number[][]): number
  step(): number
  getEmbedding(): number[][]
}

async function umapJs(kn: KnnResult, n: number, nNeighbors: number, nEpochs: number, opts: UmapOptions, total: number) {
  const t0 = performance.now()
  type UmapCtor = new (p: Record<string, unknown>) => UmapJsLike
  const mod = await loadOptional<{ UMAP: UmapCtor }>('umap-js')
  if (!mod?.UMAP) throw new EmbedMapError('INTERNAL', "the 'umap-js' engine needs the umap-js package", 'npm install umap-js@1.4.0, or use the default engine')
  const UMAPClass = mod.UMAP
  const u = new UMAPClass({
    nNeighbors,
    minDist: opts.minDist ?? 0.1,
    spread: opts.spread ?? 1,
    nEpochs,
    random: seededRandom(opts.seed ?? 42),
    nComponents: 2,
  })
  // umap-js expects self as the first neighbour (distance 0), like umap-learn
  const ki: number[][] = []
  const kd: number[][] = []
  const kk = nNeighbors - 1
  for (let i = 0; i < n; i++) {
    const ri = [i]
    const rd = [0]
    for (let t = 0; t < kk; t++) {
      ri.push(kn.indices[i * kn.k + t])
      rd.push(kn.distances[i * kn.k + t])
    }
    ki.push(ri)
    kd.push(rd)
  }
  u.setPrecomputedKNN(ki, kd)
  // with a precomputed kNN umap-js only reads X.length: no per-row copies of the vectors
  u.initializeFit({ length: n } as unknown as number[][])
  const initSeconds = (performance.now() - t0) / 1000
  const ticker = new Ticker(opts, total)
  for (let e = 0; e < nEpochs; e++) {
    u.step()
    await ticker.tick(100 + e + 1)
  }
  ticker.done()
  const emb = u.getEmbedding()
  const embedding = new Float32Array(2 * n)
  for (let i = 0; i < n; i++) {
    embedding[2 * i] = emb[i][0]
    embedding[2 * i + 1] = emb[i][1]
  }
  return { embedding, initSeconds }
}

async function umapSampled(X: Matrix, opts: UmapOptions, size: number): Promise<UmapResult> {
  const n = X.n
  const seed = opts.seed ?? 42
  const rand = seededRandom(seed ^ 0x9e3779b9)
  const idx = sampleIndices(n, size, rand)
  const S = takeRows(X, idx)
  const total = 1000
  const fit = await umapFull(S, { ...opts, knn: undefined, onProgress: subProgress(opts.onProgress, 0, 800, total) })
  const t0 = performance.now()
  const nNeighbors = Math.min(opts.nNeighbors ?? 15, size)
  // the rows not in the sample
  const inSample = new Uint8Array(n)
  for (const i of idx) inSample[i] = 1
  const rest = new Int32Array(n - size)
  for (let i = 0, r = 0; i < n; i++) if (!inSample[i]) rest[r++] = i
  const embedding = new Float32Array(2 * n)
  for (let s = 0; s < size; s++) {
    embedding[2 * idx[s]] = fit.embedding[2 * s]
    embedding[2 * idx[s] + 1] = fit.embedding[2 * s + 1]
  }
  const kq = nNeighbors - 1
  const place = subProgress(opts.onProgress, 800, 1000, total)
  const ticker = new Ticker({ signal: opts.signal, onProgress: place }, rest.length)
  const searcher = await sampleSearcher(S, kq, opts)
  const CH = 16384
  for (let r0 = 0; r0 < rest.length; r0 += CH) {
    const r1 = Math.min(rest.length, r0 + CH)
    const Q = takeRows(X, rest.subarray(r0, r1))
    const nb = await searcher(Q)
    placeByNeighbours(nb, fit.embedding, kq, nNeighbors, embedding, rest.subarray(r0, r1))
    await ticker.tick(r1)
  }
  ticker.done()
  return {
    embedding,
    n,
    nEpochs: fit.nEpochs,
    knnMethod: fit.knnMethod,
    sample: { size, indices: idx },
    seconds: { ...fit.seconds, place: (performance.now() - t0) / 1000 },
    note: `${n.toLocaleString('en-US')} rows: UMAP was fitted on a random sample of ${size.toLocaleString('en-US')} rows; the other rows were placed at the weighted average of their ${kq} nearest sampled rows`,
  }
}

/** Nearest sampled rows for query blocks: usearch over the sample if available, else exact. */
async function sampleSearcher(S: Matrix, k: number, opts: UmapOptions): Promise<(Q: Matrix) => Promise<KnnResult>> {
  type UsearchLike = {
    Index: new (c: Record<string, unknown>) => {
      add(k: BigUint64Array, v: Float32Array, t?: number): void
      search(v: Float32Array, k: number, t: number): { keys: BigUint64Array; distances: Float32Array }
    }
    MetricKind: { IP: string }
    ScalarKind: { F32: string; F16: string }
  }
  const us = await loadOptional<UsearchLike>('usearch')
  if (us?.Index) {
    const index = new us.Index({
      dimensions: S.d,
      metric: us.MetricKind.IP,
      quantization: us.ScalarKind.F16,
      connectivity: 16,
      expansion_add: 64,
      expansion_search: 64,
      multi: false,
    }) // F16: see knn.ts
    const ticker = new Ticker({ signal: opts.signal }, S.n)
    for (let i0 = 0; i0 < S.n; i0 += 8192) {
      const i1 = Math.min(S.n, i0 + 8192)
      const keys = new BigUint64Array(i1 - i0)
      for (let i = i0; i < i1; i++) keys[i - i0] = BigInt(i)
      index.add(keys, S.data.subarray(i0 * S.d, i1 * S.d), 0)
      await ticker.tick(i1)
    }
    return async (Q) => {
      const r = index.search(Q.data, k, 0)
      const indices = new Int32Array(Q.n * k)
      const distances = new Float32Array(Q.n * k)
      for (let t = 0; t < Q.n * k; t++) {
        const key = r.keys[t]
        indices[t] = key >= BigInt(S.n) ? -1 : Number(key)
        distances[t] = indices[t] < 0 ? Infinity : Math.max(0, r.distances[t])
      }
      return { indices, distances, n: Q.n, k, method: 'usearch' }
    }
  }
  // no usearch: exact search against the sample (onnxruntime when it loads)
  await getOrt()
  return (Q) => knnQuery(S, Q, k, { signal: opts.signal })
}

/** Membership-weighted average of neighbours' coordinates (umap's init_transform). */
function placeByNeighbours(nb: KnnResult, Ys: Float32Array, kq: number, nNeighbors: number, out: Float32Array, rows: Int32Array): void {
  const target = Math.log2(nNeighbors)
  const w = new Float64Array(kq)
  for (let q = 0; q < nb.n; q++) {
    const o = q * nb.k
    let rho = Infinity
    for (let t = 0; t < kq; t++) {
      const d = nb.distances[o + t]
      if (d > 0 && d < rho) rho = d
    }
    if (!Number.isFinite(rho)) rho = 0
    let lo = 0
    let hi = Infinity
    let mid = 1
    for (let it = 0; it < 64; it++) {
      let psum = 0
      for (let t = 0; t < kq; t++) {
        const d = nb.distances[o + t] - rho
        if (!Number.isFinite(d)) continue
        psum += d > 0 ? Math.exp(-d / mid) : 1
      }
      if (Math.abs(psum - target) < 1e-5) break
      if (psum > target) {
        hi = mid
        mid = (lo + hi) / 2
      } else {
        lo = mid
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2
      }
    }
    let sw = 0
    for (let t = 0; t < kq; t++) {
      const d = nb.distances[o + t]
      w[t] = nb.indices[o + t] < 0 || !Number.isFinite(d) ? 0 : d - rho <= 0 ? 1 : Math.exp(-(d - rho) / mid)
      sw += w[t]
    }
    let x = 0
    let y = 0
    for (let t = 0; t < kq; t++) {
      if (w[t] === 0) continue
      const j = nb.indices[o + t]
      x += w[t] * Ys[2 * j]
      y += w[t] * Ys[2 * j + 1]
    }
    const r = rows[q]
    out[2 * r] = sw > 0 ? x / sw : 0
    out[2 * r + 1] = sw > 0 ? y / sw : 0
  }
}

// ---- trustworthiness --------------------------------------------------------------------------------------

/**
 * sklearn.manifold.trustworthiness(X, Y, n_neighbors=k) with X ranked by cosine (= Euclidean ranks on
 * normalized rows) and Y by Euclidean distance:
 *   T = 1 − 2 / (n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ N_k^Y(i) \ N_k^X(i)} (r_X(i, j) − k)
 * O(n²·d); uses onnxruntime for the X similarities when available. Ties in X are broken by index.
 */
export async function trustworthiness(X: Matrix, Y: Matrix, k = 15, opts: LongRunOptions = {}): Promise<number> {
  checkMatrix(X)
  checkMatrix(Y, 'embedding')
  const n = X.n
  if (Y.n !== n) throw new EmbedMapError('BAD_INPUT', `X has ${n} rows, the embedding ${Y.n}`)
  if (k >= n / 2) throw new EmbedMapError('BAD_INPUT', `n_neighbors (${k}) should be less than n/2 (${n / 2})`)
  // neighbours in the embedding (exact, Euclidean)
  const ny = euclideanKnn(Y, k)
  const ort = n * n > 4e6 ? await getOrt() : null
  const block = 256
  const sims = new Float32Array(block * n)
  const ticker = new Ticker(opts, n)
  let penalty = 0
  const { gemmModel, session, f32 } = await import('./ort')
  const sess = ort ? await session(ort, 'gemm', gemmModel) : null
  const { dotTile } = await import('./knn')
  const ts = new Float32Array(k)
  const tj = new Int32Array(k)
  const cnt = new Int32Array(k)
  for (let i0 = 0; i0 < n; i0 += block) {
    const i1 = Math.min(n, i0 + block)
    if (ort && sess) {
      const out = await sess.run({ X: f32(ort, X.data.subarray(i0 * X.d, i1 * X.d), [i1 - i0, X.d]), C: f32(ort, X.data, [n, X.d]) })
      sims.set(out.S.data as Float32Array)
    } else {
      dotTile(X.data, i0, i1, 0, n, X.d, sims)
    }
    for (let i = i0; i < i1; i++) {
      const row = (i - i0) * n
      // the k embedding neighbours as targets, sorted by X similarity descending (ties: lower index first)
      for (let t = 0; t < k; t++) {
        tj[t] = ny[i * k + t]
        ts[t] = sims[row + tj[t]]
      }
      for (let t = 1; t < k; t++) {
        const s = ts[t]
        const j = tj[t]
        let u = t - 1
        while (u >= 0 && (ts[u] < s || (ts[u] === s && tj[u] > j))) {
          ts[u + 1] = ts[u]
          tj[u + 1] = tj[u]
          u--
        }
        ts[u + 1] = s
        tj[u + 1] = j
      }
      cnt.fill(0)
      const sMin = ts[k - 1]
      for (let m = 0; m < n; m++) {
        const s = sims[row + m]
        if (s < sMin || m === i) continue
        // m ranks before targets u..k-1 (a suffix): find the first one it beats
        let u = 0
        while (u < k && !(s > ts[u] || (s === ts[u] && m < tj[u]))) u++
        if (u < k) cnt[u]++
      }
      let before = 0
      for (let t = 0; t < k; t++) {
        before += cnt[t]
        const rank = before + 1
        if (rank > k) penalty += rank - k
      }
    }
    await ticker.tick(i1)
  }
  ticker.done()
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty
}

/** Exact k nearest neighbours (Euclidean) in a 2-D embedding, self excluded, via a uniform grid. */
export function euclideanKnn(Y: Matrix, k: number): Int32Array {
  const n = Y.n
  const d = Y.d
  const out = new Int32Array(n * k)
  // simple exact search: sort by x, scan outwards (fast for 2-D)
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((p, q) => Y.data[p * d] - Y.data[q * d])
  const pos = new Int32Array(n)
  for (let r = 0; r < n; r++) pos[order[r]] = r
  const bestD = new Float64Array(k)
  const bestI = new Int32Array(k)
  for (let i = 0; i < n; i++) {
    let cnt = 0
    const xi = Y.data[i * d]
    const push = (j: number) => {
      let dist = 0
      for (let c = 0; c < d; c++) dist += (Y.data[i * d + c] - Y.data[j * d + c]) ** 2
      if (cnt === k && (dist > bestD[k - 1] || (dist === bestD[k - 1] && j > bestI[k - 1]))) return
      let p = cnt < k ? cnt++ : k - 1
      while (p > 0 && (bestD[p - 1] > dist || (bestD[p - 1] === dist && bestI[p - 1] > j))) {
        bestD[p] = bestD[p - 1]
        bestI[p] = bestI[p - 1]
        p--
      }
      bestD[p] = dist
      bestI[p] = j
    }
    let lo = pos[i] - 1
    let hi = pos[i] + 1
    for (;;) {
      const dl = lo >= 0 ? (xi - Y.data[order[lo] * d]) ** 2 : Infinity
      const dh = hi < n ? (Y.data[order[hi] * d] - xi) ** 2 : Infinity
      const dm = Math.min(dl, dh)
      if (dm === Infinity || (cnt === k && dm > bestD[k - 1])) break
      if (dl <= dh) push(order[lo--])
      else push(order[hi++])
    }
    out.set(bestI.subarray(0, k), i * k)
  }
  return out
}
