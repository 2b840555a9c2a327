import { readFile } from 'node:fs/promises'
import type { Protocol } from 'electron'
import { contentTypeOf, resolveStaticFile } from '../static-files'
import { APP_HOST, APP_SCHEME } from './trusted-origin'

// The packaged renderer is served from app://embedmap/ rather than file://: a file:// page shares its origin with
// every file on disk, while app://embedmap is one origin whose files all come from the built renderer folder.

/** Must run before `app` is ready: a standard, secure scheme gets an origin, fetch and secure-context APIs. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

/** Answers app:// requests with files from `rendererDir` only (path containment in resolveStaticFile). */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url)
    if (url.host !== APP_HOST) return plain(404, 'Not found')
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed')
    const found = await resolveStaticFile(rendererDir, url.pathname)
    if (found.kind === 'bad-request') return plain(400, 'Bad request')
    if (found.kind === 'no-root') return plain(503, `The renderer has not been built (${rendererDir} is missing).`)
    if (found.kind === 'not-found') return plain(404, 'Not found')
    const body = request.method === 'HEAD' ? null : await readFile(found.file)
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': contentTypeOf(found.file), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' },
    })
  }
}

export function serveAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir))
}
