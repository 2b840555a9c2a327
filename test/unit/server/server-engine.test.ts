import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { EngineEvent, Job } from '../../../src-main/contract'
import { createEngine } from '../../../src-main/engine/engine'
import type { EngineApi } from '../../../src-main/engine/api'
import { startServer, type RunningServer } from '../../../src-main/server'
import { json, request } from './http-helpers'

/** The server over the real engine: upload → preview → import job (progress over the socket) → rows. */
const CSV = ['id,text,label', '1,"Hello, world",a', '2,Second row,b', '3,,c', '4,Ragged row,d,extra', '5,"Quote ""inside""",e', ''].join('\n')

let dir: string
let engine: EngineApi
let server: RunningServer
let auth: Record<string, string>

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-server-engine-'))
  const rendererDir = path.join(dir, 'renderer')
  fs.mkdirSync(rendererDir)
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html>')
  engine = await createEngine({ dbPath: path.join(dir, 'w.sqlite'), mode: 'browser' })
  server = await startServer({ engine, rendererDir })
  auth = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }
})

afterAll(async () => {
  await server?.close()
  await engine?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function invoke(channel: string, input: unknown) {
  const res = await request(server.port, { method: 'POST', path: `/api/invoke/${channel}`, headers: auth, body: JSON.stringify(input) })
  expect(res.status).toBe(200)
  return json(res)
}

describe('browser-mode server over the real engine', () => {
  it('uploads, previews and imports a CSV, pushing job progress over the WebSocket', async () => {
    const up = json(await request(server.port, { method: 'POST', path: '/api/upload?name=small.csv', headers: auth, body: CSV }))
    expect(up.ok).toBe(true)
    expect(up.value.path.startsWith(engine.uploadsDir + path.sep)).toBe(true)

    const preview = await invoke('import.preview', { path: up.value.path })
    expect(preview.ok).toBe(true)
    expect(preview.value.delimiter).toBe(',')
    expect(preview.value.columns.map((c: { name: string }) => c.name).slice(0, 3)).toEqual(['id', 'text', 'label'])
    expect(preview.value.suggestedTextColumn).toBe(1)

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, ['embedmap', `token.${server.token}`])
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const events: EngineEvent[] = []
    const finished = new Promise<Job>((resolve) =>
      ws.on('message', (data) => {
        const e = JSON.parse(String(data)) as EngineEvent
        events.push(e)
        if (e.type === 'job' && ['succeeded', 'failed', 'cancelled'].includes(e.job.state)) resolve(e.job)
      }),
    )

    const started = await invoke('import.start', { path: up.value.path, options: { textColumn: 1 } })
    expect(started.ok).toBe(true)
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        invoke('jobs.list', {}).then(
          (jobs) => reject(new Error(`No finished-job event within 20 s; jobs.list says ${JSON.stringify(jobs.value?.map((j: Job) => j.state))}`)),
          reject,
        )
      }, 20_000)
    })
    const job = await Promise.race([finished, timeout]).finally(() => clearTimeout(timer))
    ws.close()
    expect(job.error).toBeNull()
    expect(job.state).toBe('succeeded')
    expect(events.some((e) => e.type === 'datasets.changed')).toBe(true)
    // The upload was only a copy to import: once the import succeeded its folder goes (issue 9: 212 were left).
    const uploadFolder = path.dirname(up.value.path)
    for (let i = 0; i < 100 && fs.existsSync(uploadFolder); i++) await new Promise((r) => setTimeout(r, 20))
    expect(fs.existsSync(uploadFolder)).toBe(false)

    const rows = await invoke('datasets.rows', { id: started.value.datasetId, limit: 10 })
    expect(rows.ok).toBe(true)
    expect(rows.value.total).toBe(5)
    expect(rows.value.rows.map((r: { text: string }) => r.text)).toEqual(['Hello, world', 'Second row', '', 'Ragged row', 'Quote "inside"'])
    expect(rows.value.rows[2].emptyText).toBe(true)
    expect(rows.value.rows[3].ragged).toBe(true)

    const bad = await invoke('datasets.rows', { id: started.value.datasetId, limit: 50_000 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(bad.error.message).toContain('limit')
  })

  it('reports a missing upload as a readable engine error', async () => {
    fs.mkdirSync(engine.uploadsDir, { recursive: true })
    const res = await invoke('import.preview', { path: path.join(engine.uploadsDir, 'nope.csv') })
    expect(res.ok).toBe(false)
    expect(res.error.message).toContain('nope.csv')
  })
})
