/**
 * Downloads a catalog model's files from the Hugging Face Hub (or a mirror) into cacheDir()/models/<id>/
 * (`downloadModel`); `downloadRepoFiles` is the same machinery for any list of a repository's files (the full
 * fine-tune's PyTorch weights use it: training-weights.ts).
 *
 * - URL: `${HF_ENDPOINT ?? 'https://huggingface.co'}/${repo}/resolve/${revision}/${file}` (redirects followed).
 * - Resume: each file is written to `<file>.part`; a later attempt (in this call after a dropped
 *   connection, or in a later run) asks for `Range: bytes=<have>-` and appends.
 * - Verification: size against the server's Content-Length / Content-Range and the catalog's `bytes`;
 *   sha256 against the catalog's `sha256` when it has one. The sha256 is kept so loading the model
 *   does not hash it again.
 * - Proxy: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and lower-case), via CONNECT tunnels on node:http —
 *   Node 20's built-in fetch ignores these variables and its dispatcher needs the `undici` package.
 * - HF_TOKEN (or HUGGING_FACE_HUB_TOKEN) is sent to the endpoint's own host only.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import tls from 'node:tls'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { EmbedMapError } from '../errors'
import { cacheDir } from '../paths'
import { type CatalogFile, defaultVariantOf, getCatalogModel } from './catalog'
import { MODEL_MARKER, rememberFileSha256 } from './model-folder'
import type { Variant } from './types'

export interface DownloadProgress {
  /** Path inside the repository of the file being fetched. */
  file: string
  fileDone: number
  fileTotal?: number
  /** All files of this download together (bytes already on disk included). */
  done: number
  total?: number
}

export interface DownloadOptions {
  variant?: Variant
  /** Default: HF_ENDPOINT, else https://huggingface.co */
  endpoint?: string
  /** Default: cacheDir()/models/<id> */
  destDir?: string
  onProgress?: (p: DownloadProgress) => void
  signal?: AbortSignal
  /** Attempts per file after a dropped connection or a 5xx (default 5). */
  retries?: number
  /** Socket idle timeout in ms (default 30 s). */
  timeoutMs?: number
  /** First retry delay in ms, doubled each time (default 500). */
  retryDelayMs?: number
}

export interface DownloadResult {
  id: string
  dir: string
  variant: Variant
  /** Local paths of the files. */
  files: string[]
  /** Bytes transferred by this call (not counting files already complete). */
  bytesDownloaded: number
}

interface PlannedFile {
  rel: string
  dest: string
  bytes?: number
  approxBytes?: number
  sha256?: string
  /** Size the server reports. */
  total?: number
  optional?: boolean
}

const OFFLINE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'ERR_SOCKET_TIMEOUT',
  'EPROXY',
])

/** Downloads one catalog model (the variant's ONNX file(s) and the tokenizer/config files). */
export async function downloadModel(id: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const entry = getCatalogModel(id)
  const variant = opts.variant ?? defaultVariantOf(entry)
  const onnx = entry.files.onnx[variant]
  if (!onnx) {
    const have = (Object.keys(entry.files.onnx) as Variant[]).filter((v) => entry.files.onnx[v]).join(', ')
    throw new EmbedMapError('BAD_INPUT', `${entry.id} has no ${variant} ONNX file in the catalog`, `choose one of: ${have}`)
  }
  const dir = path.resolve(opts.destDir ?? path.join(cacheDir(), 'models', entry.id))
  const specs: CatalogFile[] = [...entry.files.tokenizer.map((f) => (typeof f === 'string' ? { path: f } : f)), onnx, ...(onnx.externalData ?? [])]

  fs.mkdirSync(dir, { recursive: true })
  const release = takeDownloadLock(path.join(dir, '.download.lock'), entry.id)
  try {
    const got = await downloadRepoFiles({ ...opts, label: entry.id, repo: entry.hfRepo, revision: entry.revision, dir, files: specs })
    writeMarker(dir, entry.id, entry.hfRepo, entry.revision, variant, got.files)
    return { id: entry.id, dir, variant, files: got.files.map((rel) => path.join(dir, ...rel.split('/'))), bytesDownloaded: got.bytesDownloaded }
  } finally {
    release()
  }
}

/** One file of a repository to fetch. */
export interface RepoFileSpec extends CatalogFile {
  /** Other names the same file may have, tried in order when the server has no `path` (HTTP 404). */
  alternatives?: string[]
  /** A 404 skips the file instead of failing the download. */
  optional?: boolean
}

export interface RepoDownloadOptions extends Omit<DownloadOptions, 'variant' | 'destDir'> {
  /** Named in messages: the model id. */
  label: string
  repo: string
  revision: string
  /** Files land at `dir/<path>`; the caller holds the folder's lock. */
  dir: string
  files: readonly RepoFileSpec[]
}

export interface RepoDownloadResult {
  /** Paths inside the repository of the files now on disk (the name found, for a file with alternatives). */
  files: string[]
  /** Optional files the server does not have. */
  missing: string[]
  bytesDownloaded: number
}

/**
 * Fetches files of one Hub repository (or mirror) into `dir`, resuming partial files: sizes first (a HEAD per file, which
 * is also where an absent file shows: the next alternative is tried, an optional one is skipped, a required one is
 * NOT_FOUND with `details.status` 404 before any byte is written), then each file as `<file>.part`, verified, renamed.
 */
export async function downloadRepoFiles(o: RepoDownloadOptions): Promise<RepoDownloadResult> {
  const endpoint = (o.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '')
  const urlOf = (rel: string) => new URL(`${endpoint}/${o.repo}/resolve/${encodeURIComponent(o.revision)}/${rel.split('/').map(encodeURIComponent).join('/')}`)
  const ctx: RequestContext = { endpointHost: new URL(endpoint).host, timeoutMs: o.timeoutMs ?? 30_000, signal: o.signal, modelId: o.label }
  const plan = (spec: RepoFileSpec, rel: string): PlannedFile => ({
    rel,
    dest: path.join(o.dir, ...rel.split('/')),
    bytes: rel === spec.path ? spec.bytes : undefined,
    approxBytes: rel === spec.path ? spec.approxBytes : undefined,
    sha256: rel === spec.path ? spec.sha256 : undefined,
    optional: spec.optional,
  })

  // Sizes first, so the progress bar has a total; this is also where "offline" and absent files show up.
  const planned: PlannedFile[] = []
  const missing: string[] = []
  for (const spec of o.files) {
    const names = [spec.path, ...(spec.alternatives ?? [])]
    let chosen = names.map((rel) => plan(spec, rel)).find(isComplete)
    let absent: unknown
    for (const rel of chosen ? [] : names) {
      const f = plan(spec, rel)
      try {
        f.total = await headSize(urlOf(rel), ctx)
      } catch (err) {
        if (isHttp404(err)) {
          absent ??= err
          continue
        }
        if (!(err instanceof HttpRetryable)) throw err
      }
      chosen = f
      break
    }
    if (chosen) planned.push(chosen)
    else if (spec.optional) missing.push(spec.path)
    else throw absent
  }
  const sizeOf = (f: PlannedFile) => (isComplete(f) ? fs.statSync(f.dest).size : (f.total ?? f.bytes ?? f.approxBytes))
  const totalKnown = planned.every((f) => sizeOf(f) !== undefined)
  const total = totalKnown ? planned.reduce((s, f) => s + (sizeOf(f) ?? 0), 0) : undefined
  let doneBefore = 0
  let bytesDownloaded = 0
  const files: string[] = []
  for (const f of planned) {
    if (isComplete(f)) {
      doneBefore += fs.statSync(f.dest).size
      files.push(f.rel)
      continue
    }
    const base = doneBefore
    let got: { size: number; transferred: number }
    try {
      got = await downloadFile(urlOf(f.rel), f, ctx, {
        retries: o.retries ?? 5,
        retryDelayMs: o.retryDelayMs ?? 500,
        onProgress: (fileDone, fileTotal) => o.onProgress?.({ file: f.rel, fileDone, fileTotal, done: base + fileDone, total }),
      })
    } catch (err) {
      // A server without HEAD says "absent" only now.
      if (!(f.optional && isHttp404(err))) throw err
      fs.rmSync(`${f.dest}.part`, { force: true })
      fs.rmSync(`${f.dest}.part.json`, { force: true })
      missing.push(f.rel)
      continue
    }
    bytesDownloaded += got.transferred
    doneBefore += got.size
    files.push(f.rel)
  }
  return { files, missing, bytesDownloaded }
}

function isHttp404(err: unknown): boolean {
  return err instanceof EmbedMapError && err.code === 'NOT_FOUND' && (err.details as { status?: number } | undefined)?.status === 404
}

/** A file is complete when it exists under its final name with the expected size (renamed only after verification). */
function isComplete(f: PlannedFile): boolean {
  try {
    const st = fs.statSync(f.dest)
    if (!st.isFile()) return false
    if (f.bytes !== undefined && st.size !== f.bytes) return false
    return true
  } catch {
    return false
  }
}

function writeMarker(dir: string, id: string, repo: string, revision: string, variant: Variant, files: string[]): void {
  const file = path.join(dir, MODEL_MARKER)
  let prev: { variants?: string[]; files?: string[] }
  try {
    prev = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    prev = {}
  }
  const marker = {
    id,
    hfRepo: repo,
    revision,
    variants: [...new Set([...(prev.variants ?? []), variant])],
    files: [...new Set([...(prev.files ?? []), ...files])],
    downloadedAt: new Date().toISOString(),
  }
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(marker, null, 2))
  fs.renameSync(`${file}.tmp`, file)
}

/** One download per lock file at a time (across processes); a lock left by a dead process is taken over. */
export function takeDownloadLock(lock: string, id: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' })
      return () => fs.rmSync(lock, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number(fs.readFileSync(lock, 'utf8').trim())
      if (pid && pid !== process.pid && isProcessAlive(pid)) {
        throw new EmbedMapError('CONFLICT', `model ${id} is already being downloaded (process ${pid})`, 'wait for that download to finish', { id, pid })
      }
      if (pid === process.pid)
        throw new EmbedMapError('CONFLICT', `model ${id} is already being downloaded by this process`, 'wait for that download to finish', { id })
      fs.rmSync(lock, { force: true })
    }
  }
  throw new EmbedMapError('CONFLICT', `cannot take ${lock} for downloading ${id}`, 'try again')
}

// ---------------------------------------------------------------------------------------------

interface RequestContext {
  endpointHost: string
  timeoutMs: number
  signal?: AbortSignal
  modelId: string
}

async function headSize(url: URL, ctx: RequestContext): Promise<number | undefined> {
  const res = await requestFollow(url, 'HEAD', {}, ctx)
  res.resume()
  if (res.statusCode === 405 || res.statusCode === 501) return undefined
  checkStatus(res, url, ctx)
  const linked = Number(res.headers['x-linked-size'])
  if (Number.isFinite(linked) && linked > 0) return linked
  const len = Number(res.headers['content-length'])
  return Number.isFinite(len) && len >= 0 ? len : undefined
}

function checkStatus(res: http.IncomingMessage, url: URL, ctx: RequestContext): void {
  const s = res.statusCode ?? 0
  if (s >= 200 && s < 300) return
  const where = `${url.origin}${url.pathname}`
  if (s === 404)
    throw new EmbedMapError(
      'NOT_FOUND',
      `${where} does not exist (HTTP 404) while downloading ${ctx.modelId}`,
      'the repository may have moved or HF_ENDPOINT points to a mirror without it',
      { status: s, url: where },
    )
  if (s === 401 || s === 403) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `access to ${where} was refused (HTTP ${s}) while downloading ${ctx.modelId}`,
      'the model may be gated or private: accept its licence on the Hub and set HF_TOKEN, or add a local folder with `embedmap models add DIR`',
      { status: s, url: where },
    )
  }
  throw new HttpRetryable(s, where)
}

class HttpRetryable extends Error {
  constructor(
    readonly status: number,
    readonly where: string,
  ) {
    super(`HTTP ${status} from ${where}`)
  }
}

async function downloadFile(
  url: URL,
  f: PlannedFile,
  ctx: RequestContext,
  opts: { retries: number; retryDelayMs: number; onProgress: (done: number, total?: number) => void },
): Promise<{ size: number; transferred: number }> {
  fs.mkdirSync(path.dirname(f.dest), { recursive: true })
  const part = `${f.dest}.part`
  const meta = `${f.dest}.part.json`
  const expected = f.bytes ?? f.total
  // A .part from a different remote file (size changed) cannot be resumed.
  try {
    const m = JSON.parse(fs.readFileSync(meta, 'utf8')) as { total?: number }
    if (expected !== undefined && m.total !== undefined && m.total !== expected) fs.rmSync(part, { force: true })
  } catch {
    // no meta
  }
  fs.writeFileSync(meta, JSON.stringify({ url: url.href, total: expected }))

  let transferred = 0
  let lastError: unknown
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (attempt > 0) await sleep(Math.min(opts.retryDelayMs * 2 ** (attempt - 1), 10_000), ctx.signal)
    let have = fileSize(part)
    if (expected !== undefined && have > expected) {
      fs.rmSync(part, { force: true })
      have = 0
    }
    try {
      const headers: Record<string, string> = {}
      if (have > 0) headers.Range = `bytes=${have}-`
      const res = await requestFollow(url, 'GET', headers, ctx)
      let append = false
      let total = expected
      if (res.statusCode === 416) {
        res.resume()
        if (expected !== undefined && have === expected) break // already all there
        fs.rmSync(part, { force: true })
        throw new HttpRetryable(416, url.href)
      }
      checkStatus(res, url, ctx)
      if (res.statusCode === 206) {
        const m = /bytes (\d+)-(\d+)\/(\d+|\*)/.exec(String(res.headers['content-range'] ?? ''))
        if (!m || Number(m[1]) !== have) {
          res.resume()
          fs.rmSync(part, { force: true })
          throw new HttpRetryable(206, `${url.href} (unexpected Content-Range ${res.headers['content-range']})`)
        }
        if (m[3] !== '*') total = Number(m[3])
        append = true
      } else {
        const len = Number(res.headers['content-length'])
        if (Number.isFinite(len)) total = len
      }
      if (expected !== undefined && total !== undefined && total !== expected) {
        res.resume()
        fs.rmSync(part, { force: true })
        const said = f.bytes !== undefined ? 'the catalog says' : 'the server said a moment ago'
        throw new EmbedMapError(
          'INTERNAL',
          `${url.href} is ${total} bytes, ${said} ${expected}`,
          f.bytes !== undefined ? 'the file on the server changed: update the catalog entry' : 'the file changed during the download: try again',
          { url: url.href },
        )
      }
      let done = append ? have : 0
      let lastReport = 0
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          done += chunk.length
          transferred += chunk.length
          const now = Date.now()
          if (now - lastReport > 100) {
            lastReport = now
            opts.onProgress(done, total)
          }
          cb(null, chunk)
        },
      })
      const out = fs.createWriteStream(part, { flags: append ? 'a' : 'w' })
      await pipeline(res, tap, out).catch(async (err: unknown) => {
        // A write already handed to the OS still lands after the error: the next attempt must see the final size.
        if (!out.closed) await new Promise<void>((r) => out.once('close', () => r()))
        throw err
      })
      if (!res.complete || (total !== undefined && done !== total))
        throw Object.assign(new Error('connection closed before the file was complete'), { code: 'ECONNRESET' })
      opts.onProgress(done, total)
      break
    } catch (err) {
      if (err instanceof EmbedMapError) throw err
      if (ctx.signal?.aborted) throw cancelled(ctx)
      lastError = err
      if (!(err instanceof HttpRetryable) && !isNetworkError(err)) throw err
    }
    if (attempt === opts.retries) {
      if (lastError instanceof HttpRetryable) {
        throw new EmbedMapError(
          'INTERNAL',
          `${lastError.message} while downloading ${ctx.modelId}, after ${opts.retries + 1} attempts`,
          'the server is busy or failing: try again later (the download resumes where it stopped)',
          { status: lastError.status },
        )
      }
      throw offlineError(lastError, url, ctx, true)
    }
  }
  // Verify, then move into place.
  const size = fileSize(part)
  if (expected !== undefined && size !== expected) {
    fs.rmSync(part, { force: true })
    throw new EmbedMapError('INTERNAL', `downloaded ${size} bytes of ${f.rel}, expected ${expected}`, 'download it again')
  }
  const sha256 = await hashFile(part)
  if (f.sha256 && sha256 !== f.sha256) {
    fs.rmSync(part, { force: true })
    throw new EmbedMapError(
      'INTERNAL',
      `${f.rel} of ${ctx.modelId} is corrupt: sha256 ${sha256}, expected ${f.sha256}`,
      'download it again; if it persists the mirror (HF_ENDPOINT) serves a different file',
    )
  }
  fs.renameSync(part, f.dest)
  fs.rmSync(meta, { force: true })
  if (f.dest.endsWith('.onnx') || f.dest.endsWith('_data')) rememberFileSha256(f.dest, sha256)
  return { size, transferred }
}

function fileSize(p: string): number {
  try {
    return fs.statSync(p).size
  } catch {
    return 0
  }
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash('sha256')
    fs.createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')))
  })
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new EmbedMapError('CANCELLED', 'download cancelled'))
    const t = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        reject(new EmbedMapError('CANCELLED', 'download cancelled'))
      },
      { once: true },
    )
  })
}

function cancelled(ctx: RequestContext): EmbedMapError {
  return new EmbedMapError('CANCELLED', `download of ${ctx.modelId} cancelled`, 'start it again to resume where it stopped')
}

function isNetworkError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code
  return (
    (code !== undefined && (OFFLINE_CODES.has(code) || code === 'ERR_STREAM_PREMATURE_CLOSE')) ||
    /socket hang up|aborted|premature|timed out/i.test(String((err as Error)?.message))
  )
}

function offlineError(err: unknown, url: URL, ctx: RequestContext, midway: boolean): EmbedMapError {
  const code = (err as NodeJS.ErrnoException)?.code ?? 'network error'
  const proxy = proxyFor(url)
  const via = proxy ? ` through the proxy ${proxy.host}` : ''
  const message = midway
    ? `lost the connection to ${url.host}${via} while downloading ${ctx.modelId} (${code}): ${(err as Error)?.message ?? err}`
    : `cannot reach ${url.host}${via} to download ${ctx.modelId} (${code})`
  return new EmbedMapError(
    'NOT_FOUND',
    message,
    `check the connection${proxy ? ' and the proxy' : ' (set HTTPS_PROXY if you are behind a proxy)'}, set HF_ENDPOINT to a mirror (e.g. https://hf-mirror.com), or add a local folder with \`embedmap models add DIR\`${midway ? '; running the download again resumes it' : ''}`,
    { reason: 'offline', code, host: url.host },
  )
}

// ---------------------------------------------------------------------------------------------
// HTTP with redirects and proxies

/** The proxy URL for a target, from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case), or undefined. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const noProxy = env.NO_PROXY ?? env.no_proxy ?? ''
  const host = target.hostname.toLowerCase()
  for (const raw of noProxy.split(/[\s,]+/)) {
    const rule = raw.trim().toLowerCase()
    if (!rule) continue
    if (rule === '*') return undefined
    const bare = rule.replace(/:\d+$/, '').replace(/^\*?\./, '')
    if (host === bare || host.endsWith(`.${bare}`)) return undefined
  }
  const value = target.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy) : (env.HTTP_PROXY ?? env.http_proxy)
  if (!value) return undefined
  try {
    return new URL(value.includes('://') ? value : `http://${value}`)
  } catch {
    return undefined
  }
}

async function requestFollow(start: URL, method: 'GET' | 'HEAD', headers: Record<string, string>, ctx: RequestContext): Promise<http.IncomingMessage> {
  let url = start
  for (let hops = 0; hops < 10; hops++) {
    const h: Record<string, string> = { 'user-agent': 'embedmap/0.1 (+model download)', accept: '*/*', ...headers }
    const token = process.env.HF_TOKEN ?? process.env.HUGGING_FACE_HUB_TOKEN
    if (token && url.host === ctx.endpointHost) h.authorization = `Bearer ${token}`
    let res: http.IncomingMessage
    try {
      res = await requestOnce(url, method, h, ctx)
    } catch (err) {
      if (ctx.signal?.aborted) throw cancelled(ctx)
      if (hops === 0 && method === 'HEAD' && isNetworkError(err)) throw offlineError(err, url, ctx, false)
      throw err
    }
    const s = res.statusCode ?? 0
    if ([301, 302, 303, 307, 308].includes(s) && res.headers.location) {
      res.resume()
      url = new URL(res.headers.location, url)
      continue
    }
    return res
  }
  throw new EmbedMapError('INTERNAL', `too many redirects from ${start.href}`, 'check HF_ENDPOINT')
}

function requestOnce(url: URL, method: string, headers: Record<string, string>, ctx: RequestContext): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const proxy = proxyFor(url)
    const isHttps = url.protocol === 'https:'
    const onAbort = () => reject(cancelled(ctx))
    if (ctx.signal?.aborted) return onAbort()

    const send = (socket?: tls.TLSSocket | import('node:net').Socket) => {
      const mod = isHttps ? https : http
      const options: https.RequestOptions = { method, headers: { ...headers }, timeout: ctx.timeoutMs }
      let target: URL | string = url
      if (proxy && !isHttps) {
        // Plain HTTP through a proxy: absolute-form request line to the proxy.
        options.host = proxy.hostname
        options.port = proxy.port || 80
        options.path = url.href
        options.headers = { ...options.headers, host: url.host, ...proxyAuth(proxy) }
        target = ''
      }
      if (socket) {
        options.agent = false
        options.createConnection = () => socket as unknown as import('node:net').Socket
      }
      const onResponse = (res: http.IncomingMessage) => {
        // A tunnel carries one request: close it with the response, or it stays open until the server gives up.
        if (socket) res.once('close', () => socket.destroy())
        ctx.signal?.removeEventListener('abort', abortReq)
        if (ctx.signal) {
          const abortRes = () => res.destroy(cancelled(ctx))
          ctx.signal.addEventListener('abort', abortRes, { once: true })
          res.once('close', () => ctx.signal?.removeEventListener('abort', abortRes))
        }
        res.setTimeout?.(ctx.timeoutMs, () =>
          res.destroy(Object.assign(new Error(`no data from ${url.host} for ${ctx.timeoutMs} ms`), { code: 'ERR_SOCKET_TIMEOUT' })),
        )
        resolve(res)
      }
      const req = target === '' ? http.request(options, onResponse) : mod.request(target, options, onResponse)
      const abortReq = () => req.destroy(cancelled(ctx))
      ctx.signal?.addEventListener('abort', abortReq, { once: true })
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer from ${url.host} for ${ctx.timeoutMs} ms`), { code: 'ETIMEDOUT' })))
      req.on('error', (err) => {
        socket?.destroy()
        ctx.signal?.removeEventListener('abort', abortReq)
        reject(err)
      })
      req.end()
    }

    if (proxy && isHttps) {
      // HTTPS through a proxy: CONNECT tunnel, then TLS to the target over it.
      const connectMod = proxy.protocol === 'https:' ? https : http
      const creq = connectMod.request({
        host: proxy.hostname,
        port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
        method: 'CONNECT',
        path: `${url.hostname}:${url.port || 443}`,
        headers: { host: `${url.hostname}:${url.port || 443}`, ...proxyAuth(proxy) },
        timeout: ctx.timeoutMs,
      })
      creq.on('connect', (res, socket) => {
        if (res.statusCode !== 200) {
          socket.destroy()
          return reject(Object.assign(new Error(`proxy ${proxy.host} refused the tunnel to ${url.host}: HTTP ${res.statusCode}`), { code: 'EPROXY' }))
        }
        const tlsSocket = tls.connect({ socket, servername: url.hostname })
        tlsSocket.once('error', reject)
        tlsSocket.once('secureConnect', () => send(tlsSocket))
      })
      creq.on('timeout', () => creq.destroy(Object.assign(new Error(`no answer from the proxy ${proxy.host}`), { code: 'ETIMEDOUT' })))
      creq.on('error', reject)
      creq.end()
    } else {
      send()
    }
  })
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function proxyAuth(proxy: URL): Record<string, string> {
  if (!proxy.username) return {}
  const cred = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
  return { 'proxy-authorization': `Basic ${Buffer.from(cred).toString('base64')}` }
}
