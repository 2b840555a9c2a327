/**
 * Mini-batch k-means following sklearn's MiniBatchKMeans step for step, because mteb's clustering
 * score is the V-measure of *that* algorithm (batch_size 512, n_init 1, k-means++ on a 3·batch_size
 * sample, max_iter 100, early stop after 10 mini-batches without improvement of the smoothed
 * inertia, random reassignment of starving centres, final labels = nearest centre). Euclidean
 * distances on the raw vectors, as sklearn (not spherical like src-main/analyze/kmeans.ts).
 *
 * The random draws come from a Mersenne Twister but do not replay numpy's exact sequence, so single
 * runs differ from sklearn's; means over mteb's 10 bootstrap samples agree to well under 0.01.
 */
import { MT19937 } from './mt19937'

export interface MiniBatchKMeansOptions {
  k: number
  seed?: number
  batchSize?: number
  maxIter?: number
  maxNoImprovement?: number
  reassignmentRatio?: number
}

/** Nearest centre (squared Euclidean) of row i of X; returns [centre, squared distance]. */
function nearest(X: Float32Array, i: number, d: number, C: Float64Array, k: number, cNorm: Float64Array, xNorm: number): [number, number] {
  let best = 0
  let bestD = Infinity
  const a = i * d
  for (let c = 0; c < k; c++) {
    let dot = 0
    const b = c * d
    for (let t = 0; t < d; t++) dot += X[a + t] * C[b + t]
    const dist = xNorm - 2 * dot + cNorm[c]
    if (dist < bestD) {
      bestD = dist
      best = c
    }
  }
  return [best, Math.max(0, bestD)]
}

function rowNorms(X: Float32Array, rows: ArrayLike<number>, d: number): Float64Array {
  const out = new Float64Array(rows.length)
  for (let r = 0; r < rows.length; r++) {
    let s = 0
    const a = rows[r] * d
    for (let t = 0; t < d; t++) s += X[a + t] * X[a + t]
    out[r] = s
  }
  return out
}

function centreNorms(C: Float64Array, k: number, d: number): Float64Array {
  const out = new Float64Array(k)
  for (let c = 0; c < k; c++) {
    let s = 0
    for (let t = 0; t < d; t++) s += C[c * d + t] * C[c * d + t]
    out[c] = s
  }
  return out
}

function squaredDistance(X: Float32Array, i: number, j: number, d: number): number {
  let s = 0
  for (let t = 0; t < d; t++) {
    const v = X[i * d + t] - X[j * d + t]
    s += v * v
  }
  return s
}

/** Greedy k-means++ (sklearn's: 2 + ⌊ln k⌋ candidates per step, keep the one lowering the potential most) over `rows`. */
function kmeansPlusPlus(X: Float32Array, rows: Int32Array, d: number, k: number, rng: MT19937): Float64Array {
  const n = rows.length
  const trials = 2 + Math.floor(Math.log(k))
  const centres = new Float64Array(k * d)
  const first = rows[Math.floor(rng.nextDouble() * n)]
  for (let t = 0; t < d; t++) centres[t] = X[first * d + t]
  const closest = new Float64Array(n)
  let pot = 0
  for (let r = 0; r < n; r++) pot += closest[r] = squaredDistance(X, rows[r], first, d)
  const cand = new Float64Array(n)
  for (let c = 1; c < k; c++) {
    let bestPot = Infinity
    let bestRow = -1
    let bestDist: Float64Array | null = null
    for (let trial = 0; trial < trials; trial++) {
      // searchsorted on the cumulative potential
      const target = rng.nextDouble() * pot
      let acc = 0
      let pick = n - 1
      for (let r = 0; r < n; r++) {
        acc += closest[r]
        if (acc > target) {
          pick = r
          break
        }
      }
      let p = 0
      for (let r = 0; r < n; r++) p += cand[r] = Math.min(closest[r], squaredDistance(X, rows[r], rows[pick], d))
      if (p < bestPot) {
        bestPot = p
        bestRow = rows[pick]
        bestDist = Float64Array.from(cand)
      }
    }
    for (let t = 0; t < d; t++) centres[c * d + t] = X[bestRow * d + t]
    closest.set(bestDist!)
    pot = bestPot
  }
  return centres
}

/** Labels (0..k−1) of every row of X (n × d) after sklearn-style mini-batch k-means. */
export function miniBatchKMeans(X: Float32Array, d: number, opts: MiniBatchKMeansOptions): Int32Array {
  const n = X.length / d
  const k = opts.k
  const batch = Math.min(opts.batchSize ?? 1024, n)
  const maxIter = opts.maxIter ?? 100
  const maxNoImprovement = opts.maxNoImprovement ?? 10
  const ratio = opts.reassignmentRatio ?? 0.01
  const rng = MT19937.fromInt(opts.seed ?? 0)
  const randInt = (m: number) => Math.floor(rng.nextDouble() * m)

  let initSize = 3 * batch
  if (initSize < k) initSize = 3 * k
  initSize = Math.min(initSize, n)
  // sklearn draws a validation sample first (used to pick among n_init starts; one start here).
  for (let i = 0; i < initSize; i++) randInt(n)
  const initRows = Int32Array.from({ length: initSize }, () => randInt(n))
  let C = kmeansPlusPlus(X, initRows, d, k, rng)
  const counts = new Float64Array(k)
  const steps = Math.floor((maxIter * n) / batch)
  let ewa: number | null = null
  let ewaMin: number | null = null
  let noImprovement = 0
  let sinceReassign = 0
  const batchRows = new Int32Array(batch)
  const labels = new Int32Array(batch)
  for (let step = 0; step < steps; step++) {
    for (let b = 0; b < batch; b++) batchRows[b] = randInt(n)
    sinceReassign += batch
    let reassign = false
    if (counts.some((c) => c === 0) || sinceReassign >= 10 * k) {
      sinceReassign = 0
      reassign = true
    }
    // assign the batch, inertia before the update
    const cn = centreNorms(C, k, d)
    const xn = rowNorms(X, batchRows, d)
    let inertia = 0
    for (let b = 0; b < batch; b++) {
      const [c, dist] = nearest(X, batchRows[b], d, C, k, cn, xn[b])
      labels[b] = c
      inertia += dist
    }
    // per-centre learning rate 1 / (points seen): new = (old · seen + Σ batch points) / (seen + count)
    const next = Float64Array.from(C)
    const sums = new Float64Array(k * d)
    const batchCounts = new Float64Array(k)
    for (let b = 0; b < batch; b++) {
      const c = labels[b]
      batchCounts[c]++
      const a = batchRows[b] * d
      for (let t = 0; t < d; t++) sums[c * d + t] += X[a + t]
    }
    for (let c = 0; c < k; c++) {
      if (batchCounts[c] === 0) continue
      const total = counts[c] + batchCounts[c]
      for (let t = 0; t < d; t++) next[c * d + t] = (C[c * d + t] * counts[c] + sums[c * d + t]) / total
      counts[c] = total
    }
    if (reassign && ratio > 0) {
      const maxCount = Math.max(...counts)
      const starving = Array.from({ length: k }, (_, c) => c).filter((c) => counts[c] < ratio * maxCount)
      if (starving.length > 0) {
        const chosen = new Set<number>()
        while (chosen.size < Math.min(starving.length, batch)) chosen.add(randInt(batch))
        const picks = [...chosen]
        starving.forEach((c, r) => {
          const a = batchRows[picks[r]] * d
          for (let t = 0; t < d; t++) next[c * d + t] = X[a + t]
        })
        const kept = counts.filter((_, c) => !starving.includes(c))
        const floor = kept.length ? Math.min(...kept) : 0
        for (const c of starving) counts[c] = floor
      }
    }
    C = next
    // early stopping on the exponentially weighted mean batch inertia (sklearn's _mini_batch_convergence)
    if (step === 0) continue
    const mean = inertia / batch
    if (ewa === null) ewa = mean
    else {
      const alpha = Math.min(1, (batch * 2) / (n + 1))
      ewa = ewa * (1 - alpha) + mean * alpha
    }
    if (ewaMin === null || ewa < ewaMin) {
      noImprovement = 0
      ewaMin = ewa
    } else if (++noImprovement >= maxNoImprovement) break
  }
  const out = new Int32Array(n)
  const cn = centreNorms(C, k, d)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let t = 0; t < d; t++) s += X[i * d + t] * X[i * d + t]
    out[i] = nearest(X, i, d, C, k, cn, s)[0]
  }
  return out
}
