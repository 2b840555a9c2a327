/**
 * Parity with sentence-transformers on REAL models, when the model fixtures exist on this machine
 * (made by scripts/models/fetch_models.py + make_reference.py; skipped otherwise):
 * same token ids (truncation included) and cosine ≈ 1 with the reference embeddings.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Embedder } from '../../../src-main/embed/embedder'
import { repoRoot, tmpDir } from '../../helpers/tmp'

const modelsDir = process.env.EMBEDMAP_TEST_MODELS ?? path.join(os.homedir(), '.cache', 'embedmap-test-models')
const refsDir = process.env.EMBEDMAP_MODELS_OUT ?? path.join(repoRoot, 'scripts', 'models', 'out')

interface Reference {
  sentences: string[]
  input_ids: number[][]
  embeddings: number[][]
  exact_weights: boolean
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i)

function available(id: string): boolean {
  return fs.existsSync(path.join(modelsDir, id, 'tokenizer.json')) && fs.existsSync(path.join(modelsDir, id, 'model.onnx')) && fs.existsSync(path.join(refsDir, `${id}.reference.json`))
}

const cases = [
  { id: 'all-MiniLM-L6-v2', variants: ['fp32', 'int8'] as const },
  { id: 'multilingual-e5-small-q4', variants: ['fp32'] as const },
]

describe('parity with sentence-transformers (real models, when present)', () => {
  process.env.EMBEDMAP_CACHE ??= tmpDir('embedmap-parity-')
  for (const c of cases) {
    for (const variant of c.variants) {
      it.skipIf(!available(c.id))(`${c.id} ${variant}: same token ids and vectors`, { timeout: 180_000 }, async () => {
        const full = JSON.parse(fs.readFileSync(path.join(refsDir, `${c.id}.reference.json`), 'utf8')) as Reference & { groups?: Record<string, [number, number]> }
        // 40 English, 40 Chinese and every edge case (long, empty, emoji, …): enough, and 3x faster than all.
        const pick = full.groups ? Object.entries(full.groups).flatMap(([g, [a, b]]) => range(a, g === 'edge' ? b : Math.min(b, a + 40))) : range(0, full.sentences.length)
        const ref: Reference = { ...full, sentences: pick.map((i) => full.sentences[i]), input_ids: pick.map((i) => full.input_ids[i]), embeddings: pick.map((i) => full.embeddings[i]) }
        const e = await Embedder.load(path.join(modelsDir, c.id), { device: 'cpu', variant })
        try {
          let mismatched = 0
          ref.sentences.forEach((s, i) => {
            if (JSON.stringify(Array.from(e.tokenizer.encode(s).ids)) !== JSON.stringify(ref.input_ids[i])) mismatched++
          })
          expect(mismatched).toBe(0)
          // The reference sentences already carry the model's prefix.
          const { vectors, truncated } = await e.embed(ref.sentences, { kind: 'none' })
          expect(truncated).toBeGreaterThan(0) // the set includes over-long texts
          const d = e.info.dims
          const cos = ref.embeddings.map((r, i) => r.reduce((s, x, k) => s + x * vectors[i * d + k], 0))
          const mean = cos.reduce((s, x) => s + x, 0) / cos.length
          const min = Math.min(...cos)
          if (variant === 'fp32') {
            expect(mean).toBeGreaterThan(0.9999)
            expect(min).toBeGreaterThan(0.9995)
          } else {
            expect(mean).toBeGreaterThan(0.98)
            expect(min).toBeGreaterThan(0.95)
          }
        } finally {
          await e.close()
        }
      })
    }
  }
})
