/**
 * Base-model vectors for a training set: anchors and held-out queries with the model's query prompt, the corpus with
 * its passage prompt. Vectors the dataset already has for the same model (same weights and settings, and a prompt
 * that gives the same input) are read from the store instead of being computed again.
 */
import type { Embedder, EmbedKind } from '../../embed'
import type { Db } from '../../store/connection'
import { EmbeddingsRepo } from '../../store/embeddings-repo'
import type { TrainingSet } from './training-data'

export interface BaseVectors {
  dims: number
  corpus: Float32Array
  /** One row per training anchor (anchors.length rows). */
  anchors: Float32Array
  /** One row per held-out query. */
  heldout: Float32Array
  /** Texts read from stored vectors / computed now. */
  reused: number
  embedded: number
}

export interface VectorOptions {
  db: Db
  signal: AbortSignal
  onProgress(done: number, total: number): void
}

/** Stored vectors of the dataset made with exactly this model and these settings, by (prompt, text). */
function storedVectors(db: Db, embedder: Embedder, datasetId: number): Map<string, Float32Array> {
  const info = embedder.info
  const out = new Map<string, Float32Array>()
  const sets = db
    .prepare(`SELECT id, params FROM embedding_sets WHERE dataset_id = ? AND model_version = ? AND dims = ? AND status = 'ready' ORDER BY id DESC`)
    .all(datasetId, info.version, info.dims) as { id: number; params: string }[]
  const repo = new EmbeddingsRepo(db)
  const rowCount = (db.prepare(`SELECT count(*) AS n FROM rows WHERE dataset_id = ?`).get(datasetId) as { n: number }).n
  for (const s of sets) {
    const params = JSON.parse(s.params) as { kind?: EmbedKind; configKey?: string }
    if (params.configKey !== info.configKey) continue
    const prefix = prefixFor(embedder, params.kind ?? 'passage')
    const { matrix } = repo.readMatrix(s.id, rowCount, info.dims)
    const texts = db.prepare(`SELECT idx, text FROM rows WHERE dataset_id = ? ORDER BY idx`).all(datasetId) as { idx: number; text: string }[]
    for (const r of texts) {
      const v = matrix.subarray(r.idx * info.dims, (r.idx + 1) * info.dims)
      // A row without a vector reads as zeros: never reuse it.
      if (v.some((x) => x !== 0)) out.set(`${prefix}\u0000${r.text}`, v)
    }
  }
  return out
}

export function prefixFor(embedder: Embedder, kind: EmbedKind): string {
  const p = embedder.info.prefixes
  if (kind === 'query') return p.query
  if (kind === 'passage') return p.passage
  if (kind === 'clustering') return p.clustering ?? p.passage
  return ''
}

export async function baseVectors(embedder: Embedder, ts: TrainingSet, opts: VectorOptions): Promise<BaseVectors> {
  const d = embedder.info.dims
  const stored = ts.datasetId === null ? new Map<string, Float32Array>() : storedVectors(opts.db, embedder, ts.datasetId)
  const queryTexts = [...new Set([...ts.anchors, ...ts.heldout.queries])]
  const sides: { kind: EmbedKind; texts: string[] }[] = [
    { kind: 'query', texts: queryTexts },
    { kind: 'passage', texts: ts.corpus },
  ]
  const todo = sides.map((s) => s.texts.filter((t) => !stored.has(`${prefixFor(embedder, s.kind)}\u0000${t}`)))
  const total = todo[0].length + todo[1].length
  let done = 0
  const vectorsOf: Map<string, Float32Array>[] = []
  for (const [i, side] of sides.entries()) {
    const prefix = prefixFor(embedder, side.kind)
    const byText = new Map<string, Float32Array>()
    for (const t of side.texts) {
      const v = stored.get(`${prefix}\u0000${t}`)
      if (v) byText.set(t, v)
    }
    const base = done
    const r = await embedder.embed(todo[i], { kind: side.kind, signal: opts.signal, onProgress: (p) => opts.onProgress(base + p.done, total) })
    todo[i].forEach((t, k) => byText.set(t, r.vectors.subarray(k * d, (k + 1) * d)))
    done += todo[i].length
    vectorsOf.push(byText)
  }
  const gather = (texts: string[], byText: Map<string, Float32Array>) => {
    const out = new Float32Array(texts.length * d)
    texts.forEach((t, i) => out.set(byText.get(t)!, i * d))
    return out
  }
  return {
    dims: d,
    corpus: gather(ts.corpus, vectorsOf[1]),
    anchors: gather(ts.anchors, vectorsOf[0]),
    heldout: gather(ts.heldout.queries, vectorsOf[0]),
    reused: queryTexts.length + ts.corpus.length - total,
    embedded: total,
  }
}
