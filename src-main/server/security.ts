import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** The subprotocol the server selects for the events socket; the token travels as a second, `token.`-prefixed one. */
export const WS_PROTOCOL = 'embedmap'
export const WS_TOKEN_PREFIX = 'token.'

/**
 * Content-Security-Policy for the browser-mode renderer. React sets inline styles through the CSSOM, which CSP
 * does not govern, so no 'unsafe-inline' is needed; workers may come from blob: URLs (deck.gl, later).
 */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * DNS-rebinding guard: a page on evil.example that rebinds its name to 127.0.0.1 still sends `Host: evil.example`,
 * so only the loopback names with our exact port are accepted.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`
}

/** Browsers send Origin on POST and WebSocket handshakes; when present it must be this server. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
}

export function tokensEqual(given: string | undefined | null, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null
  return m ? m[1] : undefined
}

/**
 * The events socket cannot set headers in a browser: the token comes as a subprotocol, and only so. A `?token=` in
 * the URL would end up in logs and history, so it is not accepted.
 */
export function websocketToken(req: IncomingMessage): string | undefined {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim())
  const fromProtocol = offered.find((p) => p.startsWith(WS_TOKEN_PREFIX))
  return fromProtocol ? fromProtocol.slice(WS_TOKEN_PREFIX.length) : undefined
}

/** Headers sent with every response. */
export const baseHeaders: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
}
