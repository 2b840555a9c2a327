import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../src-main/engine/engine'
import { startServer, type RunningServer } from '../../src-main/server'
import { runCli } from '../helpers/cli'
import { writeTinyModel } from '../helpers/tiny-model'
import { sharedData, tmpDir } from '../helpers/tmp'
import { json, request } from '../unit/server/http-helpers'

/**
 * The evaluate job end to end through the real CLI: a slice of SciFact (real queries, documents and qrels), the
 * lexical baseline beside a model, results stored once and reused, and the same file rules as imports from the app.
 */
const dir = tmpDir()
const db = path.join(dir, 'w.sqlite')
const scifact = path.join(sharedData, 'en_scifact_retrieval')
let files: { queries: string; corpus: string; qrels: string }
let model: string

beforeAll(() => {
  // 60 queries with their relevant documents plus 240 others: small enough for a tiny model, real text all the same.
  const qrels = (parse(fs.readFileSync(path.join(scifact, 'qrels.csv')), { columns: true }) as Record<string, string>[]).slice(0, 80)
  const queryIds = new Set(qrels.map((r) => r.query_id))
  const relevant = new Set(qrels.map((r) => r.doc_id))
  const queries = (parse(fs.readFileSync(path.join(scifact, 'queries.csv')), { columns: true }) as Record<string, string>[]).filter((q) =>
    queryIds.has(q.query_id),
  )
  const allDocs = parse(fs.readFileSync(path.join(scifact, 'corpus.csv')), { columns: true }) as Record<string, string>[]
  const corpus = [...allDocs.filter((d) => relevant.has(d.doc_id)), ...allDocs.filter((d) => !relevant.has(d.doc_id)).slice(0, 240)]
  files = { queries: path.join(dir, 'queries.csv'), corpus: path.join(dir, 'corpus.csv'), qrels: path.join(dir, 'qrels.csv') }
  fs.writeFileSync(files.queries, stringify(queries, { header: true }))
  fs.writeFileSync(files.corpus, stringify(corpus, { header: true }))
  fs.writeFileSync(files.qrels, stringify([...qrels, { query_id: '999999', doc_id: 'nope', score: '1' }], { header: true }))
  model = path.join(dir, 'tiny-model')
  writeTinyModel(model)
})

const evalArgs = () => [
  '--db',
  db,
  '--json',
  'eval',
  'retrieval',
  '--queries',
  files.queries,
  '--corpus',
  files.corpus,
  '--qrels',
  files.qrels,
  '--model',
  model,
]

describe('embedmap eval retrieval', () => {
  it('stores BM25 and the model with mteb metric names, costs and the data fingerprint, and says what it dropped', () => {
    const r = runCli(evalArgs())
    expect(r.status, r.stderr).toBe(0)
    const out = r.json()
    expect(out.results.map((x: { modelId: string }) => x.modelId)).toEqual(['bm25', 'tiny-model'])
    for (const x of out.results) {
      expect(x.mainMetric).toBe('ndcg_at_10')
      expect(Object.keys(x.metrics)).toEqual(expect.arrayContaining(['ndcg_at_10', 'map_at_10', 'mrr_at_10', 'recall_at_1', 'recall_at_10', 'recall_at_100']))
      expect(x.mainScore).toBeGreaterThanOrEqual(0)
      expect(x.mainScore).toBeLessThanOrEqual(1)
      expect(x.dataFingerprint).toMatch(/^[0-9a-f]{64}$/)
    }
    // Keywords find SciFact's claims in their abstracts; a random tiny model does not.
    expect(out.results[0].mainScore).toBeGreaterThan(0.4)
    expect(out.results[1].costs.sentencesPerSecond).toBeGreaterThan(0)
    expect(out.results[1].costs.sizeBytes).toBeGreaterThan(0)
    expect(out.results[1].dims).toBe(16) // the tiny model's hidden size
    expect(out.reused).toEqual([])
    expect(JSON.stringify(out.warnings)).toMatch(/999999|unknown/i)
  })

  // Five CLI runs, each a process start and a model load: generous on a loaded machine.
  it('reuses stored results for the same data and model, recomputes only when asked, and lists and shows them', { timeout: 180_000 }, () => {
    const again = runCli(evalArgs()).json()
    expect(again.reused).toHaveLength(2)
    const recomputed = runCli([...evalArgs(), '--recompute']).json()
    expect(recomputed.reused).toEqual([])
    expect(recomputed.results[1].metrics.ndcg_at_10).toBeCloseTo(again.results[1].metrics.ndcg_at_10, 10)
    // The same bytes elsewhere are the same data: found again, not recomputed.
    const copy = path.join(dir, 'copy')
    fs.mkdirSync(copy, { recursive: true })
    for (const f of Object.values(files)) fs.copyFileSync(f, path.join(copy, path.basename(f)))
    const moved = evalArgs().map((a) => (Object.values(files).includes(a) ? path.join(copy, path.basename(a)) : a))
    const elsewhere = runCli(moved).json()
    expect(elsewhere.reused).toHaveLength(2)
    expect(elsewhere.dataFingerprint).toBe(again.dataFingerprint)
    const list = runCli(['--db', db, '--json', 'eval', 'list']).json()
    expect(list).toHaveLength(2)
    const show = runCli(['--db', db, '--json', 'eval', 'show', String(list[0].id)]).json()
    expect(show.id).toBe(list[0].id)
  })

  it('writes the comparison as CSV', () => {
    const out = path.join(dir, 'results.csv')
    expect(runCli([...evalArgs(), '--out', out]).status).toBe(0)
    const rows = parse(fs.readFileSync(out), { columns: true }) as Record<string, string>[]
    expect(rows.map((r) => r.model)).toEqual(['bm25', 'tiny-model'])
    expect(Number(rows[0].ndcg_at_10)).toBeGreaterThan(0.4)
  })

  it('explains a missing column with the file', () => {
    const r = runCli([...evalArgs().filter((a) => a !== '--json'), '--query-text', 'no_such_column'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('queries.csv')
    expect(r.stderr).toContain('no_such_column')
  })
})

describe('eval.start from the app', () => {
  let engine: Engine
  let server: RunningServer
  beforeAll(async () => {
    const renderer = path.join(dir, 'renderer')
    fs.mkdirSync(renderer, { recursive: true })
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html>')
    engine = await createEngine({ dbPath: path.join(dir, 'app', 'w.sqlite'), mode: 'browser' })
    server = await startServer({ engine, rendererDir: renderer })
  })
  afterAll(async () => {
    await server?.close()
    await engine?.close()
  })

  it('reads only uploaded files, like an import', async () => {
    const res = await request(server.port, {
      method: 'POST',
      path: '/api/invoke/eval.start',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ task: { kind: 'retrieval', ...files } }),
    })
    expect(json(res)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
  })
})
