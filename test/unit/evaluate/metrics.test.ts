/** The metric functions on small cases worked out by hand (pytrec_eval / scipy / sklearn semantics). */
import { describe, expect, it } from 'vitest'
import { averageRanks, spearman } from '../../../src-main/evaluate/metrics/correlation'
import { exactTopK } from '../../../src-main/evaluate/metrics/exact-search'
import { averagePrecision, bestF1AndThreshold } from '../../../src-main/evaluate/metrics/pair-classification'
import { queryMetrics, rankHits, retrievalScores } from '../../../src-main/evaluate/metrics/retrieval-metrics'
import { vMeasure } from '../../../src-main/evaluate/metrics/v-measure'
import { averagedScores } from '../../../src-main/evaluate/metrics/classification-metrics'
import { MT19937, numpyLegacyShuffle, pythonChoices, pythonRandom } from '../../../src-main/evaluate/learn/mt19937'

describe('retrieval metrics (trec_eval semantics)', () => {
  it('ranks equal scores by document id descending', () => {
    expect(
      rankHits([
        { docId: 'a', score: 1 },
        { docId: 'c', score: 1 },
        { docId: 'b', score: 2 },
      ]).map((h) => h.docId),
    ).toEqual(['b', 'c', 'a'])
  })

  it('graded gain, log2(rank+1) discount, MAP over all relevant documents', () => {
    const judged = new Map([
      ['d1', 2],
      ['d2', 1],
      ['d3', 1],
      ['d9', 0],
    ])
    const ranked = [
      { docId: 'd2', score: 3 },
      { docId: 'x', score: 2 },
      { docId: 'd1', score: 1 },
    ]
    const m = queryMetrics(ranked, judged, [1, 3])
    // DCG@3 = 1/log2(2) + 2/log2(4) = 2; IDCG@3 = 2 + 1/log2(3) + 1/log2(4)
    expect(m.ndcg[1]).toBeCloseTo(2 / (2 + 1 / Math.log2(3) + 0.5), 12)
    expect(m.ndcg[0]).toBeCloseTo(1 / 2, 12)
    // AP@3 = (1/1 + 2/3) / 3 relevant (not min(k, R))
    expect(m.map[1]).toBeCloseTo((1 + 2 / 3) / 3, 12)
    expect(m.recall[1]).toBeCloseTo(2 / 3, 12)
    expect(m.precision[1]).toBeCloseTo(2 / 3, 12)
    expect(m.mrr[0]).toBe(1)
  })

  it('drops queries with no hits and queries absent from the qrels', () => {
    const qrels = new Map([
      ['q1', new Map([['d1', 1]])],
      ['q2', new Map([['d1', 1]])],
    ])
    const runs = new Map([
      ['q1', [{ docId: 'd1', score: 1 }]],
      ['q2', []],
      ['q3', [{ docId: 'd1', score: 1 }]],
    ])
    const s = retrievalScores(runs, qrels, [1, 10])
    expect(s.evaluatedQueries).toBe(1)
    expect(s.metrics.ndcg_at_10).toBe(1)
  })

  it('exact top-k breaks ties at the cut by the given rank', () => {
    const q = new Float32Array([1, 0])
    const c = new Float32Array([1, 0, 1, 0, 0, 1])
    expect(Array.from(exactTopK(q, c, 2, 1).indices)).toEqual([0])
    expect(Array.from(exactTopK(q, c, 2, 1, Int32Array.from([0, 5, 1])).indices)).toEqual([1])
  })
})

describe('correlation, AP, F1, V-measure, averaged F1', () => {
  it('average ranks for ties (scipy rankdata)', () => {
    expect(Array.from(averageRanks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2])
    expect(spearman([1, 2, 3, 4], [10, 20, 20, 40])).toBeCloseTo(0.9486832980505138, 12)
  })

  it('average precision over distinct thresholds (sklearn)', () => {
    // sklearn: average_precision_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.8333…
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.8333333333333333, 12)
    // ties enter together: ([1,0,1], [0.5,0.5,0.2]) → 0.5·0.5 + 0.5·(2/3)
    expect(averagePrecision([1, 0, 1], [0.5, 0.5, 0.2])).toBeCloseTo(0.25 + 1 / 3, 12)
  })

  it('best F1 sweep as mteb (the last row is never a cut)', () => {
    const r = bestF1AndThreshold([0.9, 0.8, 0.3], [1, 0, 1], true)
    expect(r.f1).toBeCloseTo(2 / 3, 12)
    expect(r.threshold).toBeCloseTo(0.85, 12)
  })

  it('V-measure (sklearn: v_measure_score([0,0,1,1],[0,0,1,2]) = 0.8)', () => {
    expect(vMeasure([0, 0, 1, 1], [0, 0, 1, 2]).v_measure).toBeCloseTo(0.8, 12)
    expect(vMeasure(['a', 'a', 'b'], [5, 5, 5]).v_measure).toBe(0)
  })

  it('weighted / macro F1 with zero_division 0', () => {
    // sklearn f1_score([0,1,2,2],[0,2,2,2], average='macro') = (1 + 0 + 0.8)/3
    expect(averagedScores([0, 1, 2, 2], [0, 2, 2, 2], 'macro').f1).toBeCloseTo(1.8 / 3, 12)
    expect(averagedScores([0, 1, 2, 2], [0, 2, 2, 2], 'weighted').f1).toBeCloseTo((1 + 0 + 2 * 0.8) / 4, 12)
  })
})

describe("Python's and numpy's Mersenne Twister draws", () => {
  it('random.Random(42): random() and choices()', () => {
    const r = pythonRandom(42)
    expect(r.nextDouble()).toBe(0.6394267984578837)
    expect(r.nextDouble()).toBe(0.025010755222666936)
    expect(Array.from(pythonChoices(pythonRandom(42), 1000, 5))).toEqual([639, 25, 275, 223, 736])
  })

  it('np.random.RandomState(42).shuffle(list(range(10)))', () => {
    const x = Array.from({ length: 10 }, (_, i) => i)
    numpyLegacyShuffle(MT19937.fromInt(42), x)
    expect(x).toEqual([8, 1, 5, 0, 7, 2, 9, 4, 3, 6])
  })
})
