import { createReadStream } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { contentTypeOf, resolveStaticFile } from '../static-files'
import { sendText } from './http-util'
import { baseHeaders } from './security'

/**
 * Serves the built renderer. Which file a URL path names (and that it stays inside the root) is decided by
 * static-files.ts, shared with the desktop app's app:// protocol.
 */
export async function serveStatic(rootDir: string, url: URL, req: IncomingMessage, res: ServerResponse, csp: string): Promise<void> {
  const found = await resolveStaticFile(rootDir, url.pathname)
  if (found.kind === 'bad-request') return sendText(res, 400, 'Bad request')
  if (found.kind === 'no-root') return sendText(res, 503, `The renderer has not been built (${rootDir} is missing). Run: npx electron-vite build`)
  if (found.kind === 'not-found') return sendText(res, 404, 'Not found')

  const { file, size } = found
  const isHtml = path.extname(file).toLowerCase() === '.html'
  // Vite puts content hashes in the names of what it writes to assets/, so those can be cached forever; the HTML cannot.
  const immutable = !isHtml && path.basename(path.dirname(file)) === 'assets'
  res.writeHead(200, {
    ...baseHeaders,
    'Content-Type': contentTypeOf(file),
    'Content-Length': size,
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
