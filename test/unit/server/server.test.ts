import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startServer, type RunningServer } from '../../../src-main/server'
import { EmbedMapError } from '../../../src-main/errors'
import { FakeEngine } from './fake-engine'
import { json, request } from './http-helpers'

let dir: string
let rendererDir: string
let engine: FakeEngine
let server: RunningServer
let auth: Record<string, string>

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-server-'))
  rendererDir = path.join(dir, 'renderer')
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true })
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>EmbedMap</title>')
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app-abc123.js'), 'console.log(1)')
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app-abc123.css'), 'body{}')
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'TOP SECRET')
  engine = new FakeEngine(dir)
  server = await startServer({ engine, port: 0, rendererDir })
  auth = { Authorization: `Bearer ${server.token}` }
})

afterEach(async () => {
  await server.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function invoke(channel: string, body: unknown, headers: Record<string, string> = auth) {
  return request(server.port, {
    method: 'POST',
    path: `/api/invoke/${channel}`,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

describe('startServer', () => {
  it('listens on 127.0.0.1 with a random per-launch token and prints a #token URL', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`)
    expect(server.token).toMatch(/^[0-9a-f]{64}$/)
    const other = await startServer({ engine, port: 0, rendererDir })
    try {
      expect(other.token).not.toBe(server.token)
    } finally {
      await other.close()
    }
    // Not reachable on any non-loopback interface.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)
    if (external) {
      const err = await new Promise<Error | null>((resolve) => {
        const s = new net.Socket()
        s.once('connect', () => (s.destroy(), resolve(null)))
        s.once('error', (e: Error) => resolve(e))
        s.connect(server.port, external.address)
      })
      expect(err).not.toBeNull()
    }
  })

  it('serves index.html for / with a strict CSP and the right MIME types', async () => {
    const res = await request(server.port, { path: '/' })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    const csp = res.headers['content-security-policy'] as string
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`)
    expect(csp).toContain("img-src 'self' data: blob:")
    expect(csp).toContain("worker-src 'self' blob:")
    expect(csp).not.toContain('unsafe-eval')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.body).toContain('<title>EmbedMap</title>')

    const js = await request(server.port, { path: '/assets/app-abc123.js' })
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.headers['cache-control']).toContain('immutable')
    const css = await request(server.port, { path: '/assets/app-abc123.css' })
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
    expect((await request(server.port, { path: '/nope.js' })).status).toBe(404)
  })

  it('blocks directory traversal in every spelling', async () => {
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(rendererDir, 'link.txt'))
    for (const p of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%2e%2e%5c%2e%2e%5csecret.txt',
      '/link.txt',
      '/%00/../secret.txt',
      '/%E0%A4%A',
    ]) {
      const res = await request(server.port, { path: p })
      expect(res.status, p).toBeGreaterThanOrEqual(400)
      expect(res.body, p).not.toContain('TOP SECRET')
    }
  })

  it('rejects a Host header other than 127.0.0.1:PORT or localhost:PORT (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`, `0.0.0.0:${server.port}`]) {
      const page = await request(server.port, { path: '/', headers: { Host: host } })
      expect(page.status, host).toBe(403)
      const api = await request(server.port, { method: 'POST', path: '/api/invoke/app.info', headers: { Host: host, ...auth }, body: '{}' })
      expect(api.status, host).toBe(403)
    }
    expect((await request(server.port, { path: '/', headers: { Host: `localhost:${server.port}` } })).status).toBe(200)
    expect(engine.calls).toHaveLength(0)
  })

  it('requires the bearer token on every API route', async () => {
    const bad: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong' },
      { Authorization: `Basic ${server.token}` },
      { Authorization: `Bearer ${server.token}x` },
    ]
    for (const headers of bad) {
      const res = await invoke('app.info', {}, headers)
      expect(res.status).toBe(401)
      expect(json(res)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    }
    expect((await request(server.port, { method: 'POST', path: '/api/upload?name=a.csv', body: 'x' })).status).toBe(401)
    expect((await request(server.port, { method: 'POST', path: '/api/invoke/nope', body: '{}' })).status).toBe(401)
    expect(engine.calls).toHaveLength(0)

    const ok = await invoke('app.info', {})
    expect(ok.status).toBe(200)
    expect(json(ok)).toEqual({ ok: true, value: { version: '0.0.0-test', dbPath: engine.dbPath, mode: 'browser' } })
  })

  it('refuses cross-origin API calls even with the token', async () => {
    const res = await invoke('app.info', {}, { ...auth, Origin: 'http://evil.example' })
    expect(res.status).toBe(403)
    expect((await invoke('app.info', {}, { ...auth, Origin: `http://127.0.0.1:${server.port}` })).status).toBe(200)
  })

  it('answers 404 for an unknown channel and 405 for GET', async () => {
    const res = await invoke('datasets.nuke', {})
    expect(res.status).toBe(404)
    expect(json(res)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect((await invoke('__proto__', {})).status).toBe(404)
    expect((await request(server.port, { path: '/api/invoke/app.info', headers: auth })).status).toBe(405)
    expect((await request(server.port, { path: '/api/whatever', headers: auth })).status).toBe(404)
  })

  it('parses input with the channel schema: invalid input is a BAD_INPUT reply naming the fields', async () => {
    const res = await invoke('datasets.rows', { id: 'seven', limit: 0 })
    expect(res.status).toBe(200)
    const body = json(res)
    expect(body.ok).toBe(false)
    expect(body.error.code).toBe('BAD_INPUT')
    expect(body.error.message).toContain('datasets.rows')
    expect(body.error.message).toContain('id')
    expect(body.error.message).toContain('limit')
    expect(body.error.details.fields).toEqual(expect.arrayContaining(['id', 'limit']))

    const notJson = await invoke('datasets.rows', '{"id": 1,')
    expect(json(notJson)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(engine.calls).toHaveLength(0)
  })

  it('passes the parsed input (with defaults) to the engine', async () => {
    engine.addSyntheticDataset(500)
    const res = json(await invoke('datasets.rows', { id: 1 }))
    expect(res.ok).toBe(true)
    expect(res.value.total).toBe(500)
    expect(res.value.rows).toHaveLength(200)
    expect(engine.calls[0]).toEqual({ channel: 'datasets.rows', input: { id: 1, offset: 0, limit: 200 } })
    // An empty body is an empty object.
    expect(json(await invoke('datasets.list', '')).ok).toBe(true)
  })

  it('turns engine errors into {ok:false,error} with code and hint, HTTP 200', async () => {
    const missing = await invoke('datasets.get', { id: 42 })
    expect(missing.status).toBe(200)
    expect(json(missing)).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No dataset 42', hint: 'Pick one from the list.' } })

    engine.overrides.set('app.info', () => {
      throw new Error('boom')
    })
    expect(json(await invoke('app.info', {}))).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } })
    engine.overrides.set('jobs.list', () => {
      throw new EmbedMapError('STORE', 'Database is from a newer version', 'Update EmbedMap.')
    })
    expect(json(await invoke('jobs.list', {})).error).toMatchObject({ code: 'STORE', hint: 'Update EmbedMap.' })
  })

  it('streams an upload to a new file in uploadsDir without waiting for the whole body', async () => {
    const body = new PassThrough()
    const pending = request(server.port, { method: 'POST', path: `/api/upload?name=${encodeURIComponent('../../my data?.csv')}`, headers: auth, body })
    const chunk = randomBytes(1024 * 1024)
    const hash = createHash('sha256')
    const write = (b: Buffer) => {
      hash.update(b)
      body.write(b)
    }
    write(chunk)

    // The first megabyte reaches the disk while the request is still open: the server is streaming, not buffering.
    const deadline = Date.now() + 5000
    let partial: string | undefined
    while (Date.now() < deadline) {
      const files = fs.existsSync(engine.uploadsDir) ? fs.readdirSync(engine.uploadsDir, { recursive: true, encoding: 'utf8' }) : []
      const file = files.find((f) => f.endsWith('.csv'))
      if (file && fs.statSync(path.join(engine.uploadsDir, file)).size > 0) {
        partial = file
        break
      }
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(partial).toBeDefined()

    for (let i = 0; i < 63; i++) write(randomBytes(1024 * 1024))
    body.end()
    const res = await pending
    expect(res.status).toBe(200)
    const reply = json(res)
    expect(reply.ok).toBe(true)
    const saved: string = reply.value.path
    // uploadsDir/<unique>/<sanitized name>: nothing escapes the uploads folder.
    expect(path.dirname(path.dirname(saved))).toBe(engine.uploadsDir)
    expect(path.basename(path.dirname(saved))).toMatch(/^[0-9a-z]+-[0-9a-f]{12}$/)
    expect(path.basename(saved)).toBe('my data_.csv')
    expect(reply.value.bytes).toBe(64 * 1024 * 1024)
    expect(fs.statSync(saved).size).toBe(64 * 1024 * 1024)
    expect(createHash('sha256').update(fs.readFileSync(saved)).digest('hex')).toBe(hash.digest('hex'))
    expect(fs.readdirSync(dir).sort()).toEqual(['renderer', 'secret.txt', 'uploads'])
  })

  it('gives two uploads of the same name two files, and removes a partial file when the client aborts', async () => {
    const a = json(await request(server.port, { method: 'POST', path: '/api/upload?name=same.csv', headers: auth, body: 'a,b\n1,2\n' }))
    const b = json(await request(server.port, { method: 'POST', path: '/api/upload?name=same.csv', headers: auth, body: 'a,b\n3,4\n' }))
    expect(a.value.path).not.toBe(b.value.path)
    expect(fs.readFileSync(a.value.path, 'utf8')).toBe('a,b\n1,2\n')

    const http = await import('node:http')
    const req = http.request({
      host: '127.0.0.1',
      port: server.port,
      method: 'POST',
      path: '/api/upload?name=aborted.csv',
      headers: { ...auth, Host: `127.0.0.1:${server.port}`, 'Content-Length': String(10 * 1024 * 1024) },
    })
    req.on('error', () => {})
    req.write(randomBytes(256 * 1024))
    const findAborted = () => fs.readdirSync(engine.uploadsDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('aborted.csv'))
    const until = Date.now() + 5000
    while (findAborted().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
    expect(findAborted()).toHaveLength(1)
    req.destroy()
    const gone = Date.now() + 5000
    while (findAborted().length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 20))
    expect(findAborted()).toHaveLength(0)
    // Only the two completed uploads' folders are left.
    expect(fs.readdirSync(engine.uploadsDir)).toHaveLength(2)
  })

  it('pushes engine events over the WebSocket (token as subprotocol) and cleans up', async () => {
    const url = `ws://127.0.0.1:${server.port}/api/events`
    const viaProtocol = new WebSocket(url, ['embedmap', `token.${server.token}`])
    const viaQuery = new WebSocket(url, ['embedmap', `token.${server.token}`])
    await Promise.all([opened(viaProtocol), opened(viaQuery)])
    // The token is never echoed back as the selected protocol.
    expect(viaProtocol.protocol).toBe('embedmap')

    const got = Promise.all([nextMessage(viaProtocol), nextMessage(viaQuery)])
    engine.emit({ type: 'datasets.changed' })
    expect(await got).toEqual([{ type: 'datasets.changed' }, { type: 'datasets.changed' }])

    viaQuery.close()
    await new Promise((r) => viaQuery.once('close', r))
    const job = {
      id: 1,
      kind: 'import',
      datasetId: 1,
      state: 'running',
      title: 'Import x.csv',
      done: 5,
      total: 10,
      rate: 2,
      etaSeconds: 2.5,
      error: null,
      result: null,
      createdAt: 'now',
      startedAt: 'now',
      finishedAt: null,
    } as const
    const next = nextMessage(viaProtocol)
    engine.emit({ type: 'job', job })
    expect(await next).toEqual({ type: 'job', job })

    // The event hub and the upload cleanup (which removes an upload once its import succeeded).
    expect(engine.listeners.size).toBe(2)
    const clientClosed = new Promise((r) => viaProtocol.once('close', r))
    await server.close()
    expect(engine.listeners.size).toBe(0)
    await clientClosed
  })

  it('refuses WebSocket upgrades without the token, from a foreign Host or Origin, or on another path', async () => {
    const base = `ws://127.0.0.1:${server.port}`
    const cases: [string, WebSocket.ClientOptions | undefined, string[] | undefined][] = [
      [`${base}/api/events`, undefined, undefined],
      [`${base}/api/events?token=wrong`, undefined, undefined],
      [`${base}/api/events`, undefined, ['embedmap', 'token.wrong']],
      // The right token in the URL is refused: URLs end up in logs and history (issue 9).
      [`${base}/api/events?token=${server.token}`, undefined, undefined],
      [`${base}/api/events?token=${server.token}`, undefined, ['embedmap']],
      [`${base}/api/events`, { headers: { Host: 'evil.example' } }, ['embedmap', `token.${server.token}`]],
      [`${base}/api/events`, { origin: 'http://evil.example' }, ['embedmap', `token.${server.token}`]],
      [`${base}/other`, undefined, ['embedmap', `token.${server.token}`]],
    ]
    for (const [url, opts, protocols] of cases) {
      const ws = new WebSocket(url, protocols, opts)
      const status = await new Promise<number>((resolve) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        ws.once('open', () => resolve(101))
        ws.once('error', () => resolve(-1))
      })
      expect([401, 403, 404], url).toContain(status)
      ws.terminate()
    }
  })
})

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
}

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))))
}
