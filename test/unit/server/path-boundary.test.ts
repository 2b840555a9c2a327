import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_CALLER, parseChannelInput } from '../../../src-main/contract'
import { createEngine, type Engine } from '../../../src-main/engine/engine'
import { startServer, type RunningServer } from '../../../src-main/server'
import { runCli } from '../../helpers/cli'
import { json, request } from './http-helpers'

/**
 * Issue 9, High: paths inside API bodies were trusted. Over HTTP (and IPC, which uses the same engine rule) an
 * import reads only uploads or dialog grants, an export writes only a plain name in the exports folder and never
 * replaces a file silently, and a model folder or a model path never comes from a request body.
 */
let dir: string
let engine: Engine
let server: RunningServer
let auth: Record<string, string>
let outside: string
let datasetId: number

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-paths-'))
  const rendererDir = path.join(dir, 'renderer')
  fs.mkdirSync(rendererDir)
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html>')
  outside = path.join(dir, 'outside')
  fs.mkdirSync(outside)
  fs.writeFileSync(path.join(outside, 'secret.csv'), 'id,text\n1,top secret\n')
  fs.writeFileSync(path.join(outside, 'victim.txt'), 'keep me\n')
  engine = await createEngine({ dbPath: path.join(dir, 'ws', 'w.sqlite'), mode: 'browser' })
  // A dataset to export, imported the CLI's way (the user's own shell may name any file).
  const started = await engine.invoke('import.start', parseChannelInput('import.start', { path: path.join(outside, 'secret.csv') }), CLI_CALLER)
  await engine.runner.wait(started.jobId)
  datasetId = started.datasetId
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

describe('paths in request bodies (browser mode)', () => {
  it('refuses to preview or import a file outside the uploads folder', async () => {
    for (const p of ['/etc/passwd', path.join(outside, 'secret.csv'), path.join(engine.uploadsDir, '..', 'outside', 'secret.csv')]) {
      for (const channel of ['import.preview', 'import.start']) {
        const r = await invoke(channel, { path: p })
        expect(r, `${channel} ${p}`).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
        expect(r.error.message).toMatch(/only read files you uploaded/)
        expect(JSON.stringify(r)).not.toContain('root:')
      }
    }
  })

  it('refuses a symlink inside the uploads folder that points outside it', async () => {
    const link = path.join(engine.uploadsDir, 'link.csv')
    fs.symlinkSync(path.join(outside, 'secret.csv'), link)
    const r = await invoke('import.preview', { path: link })
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
  })

  it('previews an uploaded file', async () => {
    const up = json(await request(server.port, { method: 'POST', path: '/api/upload?name=ok.csv', headers: auth, body: 'id,text\n1,hello\n' }))
    const r = await invoke('import.preview', { path: up.value.path })
    expect(r.ok).toBe(true)
  })

  it('writes exports only under a plain name in the exports folder, never over an existing file', async () => {
    for (const out of [path.join(outside, 'victim.txt'), '../outside/victim.txt', 'sub/x.csv', '.bashrc', 'C:\\x.csv', '..']) {
      const r = await invoke('export.start', { datasetId, out })
      expect(r, out).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    }
    expect(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('keep me\n')

    const first = await invoke('export.start', { datasetId, out: 'rows.csv' })
    expect(first.ok).toBe(true)
    expect(first.value.out).toBe(path.join(engine.exportsDir, 'rows.csv'))
    await engine.runner.wait(first.value.jobId)
    const again = await invoke('export.start', { datasetId, out: 'rows.csv' })
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    const replaced = await invoke('export.start', { datasetId, out: 'rows.csv', overwrite: true })
    expect(replaced.ok).toBe(true)
    await engine.runner.wait(replaced.value.jobId)
  })

  it('adds no model folder and loads no model from a path in a request', async () => {
    const add = await invoke('models.add', { path: outside })
    expect(add).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(add.error.message).toMatch(/model folders you picked/)
    const embed = await invoke('embed.start', { datasetId, model: outside })
    expect(embed).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    const sim = await invoke('similarity.texts', { a: ['x'], b: ['y'], model: outside })
    expect(sim).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it('honours a file-dialog grant once, for that file only', async () => {
    const handle = engine.grantFile(path.join(outside, 'secret.csv'), 'file')
    const preview = await invoke('import.preview', { path: handle })
    expect(preview.ok, JSON.stringify(preview)).toBe(true)
    expect(preview.value.sampleRows[0]).toContain('top secret')
    const started = await invoke('import.start', { path: handle, options: { allowDuplicate: true } })
    expect(started.ok).toBe(true)
    await engine.runner.wait(started.value.jobId)
    const reused = await invoke('import.start', { path: handle, options: { allowDuplicate: true } })
    expect(reused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    const forged = await invoke('import.preview', { path: 'grant:0123456789abcdef' })
    expect(forged).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    // A file grant is not a folder grant.
    const folder = await invoke('models.add', { path: engine.grantFile(outside, 'file') })
    expect(folder).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
  })
})

describe('paths from the CLI (the user at their own shell)', () => {
  it('exports anywhere, but replaces a file only with --force', () => {
    const db = path.join(dir, 'cli', 'w.sqlite')
    const csv = path.join(outside, 'secret.csv')
    expect(runCli(['--db', db, '--json', 'import', csv]).status).toBe(0)
    const out = path.join(outside, 'victim.txt')
    const refused = runCli(['--db', db, 'export', '--dataset', '1', '--out', out])
    expect(refused.status).toBe(4)
    expect(refused.stderr).toMatch(/already exists[\s\S]*--force/)
    expect(fs.readFileSync(out, 'utf8')).toBe('keep me\n')
    expect(runCli(['--db', db, 'export', '--dataset', '1', '--out', out, '--force']).status).toBe(0)
    expect(fs.readFileSync(out, 'utf8')).toContain('top secret')
  })
})
