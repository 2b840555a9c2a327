/**
 * The export's check: the trained PyTorch model's vectors (written by the worker) against the ONNX files run
 * through EmbedMap's own embedder, on the same held-out texts. A model is usable only when fp32's mean
 * cosine reaches PARITY_THRESHOLD.
 */
import fs from 'node:fs'
import { Embedder } from '../../embed'
import type { Variant } from '../../embed'
import type { ParityFigure } from './types'

export const PARITY_THRESHOLD = 0.9999

interface Reference {
  texts: string[]
  prompt: string
  max_seq_length: number
  embeddings: number[][]
}

export function readReference(file: string): Reference {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Reference
}

/** Mean / min cosine between the reference vectors and `variant` of the model in `dir`. */
export async function parityOf(dir: string, variant: Variant, ref: Reference, signal?: AbortSignal): Promise<ParityFigure> {
  const embedder = await Embedder.load(dir, { variant, device: 'cpu', maxLength: ref.max_seq_length })
  try {
    const { vectors } = await embedder.embed(ref.texts, { kind: 'passage', signal })
    const d = embedder.info.dims
    let sum = 0
    let min = Infinity
    ref.embeddings.forEach((r, i) => {
      let dot = 0
      let na = 0
      let nb = 0
      for (let k = 0; k < d; k++) {
        const a = r[k]
        const b = vectors[i * d + k]
        dot += a * b
        na += a * a
        nb += b * b
      }
      const cos = dot / Math.sqrt(na * nb || 1)
      sum += cos
      min = Math.min(min, cos)
    })
    return { mean: sum / ref.embeddings.length, min, n: ref.embeddings.length }
  } finally {
    await embedder.close()
  }
}
