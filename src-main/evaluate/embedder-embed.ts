/**
 * The EmbedFn of a loaded Embedder: retrieval queries get the model's query prompt and documents its
 * passage prompt (as mteb's sentence-transformers wrapper does with a model's query/document prompts,
 * e5: "query: " / "passage: "); symmetric tasks get the prefix the product uses for maps (`clustering`,
 * falling back to passage), so evaluated vectors are the ones a map would show.
 */
import type { Embedder } from '../embed/embedder'
import type { EmbedKind } from '../embed/types'
import type { EmbedFn, EmbedRole } from './tasks/types'

/** The product's prompt kind for each role: stored vectors of the same kind are the same vectors. */
export const KIND: Record<EmbedRole, EmbedKind> = { query: 'query', document: 'passage', symmetric: 'clustering' }

export function embedderEmbedFn(embedder: Embedder, opts: { signal?: AbortSignal } = {}): EmbedFn {
  return async (texts, role) => (await embedder.embed(texts, { kind: KIND[role], signal: opts.signal })).vectors
}
