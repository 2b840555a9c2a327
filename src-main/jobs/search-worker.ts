import { parentPort, workerData } from 'node:worker_threads'
import { searchTopK } from '../analyze'
import type { RemoteModel } from '../contract'
import { Embedder, type Variant } from '../embed'
import { RemoteEmbedder } from '../embed/remote/remote-embedder'
import { serializeError } from '../errors'
import { openStore } from '../store/connection'
import { DatasetsRepo } from '../store/datasets-repo'
import { EmbeddingsRepo } from '../store/embeddings-repo'

/**
 * Semantic search off the main thread: keeps the last model loaded and the last set of vectors in
 * memory, so each query costs one forward pass and one matrix-vector product.
 */
export interface SearchRequest {
  id: number
  datasetId: number
  setId: number
  modelLocation: string
  /** Set when the vectors came from an embedding server: queries go to the same server, with its query prefix. */
  remote?: RemoteModel
  variant: Variant
  dims: number
  query: string
  k: number
}

export type SearchReply =
  { id: number; ok: true; indices: Int32Array; scores: Float32Array } | { id: number; ok: false; error: ReturnType<typeof serializeError> }

const db = openStore((workerData as { dbPath: string }).dbPath, { migrate: false })
const datasets = new DatasetsRepo(db)
const sets = new EmbeddingsRepo(db)
let model: { key: string; embedder: Embedder | RemoteEmbedder } | undefined
let vectors: { setId: number; n: number; d: number; data: Float32Array } | undefined

async function embedderFor(r: SearchRequest): Promise<Embedder | RemoteEmbedder> {
  const key = `${r.modelLocation}|${r.variant}|${r.dims}|${JSON.stringify(r.remote ?? null)}`
  if (model?.key !== key) {
    await model?.embedder.close()
    model = undefined
    const embedder = r.remote
      ? await RemoteEmbedder.open({ ...r.remote, dims: r.dims })
      : await Embedder.load(r.modelLocation, { variant: r.variant, dims: r.dims, device: 'cpu' })
    model = { key, embedder }
  }
  return model.embedder
}

function vectorsFor(r: SearchRequest) {
  if (vectors?.setId !== r.setId) {
    const n = datasets.get(r.datasetId)?.rowCount ?? 0
    vectors = { setId: r.setId, n, d: r.dims, data: sets.readMatrix(r.setId, n, r.dims).matrix }
  }
  return vectors
}

parentPort!.on('message', async (r: SearchRequest) => {
  try {
    const embedder = await embedderFor(r)
    const { vectors: q } = await embedder.embed([r.query], { kind: 'query' })
    const X = vectorsFor(r)
    const res = await searchTopK({ data: X.data, n: X.n, d: X.d }, q, r.k)
    parentPort!.postMessage({ id: r.id, ok: true, indices: res.indices, scores: res.scores } satisfies SearchReply)
  } catch (err) {
    parentPort!.postMessage({ id: r.id, ok: false, error: serializeError(err) } satisfies SearchReply)
  }
})
