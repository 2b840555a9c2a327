import http from 'node:http'
import type net from 'node:net'

/** What the proxy does with one request. */
export type Behaviour = 'ok' | 'drop' | 'delay' | 'hang' | '429' | '500' | 'nonjson' | 'wrongdims' | '401-echo'

export interface FlakyProxy {
  url: string
  /** Behaviours for the next requests, in order; then `fallback`. */
  queue: Behaviour[]
  fallback: Behaviour
  /** How many requests arrived, and what each got. */
  seen: Behaviour[]
  /** Milliseconds the 'delay' behaviour (and every request when `slowMs` is set) waits. */
  delayMs: number
  slowMs: number
  close(): Promise<void>
}

/**
 * A local proxy in front of a real embedding server that misbehaves on purpose: drops connections,
 * delays, hangs, answers 429 with Retry-After, 500, a non-JSON page, vectors of the wrong size, or a 401 that
 * echoes the caller's Authorization header (as some servers do) to prove the key is scrubbed.
 */
export async function startFlakyProxy(upstream: string): Promise<FlakyProxy> {
  const sockets = new Set<net.Socket>()
  const state: FlakyProxy = { url: '', queue: [], fallback: 'ok', seen: [], delayMs: 3000, slowMs: 0, close: async () => {} }
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    const b = state.queue.shift() ?? state.fallback
    state.seen.push(b)
    if (state.slowMs) await wait(state.slowMs)
    if (b === 'drop') return req.socket.destroy()
    if (b === 'hang') return // never answers: the client's timeout must cut it
    if (b === '429') return res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"error":"slow down"}')
    if (b === '500') return res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error')
    if (b === 'nonjson') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to nginx!</body></html>')
    if (b === '401-echo') {
      return res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: `Incorrect API key provided: ${req.headers.authorization}` }))
    }
    if (b === 'delay') await wait(state.delayMs)
    let up: Response
    try {
      up = await fetch(upstream + (req.url ?? '').replace(/^\/v1/, ''), {
        method: req.method,
        headers: { 'content-type': 'application/json', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) },
        body: req.method === 'POST' ? body : undefined,
      })
    } catch (err) {
      // The upstream server is gone (or the client hung up first): a 502, as a real proxy answers.
      if (!res.destroyed) res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream failed: ${String(err)}`)
      return
    }
    let text = await up.text().catch(() => '')
    if (b === 'wrongdims' && up.ok) {
      const j = JSON.parse(text) as { data: { embedding: number[] }[] }
      for (const d of j.data) d.embedding = d.embedding.slice(0, Math.floor(d.embedding.length / 2))
      text = JSON.stringify(j)
    }
    if (!res.destroyed) res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' }).end(text)
  })
  // Longer than any backoff: an idle keep-alive socket closed by the proxy between retries would be a
  // failure of the proxy's own making (the "other side closed" race), not one the test plans.
  server.keepAliveTimeout = 120_000
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  state.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1`
  state.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy()
      server.close(() => r())
    })
  return state
}

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
