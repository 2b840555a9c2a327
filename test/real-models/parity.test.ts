/**
 * Parity with sentence-transformers on real pretrained weights: the same token ids (truncation
 * included) and the same vectors, for 255 English, Chinese and edge-case sentences.
 */
import { describe, expect, it } from 'vitest'
import { Embedder } from '../../src-main/embed'
import { REAL_MODELS, realModel, reference } from '../helpers/real-models'

describe.each(REAL_MODELS)('%s matches sentence-transformers', (id) => {
  const ref = reference(id)

  it.each(['fp32', 'int8'] as const)(
    '%s: token ids and vectors',
    async (variant) => {
      const embedder = await Embedder.load(realModel(id), { device: 'cpu', variant })
      try {
        const idMismatches = ref.sentences.filter((s, i) => JSON.stringify(Array.from(embedder.tokenizer.encode(s).ids)) !== JSON.stringify(ref.input_ids[i]))
        expect(idMismatches).toEqual([])
        // The reference sentences already carry the model's prefix, so no prompt is added here.
        const { vectors, truncated } = await embedder.embed(ref.sentences, { kind: 'none' })
        expect(truncated).toBeGreaterThan(0) // the edge cases include texts longer than the model takes
        const d = embedder.info.dims
        expect(d).toBe(ref.embeddings[0].length)
        const cos = ref.embeddings.map((r, i) => r.reduce((s, x, k) => s + x * vectors[i * d + k], 0))
        const mean = cos.reduce((s, x) => s + x, 0) / cos.length
        const [en, zh] = [ref.groups.en, ref.groups.zh]
        expect(en[1] - en[0] + zh[1] - zh[0]).toBeGreaterThanOrEqual(200)
        if (variant === 'fp32') {
          expect(mean).toBeGreaterThanOrEqual(0.9999)
          expect(Math.min(...cos)).toBeGreaterThan(0.999)
        } else {
          expect(mean).toBeGreaterThanOrEqual(0.99)
        }
      } finally {
        await embedder.close()
      }
    },
    300_000,
  )
})
