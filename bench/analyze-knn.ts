/**
 * kNN method comparison (k = 15, cosine): exact-onnx, exact-js, usearch-exact, usearch (HNSW),
 * hnswlib-node, and umap-js's NN-descent, on real-ish 384-d vectors (see analyze-data.ts).
 * Recall is measured against exact-onnx.
 *
 *   npx tsx bench/analyze-knn.ts --n 20000 [--methods exact-onnx,usearch,...] [--out name]
 */
import { knn, type KnnMethod, type KnnResult, loadOptional, recallAtK } from '../src-main/analyze/knn'
import { benchVectors } from './analyze-data'
import { machineInfo, writeResults } from './measure'

function arg(args: string[], name: string, def: string): string {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && args[i + 1] ? args[i + 1] : def
}

async function nnDescentUmapJs(X: { data: Float32Array; n: number; d: number }, k: number): Promise<KnnResult> {
  // umap-js's own kNN (random-projection forest + NN-descent) needs number[][] input: measured for
  // comparison only (it allocates one JS array per row, which the app's modules never do).
  const mod = await loadOptional<{ UMAP: new (p: Record<string, unknown>) => unknown }>('umap-js')
  if (!mod) throw new Error('nndescent needs umap-js: npm install --no-save umap-js@1.4.0')
  const UMAP = mod.UMAP as unknown as new (p: Record<string, unknown>) => object
  const rows: number[][] = []
  for (let i = 0; i < X.n; i++) rows.push(Array.from(X.data.subarray(i * X.d, (i + 1) * X.d)))
  let s = 1
  const u = new UMAP({
    nNeighbors: k + 1,
    random: () => (s = (s * 16807) % 2147483647) / 2147483647,
    distanceFn: (a: number[], b: number[]) => {
      let t = 0
      for (let i = 0; i < a.length; i++) t += a[i] * b[i]
      return 1 - t
    },
  })
  const r = (u as unknown as { nearestNeighbors(x: number[][]): { knnIndices: number[][]; knnDistances: number[][] } }).nearestNeighbors(rows)
  const indices = new Int32Array(X.n * k)
  const distances = new Float32Array(X.n * k)
  for (let i = 0; i < X.n; i++) {
    let o = 0
    for (let t = 0; t < r.knnIndices[i].length && o < k; t++) {
      if (r.knnIndices[i][t] === i) continue
      indices[i * k + o] = r.knnIndices[i][t]
      distances[i * k + o] = r.knnDistances[i][t]
      o++
    }
  }
  return { indices, distances, n: X.n, k, method: 'exact-js' }
}

export async function main(args: string[]): Promise<void> {
  const n = Number(arg(args, 'n', '20000'))
  const k = 15
  const methods = arg(args, 'methods', 'exact-onnx,usearch-exact,usearch,hnsw,nndescent,exact-js').split(',')
  const { X, source } = benchVectors(n)
  console.error(`[knn] n=${n} d=${X.d} (${source})`)
  const rows: Array<Record<string, unknown>> = []
  let truth: KnnResult | undefined
  for (const m of methods) {
    const t0 = performance.now()
    const r = m === 'nndescent' ? await nnDescentUmapJs(X, k) : await knn(X, { k, method: m as KnnMethod })
    const secs = (performance.now() - t0) / 1000
    if (m === 'exact-onnx') truth = r
    const recall = truth ? recallAtK(r, truth) : null
    let meanD = 0
    for (let i = 0; i < r.n; i++) meanD += r.distances[i * k]
    const row = {
      method: m,
      n,
      k,
      seconds: +secs.toFixed(2),
      recall: recall === null ? null : +recall.toFixed(4),
      meanNearestDistance: +(meanD / r.n).toFixed(4),
    }
    console.error('[knn]', JSON.stringify(row))
    rows.push(row)
  }
  const file = writeResults(arg(args, 'out', `analyze-knn-${n}`), { machine: machineInfo(), source, rows })
  console.error(`[knn] wrote ${file}`)
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2))
