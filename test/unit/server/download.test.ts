import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../../src-main/server'
import { FakeEngine } from './fake-engine'
import { request } from './http-helpers'

let dir: string
let engine: FakeEngine
let server: RunningServer

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-download-'))
  engine = new FakeEngine(dir)
  fs.mkdirSync(engine.exportsDir, { recursive: true })
  fs.writeFileSync(path.join(engine.exportsDir, 'selection 1.csv'), 'text\nhello\n')
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'TOP SECRET')
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(engine.exportsDir, 'link.csv'))
  server = await startServer({ engine, port: 0, rendererDir: path.join(dir, 'renderer') })
})

afterEach(async () => {
  await server.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const get = (p: string, token: string | null = server.token) =>
  request(server.port, { method: 'GET', path: p, headers: token ? { Authorization: `Bearer ${token}` } : {} })

describe('GET /api/exports/:name (browser-mode downloads)', () => {
  it('serves a finished export as an attachment to a caller with the token', async () => {
    const res = await get('/api/exports/selection%201.csv')
    expect(res.status).toBe(200)
    expect(res.body).toBe('text\nhello\n')
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''selection%201.csv`)
  })

  it('refuses callers without the token', async () => {
    expect((await get('/api/exports/selection%201.csv', null)).status).toBe(401)
    expect((await get('/api/exports/selection%201.csv', 'wrong')).status).toBe(401)
  })

  it('serves nothing outside the exports folder: no sub-paths, no dot-dot, no links out, no missing files', async () => {
    for (const p of ['/api/exports/..%2Fsecret.txt', '/api/exports/%2E%2E', '/api/exports/link.csv', '/api/exports/nope.csv', '/api/exports/a%5Cb.csv']) {
      const res = await get(p)
      expect(res.status, p).toBeGreaterThanOrEqual(400)
      expect(res.body).not.toContain('TOP SECRET')
    }
  })
})
