import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../../src-main/server'
import { FakeEngine } from './fake-engine'
import { json, request } from './http-helpers'

/** Browser mode: exporting a big selection sends its row numbers as JSON, far over the 1 MB cap of other API calls. */
let dir: string
let engine: FakeEngine
let server: RunningServer
let headers: Record<string, string>

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-export-body-'))
  fs.mkdirSync(path.join(dir, 'renderer'))
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html>')
  engine = new FakeEngine(dir)
  engine.overrides.set('export.start', () => ({ jobId: 7 }))
  server = await startServer({ engine, port: 0, rendererDir: path.join(dir, 'renderer') })
  headers = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }
})

afterAll(async () => {
  await server?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const post = (channel: string, body: string) => request(server.port, { method: 'POST', path: `/api/invoke/${channel}`, headers, body })

/** 300,000 distinct rows scattered over a million, like a lasso over a big map. */
function scatteredRows(count: number, of: number): number[] {
  const rows: number[] = []
  const step = of / count
  for (let i = 0; i < count; i++) rows.push(Math.floor(i * step + ((i * 7919) % step)))
  return rows
}

describe('export.start over HTTP', () => {
  it('takes a 300,000-row selection (over 2 MB of JSON) and hands the engine exactly those rows', async () => {
    const rows = scatteredRows(300_000, 1_000_000)
    const body = JSON.stringify({ datasetId: 1, what: 'selection', rows, format: 'csv', out: 'selection.csv' })
    expect(body.length).toBeGreaterThan(2 * 1_000_000)
    const res = await post('export.start', body)
    expect(res.status).toBe(200)
    expect(json(res)).toEqual({ ok: true, value: { jobId: 7 } })
    const call = engine.calls.filter((c) => c.channel === 'export.start').at(-1)!
    expect((call.input as { rows: number[] }).rows).toEqual(rows)
  })

  it('still validates every row number at the boundary', async () => {
    const rows = scatteredRows(300_000, 1_000_000)
    rows[123_456] = -1
    const before = engine.calls.length
    const res = await post('export.start', JSON.stringify({ datasetId: 1, what: 'selection', rows, out: 'x.csv' }))
    const reply = json(res)
    expect(reply.ok).toBe(false)
    expect(reply.error.code).toBe('BAD_INPUT')
    expect(reply.error.message).toMatch(/rows\.123456/)
    expect(engine.calls.length).toBe(before)
  })

  it('keeps the 1 MB cap for every other channel', async () => {
    const res = await post('rows.get', JSON.stringify({ datasetId: 1, rows: scatteredRows(300_000, 1_000_000) }))
    expect(res.status).toBe(413)
    expect(json(res).error.code).toBe('BAD_INPUT')
  })
})
