/**
 * Batches without false negatives. In-batch-negative losses (MNRL) treat every other item's positive as
 * a negative for an anchor; if two items share a text, or belong to the same group (same label, same
 * query), the "negative" is really a positive and the loss pushes apart what should be close.
 *
 * Semantics follow sentence-transformers' NoDuplicatesBatchSampler: shuffle (seed + epoch), walk the
 * remaining items in order, take an item if none of its values is in the batch yet, otherwise defer it
 * to a later batch; yield a batch when full; the last, smaller batch is kept unless dropLast.
 */
import { EmbedMapError } from '../errors'
import type { TrainingPair } from './pairs'
import { permutation, seededRandom } from './rng'

export interface BatchItem {
  /** Every text of the item (anchor, positive, negatives): none may appear twice in a batch. */
  texts: readonly string[]
  /** Items of one group never share a batch (they would act as each other's negative). */
  group?: string
}

export interface BatchOptions {
  batchSize: number
  seed?: number
  /** Added to the seed, so each epoch has its own order (like the sampler's set_epoch). */
  epoch?: number
  dropLast?: boolean
}

export function batchItemsFromPairs(pairs: readonly TrainingPair[]): BatchItem[] {
  return pairs.map((p) => ({ texts: p.negative ? [p.anchor, p.positive, p.negative] : [p.anchor, p.positive], group: p.group }))
}

/** Lists of item indices, each a batch. Every item appears at most once per epoch. */
export function noDuplicateBatches(items: readonly BatchItem[], opts: BatchOptions): number[][] {
  const size = Math.floor(opts.batchSize)
  if (!(size >= 1)) throw new EmbedMapError('BAD_INPUT', `Batch size must be at least 1, got ${opts.batchSize}`)
  // Groups and texts share one value set; the prefixes keep a group named like a text from colliding.
  const values = items.map((it) => {
    const v = it.texts.map((t) => `t:${t}`)
    if (it.group !== undefined) v.push(`g:${it.group}`)
    return v
  })
  let remaining = Array.from(permutation(items.length, seededRandom((opts.seed ?? 0) + (opts.epoch ?? 0))))
  const batches: number[][] = []
  while (remaining.length > 0) {
    const inBatch = new Set<string>()
    const batch: number[] = []
    const deferred: number[] = []
    let i = 0
    for (; i < remaining.length && batch.length < size; i++) {
      const idx = remaining[i]
      if (values[idx].some((v) => inBatch.has(v))) {
        deferred.push(idx)
        continue
      }
      batch.push(idx)
      for (const v of values[idx]) inBatch.add(v)
    }
    const rest = deferred.concat(remaining.slice(i))
    if (batch.length === size || !opts.dropLast) batches.push(batch)
    // A batch that could not be filled means every remaining item conflicts with it: stop there, as the
    // sampler does (its leftovers are dropped with dropLast, or yielded as small batches otherwise).
    if (batch.length < size && opts.dropLast) break
    remaining = rest
  }
  return batches
}

/** True when no two items of the batch share a text or a group (what the tests and callers can assert). */
export function isFalseNegativeFree(items: readonly BatchItem[], batch: readonly number[]): boolean {
  const seen = new Set<string>()
  for (const idx of batch) {
    const it = items[idx]
    const v = new Set(it.texts.map((t) => `t:${t}`))
    if (it.group !== undefined) v.add(`g:${it.group}`)
    for (const x of v) if (seen.has(x)) return false
    for (const x of v) seen.add(x)
  }
  return true
}
