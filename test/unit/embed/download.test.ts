import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net, { type AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { downloadModel, type DownloadProgress, proxyFor } from '../../../src-main/embed/download'
import { Embedder } from '../../../src-main/embed/embedder'
import { MODEL_MARKER } from '../../../src-main/embed/model-folder'
import { EmbedMapError } from '../../../src-main/errors'
import { listenLoopback, sendHubFile, type Loopback } from '../../helpers/fake-hub'
import { writeTinyModel } from '../../helpers/tiny-model'
import { tmpDir } from '../../helpers/tmp'
import { TEST_CERT, TEST_KEY } from './tls-fixture'

const root = tmpDir('embedmap-download-')
process.env.EMBEDMAP_CACHE = path.join(root, 'cache')
for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY', 'no_proxy', 'HF_ENDPOINT', 'HF_TOKEN']) delete process.env[k]

// A fake Hub serving the tiny model as Xenova/all-MiniLM-L6-v2 (fp32: onnx/model.onnx + tokenizer files).
const MODEL_ID = 'all-MiniLM-L6-v2'
const REPO = 'Xenova/all-MiniLM-L6-v2'
const source = writeTinyModel(path.join(root, 'source'), { layout: 'onnx' })
const FILES: Record<string, Buffer> = {}
for (const rel of ['tokenizer.json', 'tokenizer_config.json', 'config.json', 'onnx/model.onnx']) FILES[rel] = fs.readFileSync(path.join(source.dir, rel))
// Make the model file big enough that a dropped connection leaves a real partial file.
const ONNX = FILES['onnx/model.onnx']

interface Logged {
  method: string
  path: string
  range?: string
}

interface Behaviour {
  /** Files whose next N GETs (without Range) are cut after this fraction. */
  drop: Map<string, number>
  ignoreRange: boolean
  missing: Set<string>
}

const log: Logged[] = []
const behaviour: Behaviour = { drop: new Map(), ignoreRange: false, missing: new Set() }
let hub: Loopback
let endpoint: string

function serve(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url!, 'http://x')
  log.push({ method: req.method!, path: url.pathname, range: req.headers.range })
  const prefix = `/${REPO}/resolve/main/`
  if (url.pathname.startsWith(prefix)) {
    // Like the Hub: large files redirect to a CDN.
    const rel = decodeURIComponent(url.pathname.slice(prefix.length))
    if (rel.endsWith('.onnx')) {
      res.writeHead(302, { location: `/cdn/${rel}`, 'x-linked-size': String(FILES[rel]?.length ?? 0) })
      return res.end()
    }
    return sendFile(rel, req, res)
  }
  if (url.pathname.startsWith('/cdn/')) return sendFile(decodeURIComponent(url.pathname.slice(5)), req, res)
  res.writeHead(404).end()
}

function sendFile(rel: string, req: http.IncomingMessage, res: http.ServerResponse) {
  const body = FILES[rel]
  if (!body || behaviour.missing.has(rel)) return res.writeHead(404).end('Entry not found')
  const ranged = Boolean(req.headers.range) && !behaviour.ignoreRange
  const dropAt = ranged || req.method === 'HEAD' ? undefined : behaviour.drop.get(rel)
  if (dropAt !== undefined) behaviour.drop.delete(rel)
  sendHubFile(req, res, body, { dropAt, ignoreRange: behaviour.ignoreRange })
}

beforeAll(async () => {
  hub = await listenLoopback(serve)
  endpoint = hub.endpoint
})
afterAll(() => hub.close())
beforeEach(() => {
  log.length = 0
  behaviour.drop.clear()
  behaviour.ignoreRange = false
  behaviour.missing.clear()
})

const fresh = (name: string) => path.join(root, 'dl', name)

describe('downloadModel', () => {
  it('downloads the files with progress, writes the marker, and the folder loads', async () => {
    const progress: DownloadProgress[] = []
    const dest = fresh('plain')
    const r = await downloadModel(MODEL_ID, { endpoint, destDir: dest, variant: 'fp32', onProgress: (p) => progress.push(p) })
    expect(r.variant).toBe('fp32')
    for (const rel of Object.keys(FILES)) expect(fs.readFileSync(path.join(dest, rel)).equals(FILES[rel])).toBe(true)
    const total = Object.values(FILES).reduce((s, b) => s + b.length, 0)
    expect(r.bytesDownloaded).toBe(total)
    const last = progress[progress.length - 1]
    expect(last).toMatchObject({ file: 'onnx/model.onnx', done: total, total })
    for (let i = 1; i < progress.length; i++) expect(progress[i].done).toBeGreaterThanOrEqual(progress[i - 1].done)
    expect(JSON.parse(fs.readFileSync(path.join(dest, MODEL_MARKER), 'utf8'))).toMatchObject({ id: MODEL_ID, hfRepo: REPO, variants: ['fp32'] })
    expect(fs.readdirSync(path.join(dest, 'onnx'))).toEqual(['model.onnx']) // no .part left
    expect(log.some((l) => l.path.startsWith('/cdn/'))).toBe(true) // the redirect was followed

    const e = await Embedder.load(dest, { device: 'cpu' })
    try {
      expect(e.info.id).toBe(MODEL_ID) // matched through the marker
      expect(e.info.pooling).toBe('mean')
      const { vectors } = await e.embed(['hello world'])
      expect(vectors.length).toBe(16)
    } finally {
      await e.close()
    }

    // Again: everything is there, nothing is fetched.
    log.length = 0
    const again = await downloadModel(MODEL_ID, { endpoint, destDir: dest, variant: 'fp32' })
    expect(again.bytesDownloaded).toBe(0)
    expect(log.filter((l) => l.method === 'GET')).toEqual([])
  })

  it('resumes with a Range request after the connection drops mid-file', async () => {
    behaviour.drop.set('onnx/model.onnx', 0.4)
    const dest = fresh('drop')
    await downloadModel(MODEL_ID, { endpoint, destDir: dest, variant: 'fp32', retryDelayMs: 10 })
    expect(fs.readFileSync(path.join(dest, 'onnx/model.onnx')).equals(ONNX)).toBe(true)
    const gets = log.filter((l) => l.method === 'GET' && l.path.endsWith('model.onnx') && l.path.startsWith('/cdn/'))
    expect(gets.length).toBe(2)
    expect(gets[0].range).toBeUndefined()
    expect(gets[1].range).toMatch(/^bytes=\d+-$/)
    expect(Number(/bytes=(\d+)-/.exec(gets[1].range!)![1])).toBeGreaterThan(0)
  })

  it('keeps the .part of a failed run and resumes it in the next run', async () => {
    behaviour.drop.set('onnx/model.onnx', 0.5)
    const dest = fresh('tworuns')
    const err = await downloadModel(MODEL_ID, { endpoint, destDir: dest, variant: 'fp32', retries: 0 }).catch((x: unknown) => x)
    expect(err).toBeInstanceOf(EmbedMapError)
    expect((err as EmbedMapError).message).toMatch(/lost the connection to 127\.0\.0\.1/)
    expect((err as EmbedMapError).hint).toMatch(/resumes/)
    const part = path.join(dest, 'onnx', 'model.onnx.part')
    const have = fs.statSync(part).size
    expect(have).toBeGreaterThan(0)
    expect(have).toBeLessThan(ONNX.length)
    expect(fs.existsSync(path.join(dest, 'onnx', 'model.onnx'))).toBe(false)

    log.length = 0
    const r = await downloadModel(MODEL_ID, { endpoint, destDir: dest, variant: 'fp32' })
    expect(r.bytesDownloaded).toBe(ONNX.length - have) // only the rest of the model; tokenizer files were complete
    expect(log.find((l) => l.method === 'GET' && l.path.startsWith('/cdn/'))?.range).toBe(`bytes=${have}-`)
    expect(fs.readFileSync(path.join(dest, 'onnx/model.onnx')).equals(ONNX)).toBe(true)
    expect(fs.existsSync(part)).toBe(false)
  })

  it('starts over when the server ignores Range', async () => {
    const dest = fresh('norange')
    fs.mkdirSync(path.join(dest, 'onnx'), { recursive: true })
    fs.writeFileSync(path.join(dest, 'onnx', 'model.onnx.part'), ONNX.subarray(0, 100))
    behaviour.ignoreRange = true
    await downloadModel(MODEL_ID, { endpoint, destDir: dest, variant: 'fp32' })
    expect(fs.readFileSync(path.join(dest, 'onnx/model.onnx')).equals(ONNX)).toBe(true)
  })

  it('discards a .part longer than the remote file', async () => {
    const dest = fresh('toolong')
    fs.mkdirSync(path.join(dest, 'onnx'), { recursive: true })
    fs.writeFileSync(path.join(dest, 'onnx', 'model.onnx.part'), Buffer.concat([ONNX, Buffer.from('garbage')]))
    await downloadModel(MODEL_ID, { endpoint, destDir: dest, variant: 'fp32' })
    expect(fs.readFileSync(path.join(dest, 'onnx/model.onnx')).equals(ONNX)).toBe(true)
  })

  it('says clearly when the Hub cannot be reached', async () => {
    const err = await downloadModel(MODEL_ID, { endpoint: 'http://127.0.0.1:1', destDir: fresh('offline') }).catch((x: unknown) => x)
    expect(err).toBeInstanceOf(EmbedMapError)
    const e = err as EmbedMapError
    expect(e.code).toBe('NOT_FOUND')
    expect(e.message).toMatch(/cannot reach 127\.0\.0\.1:1 to download all-MiniLM-L6-v2 \(ECONNREFUSED\)/)
    expect(e.hint).toMatch(/HF_ENDPOINT/)
    expect(e.hint).toMatch(/embedmap models add DIR/)
    expect(e.details).toMatchObject({ reason: 'offline' })
  })

  it('reports a missing file as NOT_FOUND', async () => {
    behaviour.missing.add('tokenizer_config.json')
    const err = await downloadModel(MODEL_ID, { endpoint, destDir: fresh('missing') }).catch((x: unknown) => x)
    expect(err).toMatchObject({ code: 'NOT_FOUND' })
    expect((err as Error).message).toMatch(/tokenizer_config\.json does not exist \(HTTP 404\)/)
  })

  it('refuses an unknown model, and a second download of the same model at once', async () => {
    await expect(downloadModel('no-such-model', { endpoint, destDir: fresh('x') })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const dest = fresh('locked')
    fs.mkdirSync(dest, { recursive: true })
    fs.writeFileSync(path.join(dest, '.download.lock'), String(process.ppid))
    await expect(downloadModel(MODEL_ID, { endpoint, destDir: dest })).rejects.toMatchObject({ code: 'CONFLICT' })
    // a lock left by a dead process is taken over
    fs.writeFileSync(path.join(dest, '.download.lock'), '999999999')
    await expect(downloadModel(MODEL_ID, { endpoint, destDir: dest, variant: 'fp32' })).resolves.toMatchObject({ id: MODEL_ID })
  })

  it('stops when cancelled', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(downloadModel(MODEL_ID, { endpoint, destDir: fresh('cancel'), signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
  })

  it('goes through HTTP_PROXY', async () => {
    const seen: string[] = []
    const proxy = http.createServer((req, res) => {
      seen.push(req.url!)
      const target = new URL(req.url!)
      const up = http.request(target, { method: req.method, headers: req.headers }, (ur) => {
        res.writeHead(ur.statusCode!, ur.headers)
        ur.pipe(res)
      })
      up.on('error', () => res.destroy())
      req.pipe(up)
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
    process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    try {
      const dest = fresh('proxy')
      await downloadModel(MODEL_ID, { endpoint, destDir: dest, variant: 'fp32' })
      expect(fs.readFileSync(path.join(dest, 'onnx/model.onnx')).equals(ONNX)).toBe(true)
      expect(seen.some((u) => u.startsWith(`${endpoint}/${REPO}/resolve/main/`))).toBe(true)
    } finally {
      delete process.env.HTTP_PROXY
      proxy.closeAllConnections()
      await new Promise((r) => proxy.close(r))
    }
  })
})

describe('downloadModel over HTTPS through a CONNECT proxy', () => {
  it('tunnels to the endpoint named by HTTPS_PROXY', async () => {
    const tlsServer = https.createServer({ key: TEST_KEY, cert: TEST_CERT }, serve)
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r))
    const tunnels: string[] = []
    const sockets: net.Socket[] = []
    const proxy = http.createServer((_req, res) => res.writeHead(405).end())
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels.push(req.url!)
      sockets.push(client)
      const [host, port] = req.url!.split(':')
      const up = net.connect(Number(port), host, () => {
        sockets.push(up)
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        up.write(head)
        up.pipe(client)
        client.pipe(up)
      })
      up.on('error', () => client.destroy())
      client.on('error', () => up.destroy())
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
    const tlsPort = (tlsServer.address() as AddressInfo).port
    process.env.HTTPS_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    // The certificate is self-signed; real proxies that re-sign TLS need NODE_EXTRA_CA_CERTS instead.
    const prevReject = process.env.NODE_TLS_REJECT_UNAUTHORIZED
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
    try {
      const dest = fresh('https-proxy')
      await downloadModel(MODEL_ID, { endpoint: `https://127.0.0.1:${tlsPort}`, destDir: dest, variant: 'fp32' })
      expect(fs.readFileSync(path.join(dest, 'onnx/model.onnx')).equals(ONNX)).toBe(true)
      expect(tunnels.length).toBeGreaterThan(0)
      expect(tunnels.every((t) => t === `127.0.0.1:${tlsPort}`)).toBe(true)
      // each tunnel is closed with its response (none left open for the server to time out)
      await new Promise((r) => setTimeout(r, 50))
      expect(sockets.filter((x) => !x.destroyed && !x.readableEnded).length).toBe(0)
    } finally {
      delete process.env.HTTPS_PROXY
      if (prevReject === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = prevReject
      for (const x of sockets) x.destroy()
      tlsServer.closeAllConnections()
      proxy.closeAllConnections()
      await new Promise((r) => tlsServer.close(r))
      await new Promise((r) => proxy.close(r))
    }
  })
})

describe('proxyFor', () => {
  const u = (s: string) => new URL(s)
  it('picks HTTPS_PROXY for https and HTTP_PROXY for http, honouring NO_PROXY', () => {
    const env = { HTTPS_PROXY: 'http://p:3128', HTTP_PROXY: 'http://q:8080', NO_PROXY: 'localhost,.internal.example, 10.0.0.1' }
    expect(proxyFor(u('https://huggingface.co/x'), env)?.host).toBe('p:3128')
    expect(proxyFor(u('http://mirror.example/x'), env)?.host).toBe('q:8080')
    expect(proxyFor(u('https://hub.internal.example/x'), env)).toBeUndefined()
    expect(proxyFor(u('http://localhost:8080/x'), env)).toBeUndefined()
    expect(proxyFor(u('http://10.0.0.1/x'), env)).toBeUndefined()
    expect(proxyFor(u('https://huggingface.co/x'), { https_proxy: 'proxy.corp:8080' })?.href).toBe('http://proxy.corp:8080/')
    expect(proxyFor(u('https://huggingface.co/x'), { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' })).toBeUndefined()
    expect(proxyFor(u('https://huggingface.co/x'), {})).toBeUndefined()
  })
})
