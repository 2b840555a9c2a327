import { describe, expect, it } from 'vitest'
import { EmbedMapError } from '../../../src-main/errors'
import { pairsFromBeir, pairsFromColumns, pairsFromGroups } from '../../../src-main/finetune/pairs'

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ anchor: `q${i}`, positive: `d${i}` }))

describe('pairsFromColumns', () => {
  it('deduplicates exact pairs, drops empty sides (counted), holds out 10 % by anchor', () => {
    const input = [
      ...rows(40),
      { anchor: 'q1', positive: 'd1' },
      { anchor: ' ', positive: 'x' },
      { anchor: 'y', positive: null },
      { anchor: 'q1', positive: 'd1', negative: 'n' },
    ]
    const r = pairsFromColumns(input, { seed: 1 })
    expect(r.report).toMatchObject({ input: 44, duplicates: 1, empty: 2 })
    expect(r.train.length + r.eval.length).toBe(41)
    expect(r.report.train + r.report.eval).toBe(41)
    // q1 has two pairs (with and without negative): both on one side.
    const trainAnchors = new Set(r.train.map((p) => p.anchor))
    for (const p of r.eval) expect(trainAnchors.has(p.anchor)).toBe(false)
    expect(new Set(r.eval.map((p) => p.anchor)).size).toBe(4) // 10 % of 40 anchors
  })

  it('is deterministic for a seed and differs across seeds', () => {
    const a = pairsFromColumns(rows(100), { seed: 7 }).eval.map((p) => p.anchor)
    expect(pairsFromColumns(rows(100), { seed: 7 }).eval.map((p) => p.anchor)).toEqual(a)
    expect(pairsFromColumns(rows(100), { seed: 8 }).eval.map((p) => p.anchor)).not.toEqual(a)
  })

  it('fewer than 10 usable pairs is a BAD_INPUT that counts the empty ones', () => {
    const input = [...rows(9), { anchor: '', positive: 'x' }]
    try {
      pairsFromColumns(input)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(EmbedMapError)
      expect((e as EmbedMapError).code).toBe('BAD_INPUT')
      expect((e as EmbedMapError).message).toMatch(/Only 9 usable training pairs from 10 input rows \(1 dropped because a side was empty\)/)
    }
  })
})

describe('pairsFromBeir', () => {
  const queries = Array.from({ length: 30 }, (_, i) => ({ id: `q${i}`, text: `query ${i}` }))
  const corpus = Array.from({ length: 40 }, (_, i) => ({ id: `d${i}`, title: `T${i}`, text: `doc ${i}` }))
  const qrels = [
    ...queries.map((q, i) => ({ queryId: q.id, docId: `d${i}`, score: 1 })),
    ...queries.slice(0, 10).map((q, i) => ({ queryId: q.id, docId: `d${i + 30}`, score: 2 })),
    { queryId: 'q0', docId: 'd39', score: 0 },
    { queryId: 'nope', docId: 'd1', score: 1 },
  ]
  it('pairs every qrel with score > 0, joins title and text, splits by query', () => {
    const r = pairsFromBeir({ queries, corpus, qrels }, { evalFraction: 0.3, seed: 3 })
    expect(r.report).toMatchObject({ input: 42, skippedQrels: 1, unknownIds: 1, duplicates: 0, empty: 0 })
    expect(r.train.length + r.eval.length).toBe(40)
    expect(r.evalQueryIds.length).toBe(9)
    expect(r.trainQueryIds.filter((id) => r.evalQueryIds.includes(id))).toEqual([])
    expect(r.train.concat(r.eval).find((p) => p.group === 'q5')?.positive).toBe('T5 doc 5')
    // A query with two positives keeps both on its side.
    const q0 = r.train.concat(r.eval).filter((p) => p.group === 'q0')
    expect(q0.length).toBe(2)
    expect(r.trainQueryIds.includes('q0')).not.toBe(r.evalQueryIds.includes('q0'))
  })
  it('qrels that match nothing say so', () => {
    expect(() => pairsFromBeir({ queries, corpus, qrels: [{ queryId: 'x', docId: 'y', score: 1 }] })).toThrow(/None of the 1 qrels/)
  })
})

describe('pairsFromGroups', () => {
  const labelled = Array.from({ length: 60 }, (_, i) => ({ text: `row ${i}`, group: `g${i % 6}` }))
  it('pairs rows within a group only, splits by row (no text on both sides), seeded', () => {
    const r = pairsFromGroups([...labelled, { text: '', group: 'g1' }, { text: 'lonely', group: null }], { seed: 5, evalFraction: 0.2 })
    const group = new Map(labelled.map((x) => [x.text, x.group]))
    for (const p of [...r.train, ...r.eval]) {
      expect(group.get(p.anchor)).toBe(group.get(p.positive))
      expect(p.anchor).not.toBe(p.positive)
      expect(p.group).toBe(group.get(p.anchor))
    }
    const trainTexts = new Set(r.train.flatMap((p) => [p.anchor, p.positive]))
    for (const p of r.eval) {
      expect(trainTexts.has(p.anchor)).toBe(false)
      expect(trainTexts.has(p.positive)).toBe(false)
    }
    expect(r.report.empty).toBe(1)
    // 48 training rows, 12 held-out rows: one pair per row that has a group mate on its side.
    expect(r.train.length).toBe(48)
    expect(r.eval.length).toBeGreaterThanOrEqual(9)
    expect(r.eval.length).toBeLessThanOrEqual(12)
    expect(pairsFromGroups(labelled, { seed: 5, evalFraction: 0.2 }).train).toEqual(pairsFromGroups(labelled, { seed: 5, evalFraction: 0.2 }).train)
  })
  it('groups of one row give no pairs: a clear error', () => {
    expect(() => pairsFromGroups(Array.from({ length: 20 }, (_, i) => ({ text: `t${i}`, group: i })))).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', hint: expect.stringMatching(/groups need at least two rows/) }),
    )
  })
})
