import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { EngineApi } from '../engine/api'
import { serializeError } from '../errors'
import { createEventHub } from './events'
import { sendError, sendText } from './http-util'
import { handleInvoke } from './invoke'
import { bearerToken, contentSecurityPolicy, isAllowedHost, isAllowedOrigin, tokensEqual, websocketToken } from './security'
import { serveStatic } from './static'
import { DEFAULT_UPLOAD_LIMITS, handleUpload, type UploadLimits } from './upload'
import { startUploadCleanup } from './upload-cleanup'
import { enableSniffWorker } from '../import/sniff-off-thread'
import { handleDownload } from './download'

export interface ServerOptions {
  engine: EngineApi
  /** 0 (the default) picks any free port. */
  port?: number
  /** The built renderer, usually `<repo>/out/renderer`. */
  rendererDir: string
  /** Fixed token (tests); by default a fresh random one per launch. */
  token?: string
  /** Upload size cap and free-space check (tests shrink them). */
  uploads?: Partial<UploadLimits>
  /** Connection timeouts (tests shrink them). */
  timeouts?: Partial<ServerTimeouts>
}

export interface ServerTimeouts {
  /** All request headers must arrive within this (slow-loris). */
  headersMs: number
  /** An API call's body must arrive within this; uploads are exempt (they may take hours) but see idleMs. */
  apiBodyMs: number
  /** A socket with no traffic either way for this long is closed: a stalled upload, a silent slow-loris. */
  idleMs: number
  /** How long an idle keep-alive connection is kept for the next request. */
  keepAliveMs: number
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = { headersMs: 15_000, apiBodyMs: 30_000, idleMs: 120_000, keepAliveMs: 5_000 }

export interface RunningServer {
  /** The address to open: `http://127.0.0.1:PORT/#token=TOKEN`. The fragment never reaches the server or its logs. */
  url: string
  port: number
  token: string
  close(): Promise<void>
}

export { contentSecurityPolicy } from './security'

/**
 * Browser mode: the renderer and the contract over HTTP + WebSocket on 127.0.0.1 only. Every API call needs
 * the per-launch token, and every request must name our loopback host and port (DNS-rebinding guard).
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { engine, rendererDir } = opts
  const token = opts.token ?? randomBytes(32).toString('hex')
  const events = createEventHub(engine)
  let port = 0
  let csp = ''

  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts }
  const uploadLimits = { ...DEFAULT_UPLOAD_LIMITS, ...opts.uploads }

  const server = createServer(
    // Node checks the header and request deadlines on this tick; the default (30 s) would let them overrun by that much.
    { connectionsCheckingInterval: Math.min(1000, timeouts.headersMs) },
    (req, res) => {
      route(req, res).catch((err) => {
        if (!res.headersSent) sendError(res, 500, serializeError(err))
        else res.destroy()
      })
    },
  )
  server.headersTimeout = timeouts.headersMs
  // Node's requestTimeout covers the whole body, and an upload of several GB may rightly take longer than any fixed
  // figure: API bodies get their own deadline in readBody, and every socket the idle timeout below.
  server.requestTimeout = 0
  server.keepAliveTimeout = timeouts.keepAliveMs
  // With no 'timeout' listener Node destroys the socket: a connection silent for idleMs is closed, however it began.
  server.timeout = timeouts.idleMs
  const cleanup = startUploadCleanup(engine)
  // Previews run in the engine in this process: keep their sniffing off the event loop that serves every request.
  enableSniffWorker()

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, port)) {
      sendText(res, 403, 'Forbidden: unexpected Host header')
      return
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)

    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      if (!isAllowedOrigin(req.headers.origin, port)) {
        sendError(res, 403, { code: 'BAD_INPUT', message: 'Forbidden: cross-origin request' })
        return
      }
      if (!tokensEqual(bearerToken(req), token)) {
        sendError(res, 401, {
          code: 'BAD_INPUT',
          message: 'Missing or wrong access token',
          hint: 'Open the address printed by `embedmap serve` (it ends with #token=…).',
        })
        return
      }
      const invoke = /^\/api\/invoke\/([^/]+)$/.exec(url.pathname)
      if (invoke || url.pathname === '/api/upload') {
        if (req.method !== 'POST') {
          res.setHeader('Allow', 'POST')
          sendError(res, 405, { code: 'BAD_INPUT', message: `${req.method} is not allowed here; use POST` })
          return
        }
        if (invoke) await handleInvoke(engine, safeDecode(invoke[1]), req, res, timeouts.apiBodyMs)
        else await handleUpload(engine.uploadsDir, url, req, res, uploadLimits)
        return
      }
      const download = /^\/api\/exports\/([^/]+)$/.exec(url.pathname)
      if (download && (req.method === 'GET' || req.method === 'HEAD')) {
        await handleDownload(engine.exportsDir, safeDecode(download[1]), req, res)
        return
      }
      if (url.pathname === '/api/events') {
        sendError(res, 426, { code: 'BAD_INPUT', message: 'Connect to /api/events with a WebSocket' })
        return
      }
      sendError(res, 404, { code: 'NOT_FOUND', message: `No API route ${url.pathname}` })
      return
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      sendText(res, 405, 'Method not allowed')
      return
    }
    await serveStatic(rendererDir, url, req, res, csp)
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    socket.on('error', () => socket.destroy())
    if (!isAllowedHost(req.headers.host, port)) return refuse('403 Forbidden')
    if (!isAllowedOrigin(req.headers.origin, port)) return refuse('403 Forbidden')
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    if (url.pathname !== '/api/events') return refuse('404 Not Found')
    if (!tokensEqual(websocketToken(req), token)) return refuse('401 Unauthorized')
    events.handleUpgrade(req, socket, head)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  csp = contentSecurityPolicy(port)

  let closing: Promise<void> | undefined
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    close() {
      closing ??= (async () => {
        cleanup.stop()
        await events.close()
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
      })()
      return closing
    },
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
