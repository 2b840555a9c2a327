/**
 * HDBSCAN (Campello, Moulavi & Sander 2013; the `hdbscan` package's "excess of mass" selection) on
 * low-dimensional points — the map's UMAP coordinates, as BERTopic clusters a UMAP reduction and
 * Embedding Atlas clusters its 2-D projection. Rows in no dense region get −1 ("unclustered").
 *
 * Steps: core distance = distance to the minSamples-th nearest point; mutual reachability
 * max(core_a, core_b, d(a, b)); its minimum spanning tree (Prim, O(n²) — exact, no index needed in 2-D);
 * the single-linkage tree of the MST; the tree condensed at minClusterSize (a split counts only when both
 * sides keep minClusterSize points, else the small side "falls out"); each cluster's stability
 * Σ (λ_leave − λ_birth), λ = 1/distance; the clusters that maximise total stability (never the root).
 *
 * Above `sampleSize` rows the tree is built on a seeded random sample and every other row takes the
 * cluster of its nearest sampled point (a grid lookup), so a 1M-row map clusters in seconds.
 */
import { type LongRunOptions, type Matrix, Ticker, sampleIndices, seededRandom } from './common'

export interface HdbscanOptions extends LongRunOptions {
  /** Smallest group that counts as a cluster (default: max(10, 1 % of the rows), at most 500). */
  minClusterSize?: number
  /** Neighbours for the core distance (default: minClusterSize, as the hdbscan package). */
  minSamples?: number
  /** Rows the tree is built on (default 10,000). */
  sampleSize?: number
  seed?: number
}

export interface HdbscanResult {
  /** Cluster of each row, 0..k−1, or −1 for unclustered rows. */
  labels: Int32Array
  k: number
  unclustered: number
  minClusterSize: number
  note?: string
}

export function defaultMinClusterSize(n: number): number {
  return Math.min(500, Math.max(10, Math.round(n * 0.01)))
}

/** `points` is n × dims, row-major (dims is usually 2). */
export async function hdbscan(points: Float32Array, dims: number, opts: HdbscanOptions = {}): Promise<HdbscanResult> {
  const n = points.length / dims
  const mcs = Math.max(2, opts.minClusterSize ?? defaultMinClusterSize(n))
  const sampleSize = opts.sampleSize ?? 10_000
  if (n < 2 * mcs) return { labels: new Int32Array(n).fill(-1), k: 0, unclustered: n, minClusterSize: mcs, note: `fewer than ${2 * mcs} rows` }
  const sampled = n > sampleSize
  const rows = sampled ? sampleIndices(n, sampleSize, seededRandom(opts.seed ?? 42)) : null
  const P = rows ? gather(points, dims, rows) : points
  const m = P.length / dims
  const ticker = new Ticker(opts, 3 * m)
  const minSamples = Math.max(1, Math.min(m - 1, opts.minSamples ?? Math.max(1, Math.round((mcs * m) / n))))
  const core = await coreDistances(P, dims, minSamples, ticker)
  const mst = await primMst(P, dims, core, ticker, m)
  const sub = condenseAndSelect(mst, m, Math.max(2, Math.round((mcs * m) / n)))
  let labels = sub
  if (rows) labels = assignByNearest(points, dims, P, sub)
  ticker.done()
  let k = 0
  let unclustered = 0
  for (const l of labels) {
    if (l < 0) unclustered++
    else k = Math.max(k, l + 1)
  }
  const note = sampled ? `tree built on a random sample of ${m.toLocaleString('en-US')} rows; the others take their nearest sampled row's cluster` : undefined
  return { labels, k, unclustered, minClusterSize: mcs, note }
}

function gather(points: Float32Array, dims: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * dims)
  for (let r = 0; r < rows.length; r++) for (let t = 0; t < dims; t++) out[r * dims + t] = points[rows[r] * dims + t]
  return out
}

function dist(P: Float32Array, dims: number, a: number, b: number): number {
  let s = 0
  for (let t = 0; t < dims; t++) {
    const d = P[a * dims + t] - P[b * dims + t]
    s += d * d
  }
  return Math.sqrt(s)
}

/** Distance to the k-th nearest other point (exact; a bounded max-heap of size k per row). */
async function coreDistances(P: Float32Array, dims: number, k: number, ticker: Ticker): Promise<Float64Array> {
  const m = P.length / dims
  const core = new Float64Array(m)
  const heap = new Float64Array(k)
  for (let i = 0; i < m; i++) {
    let size = 0
    for (let j = 0; j < m; j++) {
      if (j === i) continue
      const d = dist(P, dims, i, j)
      if (size < k) {
        heap[size++] = d
        if (size === k) heap.sort()
      } else if (d < heap[k - 1]) {
        // insert into the sorted array, dropping the largest
        let p = k - 1
        while (p > 0 && heap[p - 1] > d) {
          heap[p] = heap[p - 1]
          p--
        }
        heap[p] = d
      }
    }
    if (size < k) heap.subarray(0, size).sort()
    core[i] = heap[Math.min(size, k) - 1]
    if ((i & 255) === 255) await ticker.tick(i)
  }
  return core
}

interface Edge {
  a: number
  b: number
  w: number
}

/** Prim's algorithm on the complete mutual-reachability graph. */
async function primMst(P: Float32Array, dims: number, core: Float64Array, ticker: Ticker, offset: number): Promise<Edge[]> {
  const m = core.length
  const inTree = new Uint8Array(m)
  const best = new Float64Array(m).fill(Infinity)
  const from = new Int32Array(m).fill(-1)
  const edges: Edge[] = []
  let cur = 0
  inTree[0] = 1
  for (let step = 1; step < m; step++) {
    let next = -1
    let nextW = Infinity
    for (let j = 0; j < m; j++) {
      if (inTree[j]) continue
      const w = Math.max(core[cur], core[j], dist(P, dims, cur, j))
      if (w < best[j]) {
        best[j] = w
        from[j] = cur
      }
      if (best[j] < nextW) {
        nextW = best[j]
        next = j
      }
    }
    inTree[next] = 1
    edges.push({ a: from[next], b: next, w: nextW })
    cur = next
    if ((step & 255) === 255) await ticker.tick(offset + step)
  }
  return edges
}

/**
 * Single-linkage tree from the MST, condensed at minClusterSize, clusters chosen by excess of mass.
 * Exported for tests.
 */
export function condenseAndSelect(mst: Edge[], m: number, mcs: number): Int32Array {
  // single-linkage tree: leaves 0..m−1, internal m..2m−2
  const sorted = [...mst].sort((x, y) => x.w - y.w)
  const parent = new Int32Array(2 * m - 1).fill(-1)
  const left = new Int32Array(2 * m - 1).fill(-1)
  const right = new Int32Array(2 * m - 1).fill(-1)
  const height = new Float64Array(2 * m - 1)
  const size = new Int32Array(2 * m - 1).fill(1)
  const uf = new Int32Array(2 * m - 1)
  for (let i = 0; i < uf.length; i++) uf[i] = i
  const find = (x: number): number => {
    while (uf[x] !== x) {
      uf[x] = uf[uf[x]]
      x = uf[x]
    }
    return x
  }
  let next = m
  for (const e of sorted) {
    const ra = find(e.a)
    const rb = find(e.b)
    left[next] = ra
    right[next] = rb
    height[next] = e.w
    size[next] = size[ra] + size[rb]
    parent[ra] = parent[rb] = next
    uf[ra] = uf[rb] = next
    next++
  }
  const root = next - 1
  // condensed clusters: 0 = root; for each, its birth λ, parent, stability and children
  const birth: number[] = [0]
  const cParent: number[] = [-1]
  const stability: number[] = [0]
  const children: number[][] = [[]]
  const fallCluster = new Int32Array(m)
  const lambdaOf = (h: number) => 1 / Math.max(h, 1e-12)
  const leavesOf = (node: number, out: number[]) => {
    const stack = [node]
    while (stack.length) {
      const x = stack.pop()!
      if (x < m) out.push(x)
      else stack.push(left[x], right[x])
    }
  }
  const stack: [number, number][] = [[root, 0]]
  while (stack.length) {
    const [node, c] = stack.pop()!
    if (node < m) {
      // a single point reached as a "continuing" side (only when mcs ≤ 1): it leaves here
      fallCluster[node] = c
      continue
    }
    const lam = lambdaOf(height[node])
    const L = left[node]
    const R = right[node]
    if (size[L] >= mcs && size[R] >= mcs) {
      stability[c] += (lam - birth[c]) * (size[L] + size[R])
      for (const child of [L, R]) {
        const id = birth.length
        birth.push(lam)
        cParent.push(c)
        stability.push(0)
        children.push([])
        children[c].push(id)
        stack.push([child, id])
      }
      continue
    }
    for (const child of [L, R]) {
      if (size[child] >= mcs) {
        stack.push([child, c])
      } else {
        stability[c] += (lam - birth[c]) * size[child]
        const pts: number[] = []
        leavesOf(child, pts)
        for (const p of pts) fallCluster[p] = c
      }
    }
  }
  // excess of mass, bottom-up (children have larger ids than their parents)
  const nC = birth.length
  const selected = new Uint8Array(nC)
  const bestSum = new Float64Array(nC)
  for (let c = nC - 1; c >= 1; c--) {
    const kids = children[c]
    const sum = kids.reduce((s, k) => s + bestSum[k], 0)
    if (kids.length === 0 || stability[c] >= sum) {
      selected[c] = 1
      bestSum[c] = stability[c]
      // deselect every descendant
      const st = [...kids]
      while (st.length) {
        const x = st.pop()!
        selected[x] = 0
        st.push(...children[x])
      }
    } else bestSum[c] = sum
  }
  // a point's cluster: the selected cluster at or above where it fell out
  const label = new Int32Array(nC).fill(-1)
  let k = 0
  for (let c = 1; c < nC; c++) if (selected[c]) label[c] = k++
  const out = new Int32Array(m)
  for (let p = 0; p < m; p++) {
    let c = fallCluster[p]
    while (c > 0 && !selected[c]) c = cParent[c]
    out[p] = c > 0 ? label[c] : -1
  }
  return out
}

/** Every point takes the label of its nearest sampled point (uniform-grid search in rings). */
function assignByNearest(points: Float32Array, dims: number, S: Float32Array, sLabels: Int32Array): Int32Array {
  const n = points.length / dims
  const m = S.length / dims
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i < m; i++) {
    minX = Math.min(minX, S[i * dims])
    maxX = Math.max(maxX, S[i * dims])
    minY = Math.min(minY, S[i * dims + 1])
    maxY = Math.max(maxY, S[i * dims + 1])
  }
  const g = Math.max(1, Math.round(Math.sqrt(m / 4)))
  const cw = (maxX - minX) / g || 1
  const ch = (maxY - minY) / g || 1
  const cellOf = (x: number, y: number) => [
    Math.min(g - 1, Math.max(0, Math.floor((x - minX) / cw))),
    Math.min(g - 1, Math.max(0, Math.floor((y - minY) / ch))),
  ]
  const cells: number[][] = Array.from({ length: g * g }, () => [])
  for (let i = 0; i < m; i++) {
    const [cx, cy] = cellOf(S[i * dims], S[i * dims + 1])
    cells[cy * g + cx].push(i)
  }
  const out = new Int32Array(n)
  for (let p = 0; p < n; p++) {
    const x = points[p * dims]
    const y = points[p * dims + 1]
    const [cx, cy] = cellOf(x, y)
    let bestD = Infinity
    let best = -1
    for (let r = 0; r <= g; r++) {
      for (let yy = cy - r; yy <= cy + r; yy++) {
        for (let xx = cx - r; xx <= cx + r; xx++) {
          if (yy < 0 || xx < 0 || yy >= g || xx >= g) continue
          if (Math.max(Math.abs(yy - cy), Math.abs(xx - cx)) !== r) continue
          for (const s of cells[yy * g + xx]) {
            let d = 0
            for (let t = 0; t < dims; t++) d += (points[p * dims + t] - S[s * dims + t]) ** 2
            if (d < bestD) {
              bestD = d
              best = s
            }
          }
        }
      }
      // a point found in ring r is at most (r + 1) cells away; stop once no nearer ring can beat it
      if (best >= 0 && Math.sqrt(bestD) <= r * Math.min(cw, ch)) break
    }
    out[p] = best >= 0 ? sLabels[best] : -1
  }
  return out
}

/** Normalized mean vector of each cluster's rows (unclustered rows, −1, are left out); k × d. */
export function clusterCentroids(X: Matrix, labels: Int32Array, k: number): Float32Array {
  const { data, n, d } = X
  const C = new Float32Array(k * d)
  for (let i = 0; i < n; i++) {
    const c = labels[i]
    if (c < 0) continue
    for (let t = 0; t < d; t++) C[c * d + t] += data[i * d + t]
  }
  for (let c = 0; c < k; c++) {
    let s = 0
    for (let t = 0; t < d; t++) s += C[c * d + t] ** 2
    const norm = Math.sqrt(s) || 1
    for (let t = 0; t < d; t++) C[c * d + t] /= norm
  }
  return C
}
