import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHANNEL_NAMES } from '../../../src-main/contract/channel-names'
import { createEngine } from '../../../src-main/engine/engine'
import type { EngineApi } from '../../../src-main/engine/api'
import { startServer, type RunningServer } from '../../../src-main/server'
import { json, request } from './http-helpers'

/**
 * Issue 9: random and hostile bodies on every channel of the real engine (a throwaway workspace) never get a 5xx and
 * never stop the server. Seeded, so a failure names a body that can be replayed; bounded to ~300 requests.
 */
let dir: string
let engine: EngineApi
let server: RunningServer
let auth: Record<string, string>

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-fuzz-'))
  fs.mkdirSync(path.join(dir, 'renderer'))
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html>')
  // In the uploads folder: the only place the browser mode may import from (a file outside it is refused).
  fs.mkdirSync(path.join(dir, 'uploads', 'fuzz'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'uploads', 'fuzz', 'small.csv'), 'id,text\n1,hello there\n2,second row\n')
  engine = await createEngine({ dbPath: path.join(dir, 'fuzz.sqlite'), mode: 'browser' })
  server = await startServer({ engine, rendererDir: path.join(dir, 'renderer') })
  auth = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }
})

afterAll(async () => {
  await server?.close()
  await engine?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** mulberry32: small, seeded, good enough to pick from pools. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const KEYS = [
  'id',
  'datasetId',
  'runId',
  'setId',
  'path',
  'options',
  'rows',
  'ranges',
  'bitmap',
  'out',
  'what',
  'format',
  'offset',
  'limit',
  'column',
  'view',
  'query',
  'k',
  'row',
  'name',
  'modelId',
  'variant',
  'activeOnly',
  'cluster',
  'top',
  'textColumn',
  'maxFieldBytes',
  'encoding',
  'delimiter',
  '__proto__',
  'constructor',
]

function hostileValue(rand: () => number, depth = 0): unknown {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]
  // JSON.stringify recurses, so deep nesting is spliced in as text afterwards (see hostileBody).
  const deep = (n: number) => `@@DEEP${n}@@`
  const choices: (() => unknown)[] = [
    () => pick([0, 1, 2, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -0]),
    () =>
      pick([
        '',
        'a',
        '../../../etc/passwd',
        '/etc/passwd',
        path.join(dir, 'uploads', 'fuzz', 'small.csv'),
        dir,
        '\u0000',
        '%00',
        'x'.repeat(20_000),
        '__proto__',
        'cluster:99999999999',
        '1,2,5-9',
        'csv',
        'selection',
        '🇯🇵'.repeat(100),
        '<script>',
        'all',
      ]),
    () => pick([null, true, false]),
    () => deep(1 + Math.floor(rand() * 100_000)),
    () =>
      Array.from({ length: Math.floor(rand() * 50) }, () => (rand() < 0.5 ? Math.floor(rand() * 10) - 3 : [Math.floor(rand() * 10), Math.floor(rand() * 10)])),
    () => (depth > 2 ? {} : Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => [pick(KEYS), hostileValue(rand, depth + 1)]))),
  ]
  return pick(choices)()
}

function hostileBody(rand: () => number): string {
  const r = rand()
  if (r < 0.08) return ['', 'null', '[]', '"x"', '{', '{"a":', '\u0000\u0001', '{"__proto__":{"polluted":1}}', 'NaN', '1e999'][Math.floor(rand() * 10)]
  if (r < 0.1) return JSON.stringify({ rows: Array.from({ length: 300_000 }, () => -1) }) // over the 1 MB cap
  const body: Record<string, unknown> = {}
  const n = Math.floor(rand() * 6)
  for (let i = 0; i < n; i++) body[KEYS[Math.floor(rand() * KEYS.length)]] = hostileValue(rand)
  // Often a plausible id, so the body gets past the schema and reaches the engine.
  if (rand() < 0.5) body.datasetId = 1
  if (rand() < 0.3) body.id = 1
  return JSON.stringify(body).replace(/"@@DEEP(\d+)@@"/g, (_, n: string) => '['.repeat(Number(n)) + ']'.repeat(Number(n)))
}

describe('fuzzing every channel', () => {
  it('answers 300 random and hostile bodies without a 5xx and keeps answering app.info', async () => {
    const imported = json(
      await request(server.port, {
        method: 'POST',
        path: '/api/invoke/import.start',
        headers: auth,
        body: JSON.stringify({ path: path.join(dir, 'uploads', 'fuzz', 'small.csv') }),
      }),
    )
    expect(imported.ok).toBe(true)
    const rand = prng(9)
    const t0 = Date.now()
    let sent = 0
    const outcomes = new Map<string, number>()
    const perChannel = Math.ceil(300 / CHANNEL_NAMES.length)
    for (const channel of CHANNEL_NAMES) {
      for (let i = 0; i < perChannel; i++) {
        const body = hostileBody(rand)
        const res = await request(server.port, { method: 'POST', path: `/api/invoke/${channel}`, headers: auth, body })
        sent++
        expect(res.status, `${channel} ${body.slice(0, 300)}`).toBeLessThan(500)
        const reply = res.headers['content-type']?.includes('json') ? json(res) : null
        const outcome = `${res.status} ${reply ? (reply.ok ? 'ok' : reply.error.code) : 'frame'}`
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
        if (reply) {
          if (!reply.ok) expect(reply.error.code, `${channel} ${body.slice(0, 300)}: ${reply.error.message}`).not.toBe('INTERNAL')
        }
      }
      const info = await request(server.port, { method: 'POST', path: '/api/invoke/app.info', headers: auth, body: '{}' })
      expect(json(info).ok, `server still answers after ${channel}`).toBe(true)
    }
    console.log(`fuzz: ${sent} requests in ${Date.now() - t0} ms:`, Object.fromEntries(outcomes))
    expect(sent).toBeGreaterThanOrEqual(300)
    expect(Date.now() - t0).toBeLessThan(30_000)
    // Let jobs the fuzz started (exports, a re-import) settle before the workspace is closed.
    for (let i = 0; i < 100; i++) {
      const jobs = json(await request(server.port, { method: 'POST', path: '/api/invoke/jobs.list', headers: auth, body: '{"activeOnly":true}' }))
      if (jobs.value.length === 0) break
      await new Promise((r) => setTimeout(r, 100))
    }
  }, 60_000)
})
