import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Embedder } from '../../src-main/embed'
import { runCliAsync, startCli } from '../helpers/cli'
import { startFlakyProxy, type FlakyProxy } from '../helpers/flaky-proxy'
import { freePort, startInfinity, type InfinityServer } from '../helpers/infinity-server'
import { realModel } from '../helpers/real-models'
import { sharedData, tmpDir } from '../helpers/tmp'

/**
 * Embedding through a real OpenAI-compatible server (Infinity, started here on loopback, serving the
 * same all-MiniLM-L6-v2 folder the local tests use), straight and through a proxy that misbehaves.
 */
const dir = tmpDir()
const db = path.join(dir, 'remote.sqlite')
const ROWS = 96
const KEY = 'sk-embedmap-test-7f3a9c1e5b'
const env = { EMBEDMAP_TEST_KEY: KEY }
const modelDir = realModel('all-MiniLM-L6-v2')

let server: InfinityServer
let proxy: FlakyProxy
let datasetId: number
let texts: string[]
let local: Float32Array

const cli = (args: string[], extraEnv: Record<string, string> = {}) => runCliAsync([...args, '--db', db], { ...env, ...extraEnv })

function storedVectors(setId: number): Map<number, Float32Array> {
  const d = new Database(db, { readonly: true })
  try {
    const rows = d.prepare(`SELECT row_idx, vector FROM embeddings WHERE set_id = ?`).all(setId) as { row_idx: number; vector: Buffer }[]
    return new Map(rows.map((r) => [r.row_idx, new Float32Array(new Uint8Array(r.vector).buffer)]))
  } finally {
    d.close()
  }
}

function count(sql: string, ...args: unknown[]): number {
  const d = new Database(db, { readonly: true })
  try {
    return (d.prepare(sql).get(...args) as { n: number }).n
  } finally {
    d.close()
  }
}

/** Smallest cosine between stored vectors and local embedding of the same rows (1 = identical). */
function minCosineToLocal(setId: number): number {
  const stored = storedVectors(setId)
  expect(stored.size).toBe(ROWS)
  let min = 1
  for (const [idx, v] of stored) {
    expect(v.length).toBe(384)
    const l = local.subarray(idx * 384, (idx + 1) * 384)
    let dot = 0
    let nv = 0
    let nl = 0
    for (let j = 0; j < 384; j++) {
      dot += v[j] * l[j]
      nv += v[j] * v[j]
      nl += l[j] * l[j]
    }
    min = Math.min(min, dot / Math.sqrt(nv * nl))
  }
  return min
}

async function addViaProxy(name: string, extra: string[] = []) {
  const r = await cli([
    'models',
    'add-remote',
    '--url',
    proxy.url,
    '--model',
    'all-MiniLM-L6-v2',
    '--name',
    name,
    '--api-key-env',
    'EMBEDMAP_TEST_KEY',
    '--json',
    ...extra,
  ])
  expect(r.status, r.stdout + r.stderr).toBe(0)
  return r.json<{ id: string; dims: number }>()
}

beforeEach(() => {
  if (!proxy) return
  proxy.queue = []
  proxy.fallback = 'ok'
  proxy.slowMs = 0
})

beforeAll(async () => {
  const all = fs.readFileSync(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv'), 'utf8').split('\n')
  const csv = path.join(dir, 'ag-news-rows.csv')
  fs.writeFileSync(csv, all.slice(0, ROWS + 1).join('\n') + '\n')
  ;[server] = await Promise.all([
    // EMBEDMAP_TEST_INFINITY_URL: reuse a server already running with this file's key (for iterating on these tests).
    process.env.EMBEDMAP_TEST_INFINITY_URL
      ? { url: process.env.EMBEDMAP_TEST_INFINITY_URL, port: 0, log: () => '', stop: async () => {} }
      : startInfinity(modelDir, 'all-MiniLM-L6-v2', { apiKey: KEY }),
    (async () => {
      const imported = await runCliAsync(['import', csv, '--text-column', 'text', '--db', db, '--json'])
      expect(imported.status).toBe(0)
      datasetId = imported.json().dataset.id
      const d = new Database(db, { readonly: true })
      texts = (d.prepare(`SELECT text FROM rows WHERE dataset_id = ? ORDER BY idx`).all(datasetId) as { text: string }[]).map((r) => r.text)
      d.close()
      const e = await Embedder.load(modelDir, { device: 'cpu' })
      local = (await e.embed(texts, { kind: 'clustering' })).vectors
      await e.close()
    })(),
  ])
  proxy = await startFlakyProxy(server.url)
}, 240_000)

afterAll(async () => {
  await proxy?.close()
  await server?.stop()
})

describe('embedding through a real OpenAI-compatible server (Infinity on loopback)', () => {
  it('embeds a dataset equal to local embedding (cosine ≥ 0.999), estimates first, searches through the server, and never stores the key', async () => {
    const added = await cli([
      'models',
      'add-remote',
      '--url',
      server.url,
      '--model',
      'all-MiniLM-L6-v2',
      '--name',
      'minilm-server',
      '--api-key-env',
      'EMBEDMAP_TEST_KEY',
      '--max-batch',
      '64',
      '--concurrency',
      '2',
      '--json',
    ])
    expect(added.stderr).toBe('')
    expect(added.json()).toMatchObject({ id: 'minilm-server', source: 'remote', dims: 384 })

    const est = await cli(['embed', '--dataset', String(datasetId), '--model', 'minilm-server', '--estimate', '--json'])
    expect(est.status).toBe(0)
    const e = est.json()
    expect(e).toMatchObject({ rows: ROWS, rowsToEmbed: ROWS, requests: Math.ceil(ROWS / 64), limitedBy: 'measured' })
    const chars = texts.reduce((n, t) => n + t.length, 0)
    expect(e.approxTokens).toBeGreaterThan(chars / 4)
    expect(e.approxTokens).toBeLessThan(chars / 4 + 2 * ROWS)
    expect(e.measuredTextsPerSecond).toBeGreaterThan(0)

    const r = await cli(['embed', '--dataset', String(datasetId), '--model', 'minilm-server'])
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(/Estimate: 96 of 96 rows to embed, ~[\d,]+ tokens \(characters \/ 4\) in 2 requests/)
    expect(r.stdout).toContain('ran on the embedding server')
    const setId = count(`SELECT id AS n FROM embedding_sets WHERE model_id = 'minilm-server'`)
    expect(minCosineToLocal(setId)).toBeGreaterThanOrEqual(0.999)

    // Search queries go through the same server: a business query finds business news.
    const s = await cli(['search', 'oil prices and the stock market', '--dataset', String(datasetId), '--k', '5', '--json'])
    expect(s.status).toBe(0)
    const hits = s.json().hits as { row: number; text: string; score: number }[]
    expect(hits).toHaveLength(5)
    expect(hits[0].score).toBeGreaterThan(0.3)
    expect(hits.some((h) => /oil|stock|market|shares|price/i.test(h.text))).toBe(true)

    // The key is in no byte of the workspace (database, WAL) and in no output.
    for (const f of fs.readdirSync(dir).filter((f) => f.startsWith('remote.sqlite'))) {
      expect(fs.readFileSync(path.join(dir, f)).includes(KEY)).toBe(false)
    }
    for (const out of [added, est, r, s]) expect(out.stdout + out.stderr).not.toContain(KEY)
    expect(JSON.stringify(server.log())).not.toContain(KEY)
  }, 240_000)

  it('a wrong key: a clear 401 from the real server, and a key echoed back by a server is scrubbed', async () => {
    const wrong = await cli(
      ['models', 'add-remote', '--url', server.url, '--model', 'all-MiniLM-L6-v2', '--name', 'wrong-key', '--api-key-env', 'EMBEDMAP_TEST_KEY'],
      {
        EMBEDMAP_TEST_KEY: 'sk-not-the-right-one-123',
      },
    )
    expect(wrong.status).not.toBe(0)
    expect(wrong.stderr).toMatch(/refused the request \(HTTP 401/)
    expect(wrong.stderr).toContain('EMBEDMAP_TEST_KEY')

    proxy.queue = ['401-echo']
    const echoed = await cli([
      'models',
      'add-remote',
      '--url',
      proxy.url,
      '--model',
      'all-MiniLM-L6-v2',
      '--name',
      'echo',
      '--api-key-env',
      'EMBEDMAP_TEST_KEY',
    ])
    expect(echoed.status).not.toBe(0)
    expect(echoed.stderr).toContain('Incorrect API key provided: Bearer [redacted]')
    expect(echoed.stderr).not.toContain(KEY)

    const unset = await cli([
      'models',
      'add-remote',
      '--url',
      server.url,
      '--model',
      'all-MiniLM-L6-v2',
      '--name',
      'no-key',
      '--api-key-env',
      'EMBEDMAP_NO_SUCH_VAR',
    ])
    expect(unset.stderr).toContain('EMBEDMAP_NO_SUCH_VAR')
    expect(unset.stderr).toMatch(/is not set/)
  }, 60_000)

  it('retries dropped connections, hung requests (timeout), 429 (waiting its Retry-After) and 500, survives delays, and finishes with nothing lost', async () => {
    // Timeout 10 s: a request that hangs is cut and tried again; a slow (1.5 s) answer is waited for.
    await addViaProxy('minilm-flaky', ['--max-batch', '16', '--concurrency', '2', '--timeout', '10', '--retries', '6'])
    proxy.seen = []
    proxy.delayMs = 1500
    proxy.queue = ['drop', '429', '500', 'delay', 'hang', 'ok', 'drop', '500', '429', 'ok', 'drop']
    const t0 = Date.now()
    const r = await cli(['embed', '--dataset', String(datasetId), '--model', 'minilm-flaky', '--json'])
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.json().embeddingSet).toMatchObject({ vectorCount: ROWS, dims: 384, status: 'ready' })
    for (const b of ['drop', '429', '500', 'delay', 'hang'] as const) expect(proxy.seen).toContain(b)
    // Two 429s, each with Retry-After: 1.
    expect(Date.now() - t0).toBeGreaterThan(2000)
    const setId = r.json().embeddingSet.id as number
    expect(count(`SELECT count(DISTINCT row_idx) AS n FROM embeddings WHERE set_id = ?`, setId)).toBe(ROWS)
    expect(minCosineToLocal(setId)).toBeGreaterThanOrEqual(0.999)
  }, 240_000)

  it('resumes after kill -9 mid-job to exactly one vector per row', async () => {
    await addViaProxy('minilm-slow', ['--max-batch', '8', '--concurrency', '1'])
    proxy.slowMs = 150
    const child = startCli(['embed', '--dataset', String(datasetId), '--model', 'minilm-slow', '--db', db, '--json'], env)
    const exited = new Promise<void>((r) => child.on('exit', () => r()))
    const n = () => count(`SELECT count(*) AS n FROM embeddings e JOIN embedding_sets s ON s.id = e.set_id WHERE s.model_id = 'minilm-slow'`)
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline && n() < 16) await new Promise((r) => setTimeout(r, 50))
    child.kill('SIGKILL')
    await exited
    proxy.slowMs = 0
    const atKill = n()
    expect(atKill).toBeGreaterThanOrEqual(16)
    expect(atKill).toBeLessThan(ROWS)
    expect(atKill % 8).toBe(0) // whole chunks only

    const resumed = await cli(['embed', '--dataset', String(datasetId), '--model', 'minilm-slow', '--json'])
    expect(resumed.stderr).toBe('')
    expect(resumed.status).toBe(0)
    const setId = resumed.json().embeddingSet.id as number
    expect(count(`SELECT count(*) AS n FROM embedding_sets WHERE model_id = 'minilm-slow'`)).toBe(1)
    expect(count(`SELECT count(*) AS n FROM embeddings WHERE set_id = ?`, setId)).toBe(ROWS)
    expect(minCosineToLocal(setId)).toBeGreaterThanOrEqual(0.999)
  }, 240_000)

  it('bad endpoints are refused with clear messages: DNS, connection refused, TLS, wrong dims, non-JSON', async () => {
    const add = (url: string, extra: string[] = []) =>
      cli(['models', 'add-remote', '--url', url, '--model', 'all-MiniLM-L6-v2', '--name', 'bad', '--retries', '1', ...extra])
    const closedPort = await freePort()
    const [dns, refused, tls, dims] = await Promise.all([
      add('http://embedmap-no-such-host.invalid/v1'),
      add(`http://127.0.0.1:${closedPort}/v1`),
      add(proxy.url.replace('http://', 'https://')),
      add(server.url, ['--dims', '768', '--api-key-env', 'EMBEDMAP_TEST_KEY']),
    ])
    expect(dns.stderr).toMatch(/embedmap-no-such-host\.invalid.*(does not resolve|could not be looked up) \(DNS/)
    expect(refused.stderr).toMatch(/connection refused by 127\.0\.0\.1:\d+ \(is the server running\?\)/)
    expect(tls.stderr).toMatch(/The secure connection to 127\.0\.0\.1:\d+ failed/)
    expect(tls.stderr).toMatch(/use http:\/\//)
    expect(dims.stderr).toMatch(/returned 384-dimensional vectors, but this model is set up for 768/)
    proxy.queue = ['nonjson']
    const html = await add(proxy.url)
    expect(html.stderr).toMatch(/answered 200 with something that is not JSON \(text\/html\): <html><body>Welcome to nginx!/)
    for (const r of [dns, refused, tls, dims, html]) {
      expect(r.status).not.toBe(0)
      expect(r.stderr).toMatch(/hint:/)
    }
    const models = await cli(['models', 'list', '--json'])
    expect(models.json().models.map((m: { id: string }) => m.id)).not.toContain('bad')
  }, 60_000)

  it('a server that turns bad mid-job (wrong dims, non-JSON, 401): a clear error, only whole chunks of right-size vectors kept, and a re-run finishes', async () => {
    for (const bad of ['wrongdims', 'nonjson', '401-echo'] as const) {
      const name = `minilm-turns-${bad}`
      await addViaProxy(name, ['--max-batch', '16', '--concurrency', '1', '--retries', '0'])
      // The estimate's probe and timing request, the job's probe, then three good batches.
      proxy.queue = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok']
      proxy.fallback = bad
      const failed = await cli(['embed', '--dataset', String(datasetId), '--model', name])
      proxy.fallback = 'ok'
      expect(failed.status).not.toBe(0)
      expect(failed.stderr).toMatch(
        {
          wrongdims: /returned 192-dimensional vectors, but this model is set up for 384\. Nothing from this batch was stored/,
          nonjson: /not JSON/,
          '401-echo': /HTTP 401/,
        }[bad],
      )
      expect(failed.stderr).not.toContain(KEY)
      const setId = count(`SELECT id AS n FROM embedding_sets WHERE model_id = ?`, name)
      const kept = storedVectors(setId)
      expect(kept.size).toBe(48) // the three good requests: 3 chunks of 16
      for (const v of kept.values()) expect(v.length).toBe(384)

      const again = await cli(['embed', '--dataset', String(datasetId), '--model', name, '--json'])
      expect(again.stderr).toBe('')
      expect(again.json().embeddingSet).toMatchObject({ id: setId, vectorCount: ROWS })
      expect(minCosineToLocal(setId)).toBeGreaterThanOrEqual(0.999)
    }
  }, 300_000)
})
