import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeFrame } from '../../../src-main/contract/binary-frame'
import { startServer, type RunningServer } from '../../../src-main/server'
import { EmbedMapError } from '../../../src-main/errors'
import { decodePoints } from '../../../src-renderer/map/decode'
import { FakeEngine } from './fake-engine'

let dir: string
let engine: FakeEngine
let server: RunningServer
const N = 100_000

/** POST like the renderer does, keeping the body as bytes. */
function post(channel: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: `/api/invoke/${channel}`,
        headers: { Host: `127.0.0.1:${server.port}`, 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }))
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-binary-'))
  fs.mkdirSync(path.join(dir, 'renderer'))
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html>')
  engine = new FakeEngine(dir)
  const coords = new Float32Array(N * 2).map((_, i) => i * 0.5)
  const cluster = new Int32Array(N).map((_, i) => (i % 7) - 1)
  engine.overrides.set('analysis.points', (input) => {
    if ((input as { datasetId: number }).datasetId !== 1) throw new EmbedMapError('NOT_FOUND', 'Dataset 2 has not been analyzed yet.')
    return encodeFrame(
      'points',
      { runId: 4, n: N, clusters: [{ idx: 0, size: 10, label: 'a', x: 1, y: 2 }] },
      { coords, cluster, anomaly: new Float32Array(N).fill(0.25), flags: new Uint8Array(N) },
    )
  })
  server = await startServer({ engine, port: 0, rendererDir: path.join(dir, 'renderer') })
})

afterEach(async () => {
  await server.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('binary points over HTTP', () => {
  it('answers analysis.points with the frame as application/octet-stream, exactly the arrays the engine made', async () => {
    const res = await post('analysis.points', { datasetId: 1 }, { Authorization: `Bearer ${server.token}` })
    expect(res.status).toBe(200)
    expect(res.type).toBe('application/octet-stream')
    // 100k points: 17 bytes each plus a small header, no base64 or JSON.
    expect(res.body.length).toBeGreaterThan(N * 17)
    expect(res.body.length).toBeLessThan(N * 17 + 1024)
    const p = decodePoints(new Uint8Array(res.body.buffer.slice(res.body.byteOffset, res.body.byteOffset + res.body.length)))
    expect(p.n).toBe(N)
    expect(p.coords.length).toBe(2 * N)
    expect(p.coords[2 * N - 1]).toBe((2 * N - 1) * 0.5)
    expect(p.cluster[N - 1]).toBe(((N - 1) % 7) - 1)
    expect(p.anomaly[123]).toBe(0.25)
    expect(p.clusters[0].label).toBe('a')
  })

  it('refuses a missing or wrong token, and a foreign Origin, before calling the engine', async () => {
    const calls = () => engine.calls.filter((c) => c.channel === 'analysis.points').length
    for (const headers of [{} as Record<string, string>, { Authorization: `Bearer ${'0'.repeat(64)}` }, { Authorization: `Bearer ${server.token}x` }]) {
      const res = await post('analysis.points', { datasetId: 1 }, headers)
      expect(res.status).toBe(401)
      expect(res.type).toMatch(/application\/json/)
      expect(JSON.parse(res.body.toString()).ok).toBe(false)
    }
    const foreign = await post('analysis.points', { datasetId: 1 }, { Authorization: `Bearer ${server.token}`, Origin: 'http://evil.example' })
    expect(foreign.status).toBe(403)
    expect(calls()).toBe(0)
  })

  it('sends engine errors and bad input as JSON replies, not as frames', async () => {
    const auth = { Authorization: `Bearer ${server.token}` }
    const missing = await post('analysis.points', { datasetId: 2 }, auth)
    expect(missing.type).toMatch(/application\/json/)
    expect(JSON.parse(missing.body.toString())).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    const bad = await post('analysis.points', { datasetId: 'x' }, auth)
    expect(JSON.parse(bad.body.toString())).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
  })
})
