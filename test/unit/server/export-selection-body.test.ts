import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactSelection, decodeBitmap, parseChannelInput, parseRowList, rowsToRanges } from '../../../src-main/contract'
import type { EmbedMapError } from '../../../src-main/errors'
import { startServer, type RunningServer } from '../../../src-main/server'
import { FakeEngine } from './fake-engine'
import { json, request } from './http-helpers'

/**
 * Browser mode: every API body is capped at 1 MB, export.start included (issue 9: a 20 MB body used to crash the
 * server). Big selections travel as ranges or a bitmap instead of a row list.
 */
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

/** Sends `bytes` of body and resolves with the status as soon as the reply starts, ignoring the reset that may follow. */
function postHuge(channel: string, bytes: number, chunked: boolean): Promise<{ status: number; body: string; ms: number }> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: `/api/invoke/${channel}`,
        headers: { ...headers, Host: `127.0.0.1:${server.port}`, ...(chunked ? {} : { 'Content-Length': String(bytes) }) },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }))
        res.on('error', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }))
      },
    )
    req.on('error', (err) => setTimeout(() => reject(err), 2000))
    // A body of bad rows like the issue's: `-1,` repeated.
    const piece = Buffer.from('-1,'.repeat(1 << 16))
    let sent = 0
    req.write('{"datasetId":1,"what":"selection","out":"x.csv","rows":[')
    const pump = () => {
      while (sent < bytes) {
        sent += piece.length
        if (!req.write(piece)) return void req.once('drain', pump)
      }
      req.end('0]}')
    }
    pump()
  })
}

describe('export.start over HTTP', () => {
  it('takes a 300,000-row lasso over a million rows as a bitmap under the 1 MB cap and hands the engine exactly those rows', async () => {
    const rows = scatteredRows(300_000, 1_000_000)
    const selection = compactSelection(rows)
    expect('bitmap' in selection).toBe(true)
    const body = JSON.stringify({ datasetId: 1, what: 'selection', ...selection, format: 'csv', out: 'selection.csv' })
    expect(body.length).toBeLessThan(200_000)
    const res = await post('export.start', body)
    expect(res.status).toBe(200)
    expect(json(res)).toEqual({ ok: true, value: { jobId: 7 } })
    const call = engine.calls.filter((c) => c.channel === 'export.start').at(-1)!
    expect(decodeBitmap((call.input as { bitmap: string }).bitmap)).toEqual(rows)
  })

  it('sends a contiguous selection as ranges', async () => {
    const rows = [...Array.from({ length: 500_000 }, (_, i) => i + 10), 900_000, 3]
    const selection = compactSelection(rows)
    expect(selection).toEqual({
      ranges: [
        [3, 4],
        [10, 500_010],
        [900_000, 900_001],
      ],
    })
    const res = await post('export.start', JSON.stringify({ datasetId: 1, what: 'selection', ...selection, out: 'r.csv' }))
    expect(json(res).ok).toBe(true)
  })

  it('refuses overlapping or unsorted ranges, naming the range', async () => {
    const reply = json(
      await post(
        'export.start',
        JSON.stringify({
          datasetId: 1,
          what: 'selection',
          ranges: [
            [0, 10],
            [5, 20],
          ],
          out: 'x.csv',
        }),
      ),
    )
    expect(reply.ok).toBe(false)
    expect(reply.error.message).toMatch(/range 1 \[5, 20\] overlaps/)
  })

  it('parses hand-written lists like 1,2,5-9 into merged ranges', () => {
    expect(parseRowList('1,2,5-9')).toEqual([
      [1, 3],
      [5, 10],
    ])
    expect(parseRowList('9, 3-4 ,4')).toEqual([
      [3, 5],
      [9, 10],
    ])
    expect(parseRowList('1,x')).toBeNull()
    expect(parseRowList('9-3')).toBeNull()
    expect(rowsToRanges([5, 1, 2, 2, 3])).toEqual([
      [1, 4],
      [5, 6],
    ])
  })

  it('names only the first 20 problems of a body full of bad row numbers, with the count', async () => {
    const rows = Array.from({ length: 10_000 }, () => -1)
    const res = await post('export.start', JSON.stringify({ datasetId: 1, what: 'selection', rows, out: 'x.csv' }))
    expect(res.status).toBe(200)
    const reply = json(res)
    expect(reply.error.code).toBe('BAD_INPUT')
    expect(reply.error.details.issues).toHaveLength(20)
    expect(reply.error.details.issueCount).toBe(10_000)
    expect(reply.error.message).toMatch(/rows\.0: .*\(and 9980 more\)$/)
    expect(res.body.length).toBeLessThan(8_000)
  })

  it('caps the problems named by parseChannelInput (IPC and CLI) the same way', () => {
    let err: EmbedMapError | undefined
    try {
      parseChannelInput('export.start', { datasetId: 1, what: 'selection', rows: Array.from({ length: 5_000 }, () => 'x'), out: 'x.csv' })
    } catch (e) {
      err = e as EmbedMapError
    }
    expect(err?.code).toBe('BAD_INPUT')
    expect(err?.details?.problems).toHaveLength(20)
    expect(err?.details?.problemCount).toBe(5_000)
    expect(err!.message).toMatch(/\(and 4980 more\)\.$/)
    expect(err!.message.length).toBeLessThan(3_000)
  })

  it('refuses more than 10,000 explicit rows in one short message', async () => {
    const res = await post('export.start', JSON.stringify({ datasetId: 1, what: 'selection', rows: scatteredRows(20_000, 1_000_000), out: 'x.csv' }))
    expect(json(res).error.message).toMatch(/at most 10000 row numbers/)
    expect(res.body.length).toBeLessThan(2_000)
  })

  it('answers a 4 MB body 413 with a short reply (it used to be a 158 MB error and a 14 s stall)', async () => {
    const r = await postHuge('export.start', 4 * 1024 * 1024, false)
    expect(r.status).toBe(413)
    expect(r.body.length).toBeLessThan(1_000)
  })

  it('answers a 20 MB body 413 at once, declared or chunked, and keeps answering', async () => {
    for (const chunked of [false, true]) {
      const rssBefore = process.memoryUsage().rss
      const r = await postHuge('export.start', 20 * 1024 * 1024, chunked)
      expect(r.status).toBe(413)
      expect(JSON.parse(r.body).error.message).toMatch(/larger than the 1 MB limit/)
      expect(r.ms).toBeLessThan(2_000)
      console.log(
        `20 MB export.start body (${chunked ? 'chunked' : 'Content-Length'}): 413 in ${r.ms.toFixed(0)} ms, RSS +${((process.memoryUsage().rss - rssBefore) / 1e6).toFixed(0)} MB`,
      )
      const info = await post('app.info', '{}')
      expect(info.status).toBe(200)
    }
  })

  it('keeps the 1 MB cap for every other channel', async () => {
    const res = await post('rows.get', JSON.stringify({ datasetId: 1, rows: scatteredRows(300_000, 1_000_000) }))
    expect(res.status).toBe(413)
    expect(json(res).error.code).toBe('BAD_INPUT')
  })
})
