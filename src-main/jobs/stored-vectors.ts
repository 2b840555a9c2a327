/**
 * Reuses vectors the same model version already stored for a dataset's text column (by an embed job, for its map):
 * a text evaluated with the same prompt kind, variant and config is looked up instead of embedded again. Only texts
 * equal to a stored row's text are reused, so every vector is exactly the one the model gives for that text.
 */
import type { EmbedderInfo } from '../embed/embedder'
import type { EmbedFn, EmbedMeter, EmbedRole } from '../evaluate'
import { KIND } from '../evaluate/embedder-embed'
import type { Db } from '../store/connection'
import { EmbeddingsRepo } from '../store/embeddings-repo'

export interface VectorCounts {
  /** Texts the model embedded during this evaluation. */
  embedded: number
  /** Texts whose stored vector was used instead. */
  reused: number
}

type Stored = Map<EmbedRole, Map<string, Float32Array>>

/** The dataset's stored vectors of this model, per evaluation role (empty maps where nothing was stored). */
export function loadStoredVectors(db: Db, datasetId: number, modelId: string, info: EmbedderInfo): Stored {
  const repo = new EmbeddingsRepo(db)
  const out: Stored = new Map()
  for (const role of ['query', 'document', 'symmetric'] as const) {
    const setId = repo.find({
      datasetId,
      modelId,
      modelVersion: info.version,
      dims: info.dims,
      params: { variant: info.variant, kind: KIND[role], configKey: info.configKey },
    })
    const byText = new Map<string, Float32Array>()
    if (setId !== undefined) for (const { text, vector } of repo.textVectors(setId, datasetId, info.dims)) byText.set(text, vector)
    out.set(role, byText)
  }
  return out
}

/** An EmbedFn that takes stored vectors where it can and embeds (and times) only the rest. */
export function reuseStoredVectors(base: EmbedFn, stored: Stored, dims: number, meter: EmbedMeter, counts: VectorCounts): EmbedFn {
  return async (texts, role) => {
    const byText = stored.get(role)
    const out = new Float32Array(texts.length * dims)
    const missing: number[] = []
    texts.forEach((t, i) => {
      const v = byText?.get(t)
      if (v) out.set(v, i * dims)
      else missing.push(i)
    })
    counts.reused += texts.length - missing.length
    if (missing.length) {
      const t0 = performance.now()
      const vectors = await base(
        missing.map((i) => texts[i]),
        role,
      )
      meter.seconds += (performance.now() - t0) / 1000
      meter.texts += missing.length
      counts.embedded += missing.length
      missing.forEach((i, k) => out.set(vectors.subarray(k * dims, (k + 1) * dims), i * dims))
    }
    return out
  }
}
