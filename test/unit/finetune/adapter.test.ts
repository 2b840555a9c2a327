import { describe, expect, it } from 'vitest'
import { applyAdapter, trainAdapter } from '../../../src-main/finetune/adapter'
import { normalizeRows } from '../../../src-main/finetune/linalg'
import { seededRandom } from '../../../src-main/finetune/rng'

/**
 * Synthetic retrieval where a linear map helps: 16 dims, docs are random; a query copies its doc's
 * first 8 dims and has strong noise in the last 8. Down-weighting the noisy dims (a diagonal W) lifts
 * retrieval — the adapter has to find that from pairs alone.
 */
function synthetic(seed: number) {
  const d = 16
  const rand = seededRandom(seed)
  const g = () => rand() + rand() + rand() - 1.5
  const n = 300
  const corpus = normalizeRows(Float32Array.from({ length: n * d }, g), d)
  const makeQueries = (count: number, offset: number) => {
    const q = new Float32Array(count * d)
    const pos = new Int32Array(count)
    for (let i = 0; i < count; i++) {
      const doc = (offset + i) % n
      pos[i] = doc
      for (let t = 0; t < d; t++) q[i * d + t] = t < 8 ? corpus[doc * d + t] : 3 * g() * 0.2
    }
    return { q: normalizeRows(q, d), pos }
  }
  return { d, corpus, train: makeQueries(200, 0), held: makeQueries(100, 200) }
}

describe('trainAdapter', () => {
  const s = synthetic(1)
  const data = {
    dims: s.d,
    corpus: s.corpus,
    anchors: s.train.q,
    positives: s.train.pos,
    heldout: { queries: s.held.q, relevant: Array.from(s.held.pos, (p) => [p]) },
  }
  it('improves held-out nDCG@10 on data a linear map can fix, and keeps the best epoch', () => {
    const logs: number[] = []
    const r = trainAdapter(data, { epochs: 15, learningRate: 5e-3, identityPenalty: 1e-3, seed: 3, onEpoch: (l) => logs.push(l.epoch) })
    expect(r.before).toBeDefined()
    expect(r.after!.ndcg10).toBeGreaterThan(r.before!.ndcg10 + 0.05)
    expect(r.bestEpoch).toBeGreaterThan(0)
    expect(r.after).toEqual(r.epochs[r.bestEpoch].heldout)
    expect(logs[0]).toBe(0)
    // The returned W reproduces the reported metric.
    const adapted = applyAdapter(r.weights, s.held.q, s.d)
    expect(Array.from(adapted.subarray(0, s.d)).reduce((a, x) => a + x * x, 0)).toBeCloseTo(1, 5)
    console.log(`adapter synthetic: nDCG@10 ${r.before!.ndcg10.toFixed(4)} → ${r.after!.ndcg10.toFixed(4)} (epoch ${r.bestEpoch}, ${r.trainMs.toFixed(0)} ms)`)
  })
  it('trains with a Matryoshka loss too, and rejects a dim larger than the vectors', () => {
    const r = trainAdapter(data, { epochs: 5, learningRate: 5e-3, identityPenalty: 1e-3, matryoshka: { dims: [16, 8], weights: [1, 1] } })
    expect(r.after!.ndcg10).toBeGreaterThan(r.before!.ndcg10)
    expect(() => trainAdapter(data, { epochs: 1, matryoshka: { dims: [32] } })).toThrow(/Matryoshka dim 32 is larger than the model's 16 dims/)
  })
  it('reports the loss of every optimiser step, numbered through the run, with fractional epochs', () => {
    const steps: { step: number; epoch: number; loss: number }[] = []
    const epochs: { epoch: number; loss: number }[] = []
    const r = trainAdapter(data, {
      epochs: 4,
      batchSize: 32,
      learningRate: 5e-3,
      identityPenalty: 1e-3,
      patience: 100,
      seed: 3,
      onStep: (l) => steps.push(l),
      onEpoch: (l) => epochs.push({ epoch: l.epoch, loss: l.loss }),
    })
    // 200 anchors in batches of at most 32: at least 7 steps an epoch, every one reported.
    expect(r.steps).toBe(steps.length)
    expect(steps.map((s) => s.step)).toEqual(steps.map((_, i) => i + 1))
    for (let e = 1; e <= 4; e++) {
      const mine = steps.filter((s) => s.epoch > e - 1 && s.epoch <= e)
      expect(mine.length).toBeGreaterThanOrEqual(7)
      expect(mine.at(-1)!.epoch).toBe(e)
      // The epoch's loss is the mean of its steps' losses.
      expect(epochs[e].loss).toBeCloseTo(mine.reduce((a, s) => a + s.loss, 0) / mine.length, 10)
    }
    expect(steps.every((s) => Number.isFinite(s.loss) && s.loss > 0)).toBe(true)
    // It learns: the last epoch's steps are lower than the first's.
    const mean = (xs: { loss: number }[]) => xs.reduce((a, s) => a + s.loss, 0) / xs.length
    expect(mean(steps.filter((s) => s.epoch > 3))).toBeLessThan(mean(steps.filter((s) => s.epoch <= 1)))
  })
  it('is deterministic for a seed', () => {
    const a = trainAdapter(data, { epochs: 2, seed: 9 })
    const b = trainAdapter(data, { epochs: 2, seed: 9 })
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights))
  })
  it('a huge identity penalty keeps W at the identity', () => {
    const r = trainAdapter({ ...data, heldout: undefined }, { epochs: 2, identityPenalty: 1e6, learningRate: 1e-4 })
    for (let i = 0; i < s.d; i++) expect(r.weights[i * s.d + i]).toBeCloseTo(1, 3)
  })
  it('cancels through the signal', () => {
    const ac = new AbortController()
    ac.abort()
    expect(() => trainAdapter(data, { signal: ac.signal })).toThrow(expect.objectContaining({ code: 'CANCELLED' }))
  })
})
