import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../../src-main/engine/engine'
import type { EngineApi } from '../../../src-main/engine/api'
import { startServer, type RunningServer } from '../../../src-main/server'
import { json, request } from './http-helpers'

/**
 * Issue 9: previewing a wide CSV stalled every other request of the server (~4 s). The sniff now runs in a worker
 * thread: while a heavy preview runs, app.info keeps answering promptly.
 */
let dir: string
let engine: EngineApi
let server: RunningServer
let auth: Record<string, string>
let wide: string

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-preview-loop-'))
  fs.mkdirSync(path.join(dir, 'renderer'))
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html>')
  // 9,000 columns (under the 10,000 cap), a 4 MB head's worth of rows: the most a sniff has to chew.
  // In the uploads folder: the only place the browser mode may preview from.
  fs.mkdirSync(path.join(dir, 'uploads', 'wide'), { recursive: true })
  wide = path.join(dir, 'uploads', 'wide', 'wide.csv')
  const header = Array.from({ length: 9000 }, (_, i) => `c${i}`).join(',')
  const rows = Array.from({ length: 60 }, (_, r) => Array.from({ length: 9000 }, (_, i) => `v${(r * i) % 97} word`).join(','))
  fs.writeFileSync(wide, `${header}\n${rows.join('\n')}\n`)
  engine = await createEngine({ dbPath: path.join(dir, 'w.sqlite'), mode: 'browser' })
  server = await startServer({ engine, rendererDir: path.join(dir, 'renderer') })
  auth = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }
})

afterAll(async () => {
  await server?.close()
  await engine?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const post = (channel: string, body: unknown) =>
  request(server.port, { method: 'POST', path: `/api/invoke/${channel}`, headers: auth, body: JSON.stringify(body) })

describe('import.preview of a wide file', () => {
  it('leaves the server answering other requests while it runs', async () => {
    // Warm up: the worker's first start compiles the sniffer.
    expect(json(await post('import.preview', { path: wide })).ok).toBe(true)
    const t0 = performance.now()
    let previewMs = 0
    const preview = post('import.preview', { path: wide }).then((r) => {
      previewMs = performance.now() - t0
      return json(r)
    })
    // Client and server share this process's event loop: a sniff on it shows up as a long gap between answers.
    const answeredAt: number[] = [t0]
    while (previewMs === 0) {
      expect((await post('app.info', {})).status).toBe(200)
      answeredAt.push(performance.now())
      await new Promise((r) => setTimeout(r, 10))
    }
    const reply = await preview
    expect(reply.ok).toBe(true)
    expect(reply.value.columns).toHaveLength(9000)
    const gaps = answeredAt.slice(1).map((t, i) => t - answeredAt[i])
    const worst = Math.max(...gaps)
    console.log(`preview of 9,000 columns: ${previewMs.toFixed(0)} ms; ${gaps.length} app.info answers meanwhile, longest gap ${worst.toFixed(0)} ms`)
    expect(previewMs).toBeGreaterThan(150)
    expect(worst).toBeLessThan(previewMs / 2)
  })
})
