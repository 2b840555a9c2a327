import type { Worker } from 'node:worker_threads'
import type { Variant } from '../embed'
import { EmbedMapError, deserializeError } from '../errors'
import type { SearchReply, SearchRequest } from '../jobs/search-worker'
import { spawnWorker } from '../jobs/spawn-worker'
import type { DatasetsRepo } from '../store/datasets-repo'
import type { EmbeddingsRepo } from '../store/embeddings-repo'
import type { ModelsService } from './models-service'

/** An idle search worker is stopped after this long, giving back the model's and the vectors' memory. */
const IDLE_MS = 5 * 60_000

export interface SemanticHit {
  row: number
  text: string
  score: number
}

/** Semantic search: embeds the query with the set's model and its query prompt, in a worker thread. */
export class SearchService {
  private worker: Worker | undefined
  private nextId = 1
  private readonly pending = new Map<number, (r: SearchReply) => void>()
  private idleTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly dbPath: string,
    private readonly datasets: DatasetsRepo,
    private readonly sets: EmbeddingsRepo,
    private readonly models: ModelsService,
  ) {}

  async search(datasetId: number, query: string, k: number, setId?: number): Promise<{ setId: number; modelId: string; hits: SemanticHit[] }> {
    const set = setId ? this.sets.get(setId) : this.sets.list(datasetId).find((s) => s.status === 'ready')
    if (!set || set.datasetId !== datasetId)
      throw new EmbedMapError('CONFLICT', `Dataset ${datasetId} has no embeddings to search.`, `Embed it first: \`embedmap embed --dataset ${datasetId}\`.`)
    if (set.searchDisabledReason)
      throw new EmbedMapError('CONFLICT', `Semantic search is off for embedding set ${set.id}.`, set.searchDisabledReason, { setId: set.id })
    const choice = this.models.byId(set.modelId)
    if (!choice)
      throw new EmbedMapError(
        'NOT_FOUND',
        `The model that made these vectors (${set.modelId}) is no longer registered.`,
        'Add its folder again with `embedmap models add DIR`, or re-embed the dataset.',
      )
    const reply = await this.ask({
      datasetId,
      setId: set.id,
      modelLocation: choice.location,
      remote: choice.remote,
      variant: set.variant as Variant,
      dims: set.dims,
      query,
      k,
    })
    if (!reply.ok) throw deserializeError(reply.error)
    const rows = Array.from(reply.indices)
    const texts = this.datasets.texts(datasetId, rows)
    return { setId: set.id, modelId: set.modelId, hits: rows.map((row, i) => ({ row, text: texts.get(row) ?? '', score: reply.scores[i] })) }
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer)
    await this.worker?.terminate()
    this.worker = undefined
  }

  private ask(req: Omit<SearchRequest, 'id'>): Promise<SearchReply> {
    clearTimeout(this.idleTimer)
    const worker = (this.worker ??= this.start())
    // Hold the process open while a query is in flight; an idle worker must not keep a CLI alive.
    worker.ref()
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, (r) => {
        if (this.pending.size <= 1) worker.unref()
        this.idleTimer = setTimeout(() => void this.close(), IDLE_MS)
        this.idleTimer.unref()
        resolve(r)
      })
      worker.postMessage({ ...req, id } satisfies SearchRequest)
    })
  }

  private start(): Worker {
    const w = spawnWorker('search', { dbPath: this.dbPath })
    w.unref()
    w.on('message', (r: SearchReply) => {
      this.pending.get(r.id)?.(r)
      this.pending.delete(r.id)
    })
    const failAll = (message: string) => {
      for (const [id, resolve] of this.pending) resolve({ id, ok: false, error: { code: 'INTERNAL', message } })
      this.pending.clear()
      this.worker = undefined
    }
    w.on('error', (err) => failAll(`The search worker failed: ${err.message}`))
    w.on('exit', (code) => failAll(`The search worker stopped (exit code ${code}).`))
    return w
  }
}
