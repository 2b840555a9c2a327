/**
 * Shared pieces of the analysis modules: the matrix shape they all take, progress/cancel plumbing,
 * a seeded PRNG, and the small numeric kernels (dot products, bounded heaps) used in tight loops.
 *
 * Data layout: n rows of d float32 values, row-major, in ONE Float32Array. Nothing here allocates a
 * JS object per row.
 */
import { EmbedMapError } from '../errors'

/** n × d float32, row-major. Rows are expected to be L2-normalized where a function says so. */
export interface Matrix {
  data: Float32Array
  n: number
  d: number
}

export type ProgressFn = (done: number, total: number) => void

/** What every long-running function takes. */
export interface LongRunOptions {
  onProgress?: ProgressFn
  signal?: AbortSignal
}

export function matrix(data: Float32Array, n: number, d: number): Matrix {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d <= 0) {
    throw new EmbedMapError('BAD_INPUT', `bad matrix shape ${n} × ${d}`)
  }
  if (data.length < n * d) {
    throw new EmbedMapError('BAD_INPUT', `matrix data has ${data.length} values, ${n} × ${d} needs ${n * d}`)
  }
  return { data, n, d }
}

export function checkMatrix(X: Matrix, what = 'vectors'): void {
  if (!X || !(X.data instanceof Float32Array)) throw new EmbedMapError('BAD_INPUT', `${what}: expected a Float32Array`)
  matrix(X.data, X.n, X.d)
}

export function cancelled(): EmbedMapError {
  return new EmbedMapError('CANCELLED', 'the analysis was cancelled')
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw cancelled()
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * Progress + cancel between blocks. `tick(done)` is cheap to call often: it checks the signal every
 * time, reports progress at most every `reportMs`, and yields to the event loop every `sliceMs` so an
 * abort coming from another thread (a worker's message handler) can land.
 */
export class Ticker {
  private lastYield = performance.now()
  private lastReport = 0
  constructor(
    private readonly opts: LongRunOptions,
    public total: number,
    private readonly sliceMs = 40,
    private readonly reportMs = 100,
  ) {}

  async tick(done: number): Promise<void> {
    throwIfAborted(this.opts.signal)
    const now = performance.now()
    if (this.opts.onProgress && now - this.lastReport >= this.reportMs) {
      this.lastReport = now
      this.opts.onProgress(Math.min(done, this.total), this.total)
    }
    if (now - this.lastYield >= this.sliceMs) {
      await yieldToLoop()
      this.lastYield = performance.now()
      throwIfAborted(this.opts.signal)
    }
  }

  done(): void {
    throwIfAborted(this.opts.signal)
    this.opts.onProgress?.(this.total, this.total)
  }
}

/** Maps an inner function's (done, total) onto [from, to) of an outer total. */
export function subProgress(onProgress: ProgressFn | undefined, from: number, to: number, total: number): ProgressFn | undefined {
  if (!onProgress) return undefined
  return (done, t) => onProgress(Math.round(from + ((to - from) * done) / Math.max(1, t)), total)
}

/** mulberry32: a small, fast, seeded PRNG; values in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = (seed | 0) >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Uniform integer in [0, n). */
export function randInt(rand: () => number, n: number): number {
  return Math.floor(rand() * n)
}

/** k distinct indices from [0, n), sorted ascending (Floyd's algorithm for k ≪ n, shuffle otherwise). */
export function sampleIndices(n: number, k: number, rand: () => number): Int32Array {
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i)
  const out = new Int32Array(k)
  if (k * 4 > n) {
    const perm = new Int32Array(n)
    for (let i = 0; i < n; i++) perm[i] = i
    for (let i = 0; i < k; i++) {
      const j = i + randInt(rand, n - i)
      const t = perm[i]
      perm[i] = perm[j]
      perm[j] = t
      out[i] = perm[i]
    }
  } else {
    const seen = new Set<number>()
    let c = 0
    for (let j = n - k; j < n; j++) {
      const t = randInt(rand, j + 1)
      const v = seen.has(t) ? j : t
      seen.add(v)
      out[c++] = v
    }
  }
  return out.sort()
}

/** Dot product of row a of A and row b of B (both d wide). Unrolled by 4. */
export function dotRows(A: Float32Array, a: number, B: Float32Array, b: number, d: number): number {
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let i = a * d
  let j = b * d
  const end = i + d - 3
  for (; i < end; i += 4, j += 4) {
    s0 += A[i] * B[j]
    s1 += A[i + 1] * B[j + 1]
    s2 += A[i + 2] * B[j + 2]
    s3 += A[i + 3] * B[j + 3]
  }
  const stop = a * d + d
  for (; i < stop; i++, j++) s0 += A[i] * B[j]
  return s0 + s1 + s2 + s3
}

/** Makes every row unit length in place (zero rows stay zero). Returns the matrix. */
export function normalizeRows(X: Matrix): Matrix {
  const { data, n, d } = X
  for (let i = 0; i < n; i++) {
    let s = 0
    const o = i * d
    for (let j = 0; j < d; j++) s += data[o + j] * data[o + j]
    if (s > 0) {
      const inv = 1 / Math.sqrt(s)
      for (let j = 0; j < d; j++) data[o + j] *= inv
    }
  }
  return X
}

/** Copies the given rows into a new matrix. */
export function takeRows(X: Matrix, rows: ArrayLike<number>): Matrix {
  const { d } = X
  const out = new Float32Array(rows.length * d)
  for (let r = 0; r < rows.length; r++) out.set(X.data.subarray(rows[r] * d, rows[r] * d + d), r * d)
  return { data: out, n: rows.length, d }
}

/**
 * Bounded "keep the k largest" heaps for many queries at once, stored flat: a min-heap on `vals` per
 * query (root = smallest kept value = the admission threshold). `count[q]` is how many are filled.
 */
export class TopKHeaps {
  readonly vals: Float32Array
  readonly idx: Int32Array
  readonly count: Int32Array
  constructor(
    readonly nq: number,
    readonly k: number,
  ) {
    this.vals = new Float32Array(nq * k)
    this.idx = new Int32Array(nq * k).fill(-1)
    this.count = new Int32Array(nq)
  }

  /** Smallest value kept for query q, or -Infinity while the heap is not full. */
  threshold(q: number): number {
    return this.count[q] < this.k ? -Infinity : this.vals[q * this.k]
  }

  push(q: number, v: number, id: number): void {
    const k = this.k
    const base = q * k
    const vals = this.vals
    const idx = this.idx
    const c = this.count[q]
    if (c < k) {
      // sift up
      let i = c
      this.count[q] = c + 1
      while (i > 0) {
        const p = (i - 1) >> 1
        if (vals[base + p] <= v) break
        vals[base + i] = vals[base + p]
        idx[base + i] = idx[base + p]
        i = p
      }
      vals[base + i] = v
      idx[base + i] = id
      return
    }
    if (v <= vals[base]) return
    // replace root, sift down
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= k) break
      const r = l + 1
      const m = r < k && vals[base + r] < vals[base + l] ? r : l
      if (vals[base + m] >= v) break
      vals[base + i] = vals[base + m]
      idx[base + i] = idx[base + m]
      i = m
    }
    vals[base + i] = v
    idx[base + i] = id
  }

  /**
   * Writes query q's kept items sorted by value DESCENDING into outIdx/outVal at offset `o`
   * (unfilled slots: index -1, value -Infinity). Destroys nothing.
   */
  sortedInto(q: number, outIdx: Int32Array, outVal: Float32Array, o: number): void {
    const k = this.k
    const c = this.count[q]
    const base = q * k
    // insertion sort of a copy (k is small)
    for (let a = 0; a < c; a++) {
      const v = this.vals[base + a]
      const id = this.idx[base + a]
      let b = a
      while (b > 0 && (outVal[o + b - 1] < v || (outVal[o + b - 1] === v && outIdx[o + b - 1] > id))) {
        outVal[o + b] = outVal[o + b - 1]
        outIdx[o + b] = outIdx[o + b - 1]
        b--
      }
      outVal[o + b] = v
      outIdx[o + b] = id
    }
    for (let a = c; a < k; a++) {
      outVal[o + a] = -Infinity
      outIdx[o + a] = -1
    }
  }
}

/** Quantile of a sorted Float64/32 array (linear interpolation, like numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length
  if (n === 0) return NaN
  const pos = (n - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.min(n - 1, lo + 1)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}
