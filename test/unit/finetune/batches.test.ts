import { describe, expect, it } from 'vitest'
import { batchItemsFromPairs, isFalseNegativeFree, noDuplicateBatches } from '../../../src-main/finetune/batches'

describe('noDuplicateBatches', () => {
  it('never puts a shared text or a shared group in one batch, and covers every item once', () => {
    // 200 pairs over 20 groups, positives drawn from 50 texts: many collisions.
    const pairs = Array.from({ length: 200 }, (_, i) => ({ anchor: `a${i}`, positive: `p${(i * 7) % 50}`, group: `g${i % 20}` }))
    const items = batchItemsFromPairs(pairs)
    const batches = noDuplicateBatches(items, { batchSize: 8, seed: 1 })
    for (const b of batches) expect(isFalseNegativeFree(items, b)).toBe(true)
    expect(batches.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i))
    expect(batches.filter((b) => b.length === 8).length).toBeGreaterThan(15)
  })
  it('an anchor equal to another pair’s positive is kept apart too (texts are checked across columns)', () => {
    const items = batchItemsFromPairs([
      { anchor: 'x', positive: 'y' },
      { anchor: 'y', positive: 'z' },
    ])
    expect(noDuplicateBatches(items, { batchSize: 2, seed: 0 }).map((b) => b.length)).toEqual([1, 1])
  })
  it('is seeded per epoch, and dropLast drops the unfillable rest', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ texts: [`t${i}`] }))
    const e1 = noDuplicateBatches(items, { batchSize: 16, seed: 3, epoch: 1 })
    expect(noDuplicateBatches(items, { batchSize: 16, seed: 3, epoch: 1 })).toEqual(e1)
    expect(noDuplicateBatches(items, { batchSize: 16, seed: 3, epoch: 2 })).not.toEqual(e1)
    expect(noDuplicateBatches(items, { batchSize: 16, seed: 3, dropLast: true }).map((b) => b.length)).toEqual([16, 16, 16])
    expect(() => noDuplicateBatches(items, { batchSize: 0 })).toThrow(/Batch size/)
  })
})
