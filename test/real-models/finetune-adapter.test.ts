/**
 * The adapter improves held-out retrieval on real data: all-MiniLM-L6-v2 (the real ONNX model) on the
 * shared SciFact training files. Queries are split 70/30 by query (pairsFromBeir), the adapter trains on
 * the training queries' pairs with hard negatives mined from the whole corpus, and nDCG@10 of the
 * held-out queries against the corpus must beat the base vectors. The corpus is the documents the qrels
 * cite plus the first uncited ones up to 1,000 (of 2,825), at 128 tokens: CI time is tight, and every
 * held-out query still competes with several hundred documents it does not cite.
 */
import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { Embedder } from '../../src-main/embed/embedder'
import { trainAdapter } from '../../src-main/finetune/adapter'
import { mineHardNegatives } from '../../src-main/finetune/hard-negatives'
import { beirDocText, pairsFromBeir } from '../../src-main/finetune/pairs'
import { realModel } from '../helpers/real-models'
import { sharedData } from '../helpers/tmp'

const dir = path.join(sharedData, 'en_scifact_retrieval')
const read = (f: string) => parse(fs.readFileSync(path.join(dir, f)), { columns: true }) as Record<string, string>[]

const CORPUS_SIZE = 1000

describe('adapter on SciFact with all-MiniLM-L6-v2', () => {
  const queries = read('queries.csv').map((r) => ({ id: r.query_id, text: r.text }))
  const qrels = read('qrels.csv').map((r) => ({ queryId: r.query_id, docId: r.doc_id, score: Number(r.score) }))
  const cited = new Set(qrels.map((r) => r.docId))
  const allDocs = read('corpus.csv').map((r) => ({ id: r.doc_id, title: r.title, text: r.text }))
  const uncited = allDocs.filter((d) => !cited.has(d.id)).slice(0, Math.max(0, CORPUS_SIZE - cited.size))
  const corpus = [...allDocs.filter((d) => cited.has(d.id)), ...uncited]
  const split = pairsFromBeir({ queries, corpus, qrels }, { evalFraction: 0.3, seed: 42 })
  const docRow = new Map(corpus.map((d, i) => [d.id, i]))
  const queryRow = new Map(queries.map((q, i) => [q.id, i]))
  let d = 0
  let qVecs: Float32Array = new Float32Array(0)
  let cVecs: Float32Array = new Float32Array(0)

  beforeAll(async () => {
    const t = performance.now()
    const e = await Embedder.load(realModel('all-MiniLM-L6-v2'), { device: 'cpu', maxLength: 128 })
    try {
      d = e.info.dims
      qVecs = (
        await e.embed(
          queries.map((q) => q.text),
          { kind: 'query' },
        )
      ).vectors
      cVecs = (await e.embed(corpus.map(beirDocText), { kind: 'passage' })).vectors
    } finally {
      await e.close()
    }
    console.log(`embedded ${queries.length} queries + ${corpus.length} docs in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  }, 900_000)

  /** Query vectors, positive doc rows and group (= query) per pair; relevant docs per query. */
  function sideData(ids: string[]) {
    const rows: number[] = []
    const positives: number[] = []
    const groups: number[] = []
    const relevant: number[][] = []
    ids.forEach((id, g) => {
      const rel = qrels.filter((r) => r.queryId === id && r.score > 0 && docRow.has(r.docId)).map((r) => docRow.get(r.docId) as number)
      relevant.push(rel)
      for (const p of rel) {
        rows.push(queryRow.get(id) as number)
        positives.push(p)
        groups.push(g)
      }
    })
    const vecs = (rs: number[]) => {
      const out = new Float32Array(rs.length * d)
      rs.forEach((r, i) => out.set(qVecs.subarray(r * d, r * d + d), i * d))
      return out
    }
    return {
      anchors: vecs(rows),
      positives: Int32Array.from(positives),
      groups: Int32Array.from(groups),
      queries: vecs(ids.map((id) => queryRow.get(id) as number)),
      relevant,
    }
  }

  it('split is by query: no held-out query trains', () => {
    expect(split.evalQueryIds.length).toBeGreaterThan(200)
    expect(split.trainQueryIds.some((id) => split.evalQueryIds.includes(id))).toBe(false)
  })

  it('mines hard negatives from the whole corpus with a margin below the positive', () => {
    const train = sideData(split.trainQueryIds)
    const t = performance.now()
    const positivesByAnchor = Array.from(train.groups, (g) => Array.from(train.positives.filter((_, i) => train.groups[i] === g)))
    const mined = mineHardNegatives({ dims: d, anchors: train.anchors, corpus: cVecs, positives: positivesByAnchor }, { numNegatives: 3, relativeMargin: 0.05 })
    const s = mined.stats
    console.log(
      `mined ${s.negative.count} negatives in ${(performance.now() - t).toFixed(0)} ms: positive cos mean ${s.positive.mean.toFixed(4)} median ${s.positive.median.toFixed(4)}; negative mean ${s.negative.mean.toFixed(4)} median ${s.negative.median.toFixed(4)}; skipped by margin ${s.skipped.relativeMargin}`,
    )
    for (let i = 0; i < train.groups.length; i++) {
      for (let j = 0; j < 3; j++) {
        const neg = mined.indices[i * 3 + j]
        if (neg < 0) continue // too few candidates survived the margin for this anchor (counted in anchorsShort)
        expect(positivesByAnchor[i]).not.toContain(neg)
        expect(mined.scores[i * 3 + j]).toBeLessThanOrEqual(mined.positiveScores[i] - Math.abs(mined.positiveScores[i]) * 0.05 + 1e-6)
      }
    }
    expect(s.positive.mean).toBeGreaterThan(s.negative.mean)
    expect(s.negative.count + mined.indices.filter((x) => x < 0).length).toBe(train.groups.length * 3)
    expect(s.anchorsShort).toBeLessThan(train.groups.length / 2)
  })

  it('improves held-out nDCG@10 over the base vectors, in seconds', () => {
    const train = sideData(split.trainQueryIds)
    const held = sideData(split.evalQueryIds)
    const r = trainAdapter(
      {
        dims: d,
        corpus: cVecs,
        anchors: train.anchors,
        positives: train.positives,
        groups: train.groups,
        heldout: { queries: held.queries, relevant: held.relevant },
      },
      { seed: 42 },
    )
    const b = r.before!
    const a = r.after!
    console.log(
      `adapter SciFact: ${train.positives.length} training pairs, ${held.relevant.length} held-out queries; nDCG@10 ${b.ndcg10.toFixed(4)} → ${a.ndcg10.toFixed(4)}, recall@10 ${b.recall10.toFixed(4)} → ${a.recall10.toFixed(4)}, MRR@10 ${b.mrr10.toFixed(4)} → ${a.mrr10.toFixed(4)}; best epoch ${r.bestEpoch} of ${r.epochs.length - 1}, ${r.steps} steps, ${(r.trainMs / 1000).toFixed(1)} s`,
    )
    expect(r.bestEpoch).toBeGreaterThan(0)
    // Measured +0.093 (0.7398 → 0.8323) on this corpus (+0.086 on the full one); a margin well above noise from 242
    // queries, well below the gain.
    expect(a.ndcg10).toBeGreaterThan(b.ndcg10 + 0.03)
    expect(r.trainMs).toBeLessThan(120_000)
  }, 300_000)
})
