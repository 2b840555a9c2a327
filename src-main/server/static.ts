import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { baseHeaders } from './security'
import { sendText } from './http-util'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

/**
 * Serves the built renderer. The URL path is decoded once, resolved against the root and then compared with the
 * root's real path (after following symlinks), so `..`, encoded `%2e%2e`, backslashes and links cannot leave it.
 */
export async function serveStatic(rootDir: string, url: URL, req: IncomingMessage, res: ServerResponse, csp: string): Promise<void> {
  let rel: string
  try {
    rel = decodeURIComponent(url.pathname)
  } catch {
    sendText(res, 400, 'Bad request')
    return
  }
  if (rel.includes('\0') || rel.includes('\\')) {
    sendText(res, 400, 'Bad request')
    return
  }
  if (rel.endsWith('/')) rel += 'index.html'

  const root = await realpath(rootDir).catch(() => null)
  if (!root) {
    sendText(res, 503, `The renderer has not been built (${rootDir} is missing). Run: npx electron-vite build`)
    return
  }
  const candidate = path.resolve(root, '.' + path.posix.normalize('/' + rel))
  const file = await realpath(candidate).catch(() => null)
  if (!file || (file !== root && !file.startsWith(root + path.sep))) {
    sendText(res, 404, 'Not found')
    return
  }
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) {
    sendText(res, 404, 'Not found')
    return
  }

  const ext = path.extname(file).toLowerCase()
  const isHtml = ext === '.html'
  // Vite puts content hashes in asset names, so those can be cached forever; the HTML that names them cannot.
  const immutable = !isHtml && file.startsWith(path.join(root, 'assets') + path.sep)
  res.writeHead(200, {
    ...baseHeaders,
    'Content-Type': MIME[ext] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...(isHtml ? { 'Content-Security-Policy': csp } : {}),
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  const stream = createReadStream(file)
  stream.on('error', () => res.destroy())
  stream.pipe(res)
}
