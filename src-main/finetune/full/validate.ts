/**
 * Early checks of a full fine-tune's inputs, before anything is written or any Python starts: each problem
 * is a BAD_INPUT with what is wrong and how to fix it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { EmbedMapError } from '../../errors'
import { lossTerms } from '../mnrl'
import { MIN_PAIRS } from '../pairs'
import type { FullHyperParams, FullTrainPair } from './types'

export const PYTORCH_WEIGHTS = ['model.safetensors', 'pytorch_model.bin'] as const

/** The base model's output size, from its sentence-transformers pooling config or config.json. */
export function baseModelDims(dir: string): number {
  for (const [file, key] of [
    ['1_Pooling/config.json', 'word_embedding_dimension'],
    ['config.json', 'hidden_size'],
  ] as const) {
    try {
      const v = (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>)[key]
      if (typeof v === 'number' && v > 0) return v
    } catch {
      // try the next file
    }
  }
  throw new EmbedMapError(
    'BAD_INPUT',
    `cannot tell the vector size of the base model in ${dir} (no 1_Pooling/config.json or config.json hidden_size)`,
    'use a sentence-transformers model folder',
  )
}

export function validateBaseModel(dir: string, sourceRepo?: string): { dims: number; weights: string } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new EmbedMapError('NOT_FOUND', `base model folder ${dir} does not exist`, 'download the model first')
  const weights = PYTORCH_WEIGHTS.find((f) => fs.existsSync(path.join(dir, f)))
  if (!weights) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `the base model in ${dir} has no PyTorch weights (${PYTORCH_WEIGHTS.join(' or ')}): a full fine-tune trains PyTorch weights, not ONNX`,
      sourceRepo
        ? `download the training weights from ${sourceRepo} (model.safetensors, config.json, the sentence-transformers files) into the folder, or use --method adapter, which trains on the ONNX model`
        : 'use a folder with model.safetensors and config.json (the sentence-transformers repository), or --method adapter, which trains on the ONNX model',
      { reason: 'NO_PYTORCH_WEIGHTS', dir },
    )
  }
  if (!fs.existsSync(path.join(dir, 'config.json')))
    throw new EmbedMapError('BAD_INPUT', `the base model in ${dir} has no config.json`, 'copy config.json from the model repository into the folder')
  return { dims: baseModelDims(dir), weights }
}

export function validatePairs(pairs: readonly FullTrainPair[], what: 'training' | 'held-out'): void {
  if (what === 'training' && pairs.length < MIN_PAIRS)
    throw new EmbedMapError(
      'BAD_INPUT',
      `a fine-tune needs at least ${MIN_PAIRS} training pairs, got ${pairs.length}`,
      'add more pairs (or lower the held-out share)',
      { reason: 'TOO_FEW_PAIRS', pairs: pairs.length },
    )
  pairs.forEach((p, i) => {
    for (const side of ['anchor', 'positive'] as const) {
      if (typeof p[side] !== 'string' || p[side].trim() === '')
        throw new EmbedMapError(
          'BAD_INPUT',
          `${what} pair ${i + 1} has an empty ${side}`,
          'remove pairs with empty texts (the pair builders in finetune/pairs.ts drop them and count them)',
          { reason: 'EMPTY_TEXT', index: i, side },
        )
    }
    const negs = [...(p.negative !== undefined ? [p.negative] : []), ...(p.negatives ?? [])]
    if (negs.some((n) => typeof n !== 'string' || n.trim() === ''))
      throw new EmbedMapError('BAD_INPUT', `${what} pair ${i + 1} has an empty hard negative`, 'drop empty negatives before training', {
        reason: 'EMPTY_TEXT',
        index: i,
        side: 'negative',
      })
  })
  const counts = new Set(pairs.map((p) => (p.negative !== undefined ? 1 : 0) + (p.negatives?.length ?? 0)))
  if (counts.size > 1)
    throw new EmbedMapError(
      'BAD_INPUT',
      `${what} pairs carry different numbers of hard negatives (${[...counts].join(', ')})`,
      'give every pair the same number of negatives (or none)',
    )
}

export function validateHyperParams(h: FullHyperParams, dims: number): void {
  const bad = (msg: string, hint: string) => {
    throw new EmbedMapError('BAD_INPUT', msg, hint)
  }
  if (!(Number.isInteger(h.batchSize) && h.batchSize >= 2))
    bad(`batch size must be a whole number ≥ 2, got ${h.batchSize}`, 'in-batch negatives need at least 2 pairs per batch; 16–64 on CPU, 64–512 on a GPU')
  if (!(h.epochs > 0)) bad(`epochs must be > 0, got ${h.epochs}`, 'use 1–3')
  if (!(h.learningRate > 0 && h.learningRate < 1)) bad(`learning rate must be between 0 and 1, got ${h.learningRate}`, 'use 2e-5 to 5e-5')
  if (!(h.warmupRatio >= 0 && h.warmupRatio < 1)) bad(`warm-up ratio must be in [0, 1), got ${h.warmupRatio}`, 'use 0.1')
  if (!(Number.isInteger(h.maxSeqLength) && h.maxSeqLength >= 8)) bad(`max length must be a whole number ≥ 8, got ${h.maxSeqLength}`, 'use 128–256')
  if (!(h.scale > 0)) bad(`scale must be > 0, got ${h.scale}`, 'use 20 (temperature 0.05)')
  if (h.loss === 'cached-mnrl' && !(Number.isInteger(h.miniBatchSize) && h.miniBatchSize >= 1))
    bad(`mini-batch size must be a whole number ≥ 1, got ${h.miniBatchSize}`, 'use 16–64')
  if (h.matryoshkaDims) lossTerms(dims, { dims: h.matryoshkaDims, weights: h.matryoshkaWeights })
}
