import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rm, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { sendError, sendReply } from './http-util'

/**
 * `POST /api/upload?name=FILE.csv` — streams the raw body to `uploadsDir/<unique>/<name>` (never buffered, so
 * multi-GB files are fine; backpressure comes from pipeline). The unique part is a directory so the file keeps the
 * user's name, which the engine shows in job titles and dataset names. A partial upload is removed on abort.
 */
export async function handleUpload(uploadsDir: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const name = sanitizeFileName(url.searchParams.get('name') ?? '')
  await mkdir(uploadsDir, { recursive: true })
  const dir = path.join(uploadsDir, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`)
  // Not recursive: fails if the directory exists, so no two uploads ever share one.
  await mkdir(dir)
  const target = path.join(dir, name)

  try {
    await pipeline(req, createWriteStream(target, { flags: 'wx' }))
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    if (!res.headersSent && !res.destroyed) {
      sendError(res, 200, {
        code: 'INTERNAL',
        message: `The upload of ${name} did not complete: ${err instanceof Error ? err.message : String(err)}`,
        hint: 'Try the upload again.',
      })
    }
    return
  }
  const { size } = await stat(target)
  sendReply(res, 200, { ok: true, value: { path: target, name, bytes: size } })
}

/** Keeps the base name readable but safe: no directories, no control or shell-special characters, bounded length. */
export function sanitizeFileName(input: string): string {
  const base = input.split(/[\\/]/).pop() ?? ''
  let clean = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
  if (clean === '') clean = 'upload.csv'
  // Names Windows reserves for devices, with or without an extension.
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(clean)) clean = `_${clean}`
  if (clean.length > 120) {
    const ext = path.extname(clean).slice(0, 12)
    clean = clean.slice(0, 120 - ext.length) + ext
  }
  return clean
}
