import { realpath, stat } from 'node:fs/promises'
import path from 'node:path'

// Shared by everything that serves the built renderer (the app:// protocol; the browser-mode server can use it too):
// which file a URL path names, and its content type.

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

export function contentTypeOf(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

export type StaticLookup = { kind: 'file'; file: string; size: number } | { kind: 'bad-request' } | { kind: 'not-found' } | { kind: 'no-root' }

/**
 * The file under `rootDir` that a URL path (still percent-encoded) names. The path is decoded once, resolved against
 * the root and compared with the root's real path after following symlinks, so `..`, `%2e%2e`, backslashes, NUL and
 * links cannot leave it. A path ending in `/` means its index.html.
 */
export async function resolveStaticFile(rootDir: string, urlPathname: string): Promise<StaticLookup> {
  let rel: string
  try {
    rel = decodeURIComponent(urlPathname)
  } catch {
    return { kind: 'bad-request' }
  }
  if (rel.includes('\0') || rel.includes('\\')) return { kind: 'bad-request' }
  if (rel.endsWith('/')) rel += 'index.html'

  const root = await realpath(rootDir).catch(() => null)
  if (!root) return { kind: 'no-root' }
  const candidate = path.resolve(root, '.' + path.posix.normalize('/' + rel))
  const file = await realpath(candidate).catch(() => null)
  if (!file || (file !== root && !file.startsWith(root + path.sep))) return { kind: 'not-found' }
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) return { kind: 'not-found' }
  return { kind: 'file', file, size: info.size }
}
