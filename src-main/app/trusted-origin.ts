// Which page may use the bridge and be navigated to: the packaged app on app://embedmap/, or — in development only —
// the electron-vite dev server. Pure so the decision is unit-tested apart from Electron.

export const APP_SCHEME = 'app'
export const APP_HOST = 'embedmap'
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** How main tells the sandboxed preload the dev server's origin (webPreferences.additionalArguments → process.argv). */
export const DEV_ORIGIN_ARG = '--embedmap-dev-origin='

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * The dev server's origin, or undefined. A packaged app never honours ELECTRON_RENDERER_URL (anyone who can set an
 * environment variable could otherwise point the bridge at a remote page), and in development only an http(s)
 * loopback address is accepted.
 */
export function devRendererOrigin(rendererUrl: string | undefined, isPackaged: boolean): string | undefined {
  if (isPackaged || !rendererUrl) return undefined
  const u = parse(rendererUrl)
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) return undefined
  if (u.username || u.password || !LOOPBACK_HOSTS.has(u.hostname)) return undefined
  return u.origin
}

/**
 * True when `url` belongs to our own renderer. Compares parsed origins, never string prefixes, so
 * `http://localhost:5173.evil.example` is not `http://localhost:5173`. Node gives custom schemes the origin "null",
 * so app:// is compared by scheme and host.
 */
export function isTrustedRendererUrl(url: string, devOrigin?: string): boolean {
  const u = parse(url)
  if (!u || u.username || u.password) return false
  if (devOrigin) return u.origin === devOrigin
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST
}
