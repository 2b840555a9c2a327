import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import type { Dataset, Job } from '../../../src-main/contract'
import { startServer, type RunningServer } from '../../../src-main/server'
import { startUploadCleanup } from '../../../src-main/server/upload-cleanup'
import { FakeEngine } from './fake-engine'
import { json, request } from './http-helpers'

/** Issue 9: uploads had no size cap, no free-space check, and were never removed (212 folders, 201 MB left). */
let dir: string
let server: RunningServer | undefined
let engine: FakeEngine

async function start(uploads: Parameters<typeof startServer>[0]['uploads'] = {}) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-upload-limits-'))
  fs.mkdirSync(path.join(dir, 'renderer'))
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html>')
  engine = new FakeEngine(dir)
  server = await startServer({ engine, rendererDir: path.join(dir, 'renderer'), uploads })
  return server
}

afterEach(async () => {
  await server?.close()
  server = undefined
  fs.rmSync(dir, { recursive: true, force: true })
})

const upload = (s: RunningServer, name: string, body: string | PassThrough, headers: Record<string, string> = {}) =>
  request(s.port, { method: 'POST', path: `/api/upload?name=${encodeURIComponent(name)}`, headers: { Authorization: `Bearer ${s.token}`, ...headers }, body })

const uploadedFiles = () =>
  fs.existsSync(engine.uploadsDir) ? fs.readdirSync(engine.uploadsDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('.')) : []

describe('upload limits', () => {
  it('refuses a declared size over the cap with 413 before writing anything', async () => {
    const s = await start({ maxBytes: 1000 })
    const res = await upload(s, 'big.csv', 'x'.repeat(5000))
    expect(res.status).toBe(413)
    expect(json(res).error.message).toMatch(/upload of big\.csv is larger than the .* limit/)
    expect(uploadedFiles()).toEqual([])
  })

  it('stops a chunked upload at the cap and removes the partial file', async () => {
    const s = await start({ maxBytes: 100_000 })
    const body = new PassThrough()
    const pending = upload(s, 'chunked.csv', body)
    for (let i = 0; i < 30; i++) body.write('y'.repeat(10_000))
    body.end()
    const reply = json(await pending)
    expect(reply.ok).toBe(false)
    expect(reply.error.message).toMatch(/larger than the/)
    expect(uploadedFiles()).toEqual([])
  })

  it('refuses an upload the disk has no room for, saying how much is free', async () => {
    const s = await start({ freeBytes: async () => 600 * 1024 ** 2, reserveBytes: 512 * 1024 ** 2 })
    const res = await upload(s, 'news.csv', 'a,b\n1,2\n', { 'Content-Length': String(200 * 1024 ** 2) })
    expect(res.status).toBe(507)
    expect(json(res).error.message).toMatch(/Not enough free disk space for the upload of news\.csv: 600 MB free/)
  })

  it('checks free space again while a long upload runs', async () => {
    let free = 10 * 1024 ** 3
    const s = await start({ freeBytes: async () => free, reserveBytes: 1024 })
    const body = new PassThrough()
    const pending = upload(s, 'growing.csv', body)
    const chunk = Buffer.alloc(1024 * 1024, 120)
    for (let i = 0; i < 60; i++) body.write(chunk)
    free = 1000 // the disk filled up meanwhile
    for (let i = 0; i < 20; i++) body.write(chunk)
    body.end()
    const reply = json(await pending)
    expect(reply.ok).toBe(false)
    expect(reply.error.message).toMatch(/Not enough free disk space/)
    expect(uploadedFiles()).toEqual([])
  })
})

describe('upload names', () => {
  it('takes a 130-character Chinese name, cut to 200 UTF-8 bytes with its extension kept', async () => {
    const s = await start()
    const reply = json(await upload(s, `${'数据集'.repeat(43)}新.csv`, 'a,b\n1,2\n'))
    expect(reply.ok).toBe(true)
    // 196 bytes for the stem: 65 whole characters of 3 bytes each.
    expect(reply.value.name).toBe(`${'数据集'.repeat(21)}数据.csv`)
    expect(Buffer.byteLength(path.basename(reply.value.path))).toBeLessThanOrEqual(200)
    expect(fs.readFileSync(reply.value.path, 'utf8')).toBe('a,b\n1,2\n')
  })
})

describe('upload cleanup', () => {
  it('removes an upload once the import that read it succeeded, and no other', async () => {
    const s = await start()
    const a = json(await upload(s, 'a.csv', 'x\n1\n')).value.path as string
    const b = json(await upload(s, 'b.csv', 'x\n2\n')).value.path as string
    const d = engine.addSyntheticDataset(2, 'a')
    engine.datasets.set(d.id, { ...d, sourcePath: a } satisfies Dataset)
    const job: Job = {
      id: 1,
      kind: 'import',
      datasetId: d.id,
      state: 'succeeded',
      title: 'Import a.csv',
      done: 2,
      total: 2,
      rate: null,
      etaSeconds: null,
      error: null,
      result: null,
      createdAt: 'now',
      startedAt: 'now',
      finishedAt: 'now',
    }
    engine.emit({ type: 'job', job })
    const deadline = Date.now() + 2000
    while (fs.existsSync(path.dirname(a)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(fs.existsSync(path.dirname(a))).toBe(false)
    expect(fs.existsSync(b)).toBe(true)
    expect(fs.existsSync(engine.uploadsDir)).toBe(true)
  })

  it('keeps an imported upload while another import of it is still in progress', async () => {
    const s = await start()
    const a = json(await upload(s, 'a.csv', 'x\n1\n')).value.path as string
    const done = engine.addSyntheticDataset(2, 'a')
    engine.datasets.set(done.id, { ...done, sourcePath: a })
    const copy = engine.addSyntheticDataset(2, 'a copy')
    engine.datasets.set(copy.id, { ...copy, sourcePath: a, status: 'importing' })
    const job: Job = {
      id: 1,
      kind: 'import',
      datasetId: done.id,
      state: 'succeeded',
      title: 'Import a.csv',
      done: 2,
      total: 2,
      rate: null,
      etaSeconds: null,
      error: null,
      result: null,
      createdAt: 'now',
      startedAt: 'now',
      finishedAt: 'now',
    }
    engine.emit({ type: 'job', job })
    await new Promise((r) => setTimeout(r, 300))
    expect(fs.existsSync(a)).toBe(true)
  })

  it('sweeps folders older than a day unless an import in progress reads them', async () => {
    await start()
    const old = path.join(engine.uploadsDir, 'old-1')
    const importing = path.join(engine.uploadsDir, 'old-2')
    const fresh = path.join(engine.uploadsDir, 'new-1')
    const stillWriting = path.join(engine.uploadsDir, 'old-but-growing')
    for (const f of [old, importing, fresh, stillWriting]) {
      fs.mkdirSync(f, { recursive: true })
      fs.writeFileSync(path.join(f, 'x.csv'), 'x\n')
    }
    const dayAgo = new Date(Date.now() - 25 * 3600_000)
    for (const f of [old, importing]) fs.utimesSync(path.join(f, 'x.csv'), dayAgo, dayAgo)
    // A day-long upload: its folder is old, but the file was written to just now.
    for (const f of [old, importing, stillWriting]) fs.utimesSync(f, dayAgo, dayAgo)
    const d = engine.addSyntheticDataset(1, 'importing')
    engine.datasets.set(d.id, { ...d, status: 'importing', sourcePath: path.join(importing, 'x.csv') })
    const cleanup = startUploadCleanup(engine)
    const removed = await cleanup.ready
    cleanup.stop()
    expect(removed).toEqual([old])
    expect(fs.existsSync(importing)).toBe(true)
    expect(fs.existsSync(fresh)).toBe(true)
    expect(fs.existsSync(stillWriting)).toBe(true)
  })
})
