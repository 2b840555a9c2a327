import { DatasetsRepo, type RowInsert } from '../src-main/store/datasets-repo'
import { AnalysisRepo } from '../src-main/store/analysis-repo'
import { EmbeddingsRepo } from '../src-main/store/embeddings-repo'
import { openStore } from '../src-main/store/connection'

/**
 * A workspace with one dataset of `n` rows and an analysis run written through the store's own repos, shaped like a
 * real map: 40 clusters of very different sizes and spreads (UMAP-like blobs), 1% scattered outliers with high
 * anomaly scores, and metadata columns to colour and filter by (a skewed category, a log-normal price, a date).
 * No vectors: the map never reads them.
 */
export function buildMapWorkspace(dbPath: string, n: number): { datasetId: number; runId: number } {
  const db = openStore(dbPath)
  let seed = 12345
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd())
  const K = 40
  const centres = Array.from({ length: K }, () => ({ x: gauss() * 12, y: gauss() * 9, sx: 0.4 + rnd() * 1.6, sy: 0.4 + rnd() * 1.6, w: Math.exp(gauss()) }))
  const total = centres.reduce((a, c) => a + c.w, 0)
  const cdf: number[] = []
  centres.reduce((acc, c) => (cdf.push((acc + c.w) / total), acc + c.w), 0)
  const WORDS = [
    'market',
    'stocks',
    'game',
    'season',
    'phone',
    'chip',
    'election',
    'vote',
    'storm',
    'rain',
    'film',
    'album',
    'health',
    'virus',
    'space',
    'rocket',
  ]
  const CATS = ['world', 'sports', 'business', 'sci/tech', 'health', 'entertainment', 'politics', 'weather', 'travel', 'food', 'autos', 'local']

  const coords = new Float32Array(2 * n)
  const cluster = new Int32Array(n)
  const scores = new Float32Array(n)
  const raw = new Float32Array(n)
  const flags = new Uint8Array(n)
  const sizes = new Array(K).fill(0)

  const datasets = new DatasetsRepo(db)
  const datasetId = datasets.create({
    name: `map bench ${n.toLocaleString('en-US')}`,
    sourcePath: '/bench/map.csv',
    sourceSize: 0,
    sourceMtime: 0,
    format: 'csv',
    encoding: 'utf-8',
    delimiter: ',',
    textColumn: 1,
  })
  const insert = datasets.rowInserter(datasetId)
  const batch: RowInsert[] = []
  const day0 = Date.UTC(2020, 0, 1) / 86_400_000
  db.exec('BEGIN')
  for (let i = 0; i < n; i++) {
    const outlier = rnd() < 0.01
    let c = 0
    const u = rnd()
    while (cdf[c] < u) c++
    const ctr = centres[c]
    const x = outlier ? (rnd() - 0.5) * 60 : ctr.x + gauss() * ctr.sx
    const y = outlier ? (rnd() - 0.5) * 45 : ctr.y + gauss() * ctr.sy
    coords[2 * i] = x
    coords[2 * i + 1] = y
    cluster[i] = outlier && rnd() < 0.5 ? -1 : c
    if (cluster[i] >= 0) sizes[c]++
    const d = Math.hypot((x - ctr.x) / ctr.sx, (y - ctr.y) / ctr.sy)
    raw[i] = d
    scores[i] = Math.min(1, d / 6)
    flags[i] = d > 4.5 ? 1 : 0
    const words = Array.from({ length: 5 + Math.floor(rnd() * 8) }, () => WORDS[(c + Math.floor(rnd() * 4)) % WORDS.length])
    const cat = CATS[Math.min(CATS.length - 1, Math.floor(-Math.log(rnd() + 1e-9) * 2.5))]
    const price = Math.exp(3 + gauss()).toFixed(2)
    const date = new Date((day0 + Math.floor(rnd() * 1500)) * 86_400_000).toISOString().slice(0, 10)
    batch.push({ idx: i, line: i + 2, text: words.join(' '), cells: [String(i), words.join(' '), cat, price, date], flags: 0 })
    if (batch.length === 10_000) {
      insert(batch)
      batch.length = 0
    }
  }
  insert(batch)
  datasets.finishImport(
    datasetId,
    [
      { idx: 0, name: 'id', type: 'integer', medianLength: 6 },
      { idx: 1, name: 'text', type: 'text', medianLength: 50 },
      { idx: 2, name: 'category', type: 'text', medianLength: 6 },
      { idx: 3, name: 'price', type: 'number', medianLength: 5 },
      { idx: 4, name: 'date', type: 'date', medianLength: 10 },
    ],
    n,
    { ragged: { count: 0, examples: [] }, emptyText: { count: 0, exampleLines: [] }, warnings: [] } as never,
  )
  db.exec('COMMIT')

  const sets = new EmbeddingsRepo(db)
  const setId = sets.findOrCreate({ datasetId, modelId: 'bench', modelVersion: '1', dims: 2, params: { variant: 'fp32', kind: 'bench', configKey: 'bench' } })
  sets.markReady(setId)
  const analysis = new AnalysisRepo(db)
  const runId = analysis.createRun(setId, { bench: true })
  analysis.saveProjection(runId, setId, coords, { method: 'synthetic' }, {})
  analysis.saveClustering(runId, setId, {
    k: K,
    params: {},
    silhouette: null,
    silhouetteCurve: [],
    assignments: cluster,
    centroids: new Float32Array(K * 2),
    clusters: centres.map((_, idx) => ({
      idx,
      size: sizes[idx],
      keywords: [
        { term: WORDS[idx % WORDS.length], weight: 1 },
        { term: WORDS[(idx + 1) % WORDS.length], weight: 0.5 },
      ],
      exemplars: [],
      name: null,
    })),
  })
  analysis.saveAnomalies(runId, setId, {
    method: 'synthetic',
    params: {},
    scores,
    raw,
    flags,
    threshold: 0.75,
    flaggedCount: flags.reduce((a, b) => a + b, 0),
    explanations: [],
  })
  analysis.finish(runId, {})
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  return { datasetId, runId }
}
