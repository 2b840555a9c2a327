import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rm, stat, statfs } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { EmbedMapError, serializeError } from '../errors'
import { sendErrorAndClose, sendReply } from './http-util'

export interface UploadLimits {
  /** The largest upload accepted, in bytes. */
  maxBytes: number
  /** Free space always left on the disk: an upload that would eat into it is refused or stopped. */
  reserveBytes: number
  /** Bytes free for us where `dir` lives (a seam for tests). */
  freeBytes(dir: string): Promise<number>
}

/** EMBEDMAP_MAX_UPLOAD_GB raises or lowers the cap for `embedmap serve`. */
const envCapGb = Number(process.env.EMBEDMAP_MAX_UPLOAD_GB)

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxBytes: (envCapGb > 0 ? envCapGb : 20) * 1024 ** 3,
  reserveBytes: 512 * 1024 ** 2,
  async freeBytes(dir) {
    const s = await statfs(dir)
    return s.bavail * s.bsize
  },
}

/** How often (in bytes written) the free space is checked again while an upload runs. */
const DISK_CHECK_EVERY = 64 * 1024 * 1024

/**
 * `POST /api/upload?name=FILE.csv` — streams the raw body to `uploadsDir/<unique>/<name>` (never buffered, so
 * multi-GB files are fine; backpressure comes from pipeline). The unique part is a directory so the file keeps the
 * user's name, which the engine shows in job titles and dataset names. A partial upload is removed on abort, when it
 * passes the size cap, or when the disk runs low.
 */
export async function handleUpload(
  uploadsDir: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
): Promise<void> {
  const name = sanitizeFileName(url.searchParams.get('name') ?? '')
  await mkdir(uploadsDir, { recursive: true })
  const declared = Number(req.headers['content-length'])
  const refusal = await checkRoom(uploadsDir, name, Number.isFinite(declared) ? declared : 0, limits)
  if (refusal) {
    sendErrorAndClose(req, res, refusal.code === 'BAD_INPUT' ? 413 : 507, serializeError(refusal))
    return
  }
  const dir = path.join(uploadsDir, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`)
  // Not recursive: fails if the directory exists, so no two uploads ever share one.
  await mkdir(dir)
  const target = path.join(dir, name)

  try {
    await pipeline(req, guard(uploadsDir, name, limits), createWriteStream(target, { flags: 'wx' }))
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    if (!res.headersSent && !res.destroyed) {
      const error =
        err instanceof EmbedMapError
          ? err
          : new EmbedMapError(
              'INTERNAL',
              `The upload of ${name} did not complete: ${err instanceof Error ? err.message : String(err)}`,
              'Try the upload again.',
            )
      sendErrorAndClose(req, res, 200, serializeError(error))
    }
    return
  }
  const { size } = await stat(target)
  sendReply(res, 200, { ok: true, value: { path: target, name, bytes: size } })
}

/** Counts bytes as they pass and stops the upload at the size cap or when the disk gets too full. */
function guard(uploadsDir: string, name: string, limits: UploadLimits): Transform {
  let written = 0
  let nextCheck = DISK_CHECK_EVERY
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      written += chunk.length
      if (written > limits.maxBytes) return done(tooLarge(name, limits))
      if (written < nextCheck) return done(null, chunk)
      nextCheck = written + DISK_CHECK_EVERY
      checkRoom(uploadsDir, name, DISK_CHECK_EVERY, limits).then(
        (refusal) => done(refusal, refusal ? undefined : chunk),
        (err: Error) => done(err),
      )
    },
  })
}

async function checkRoom(uploadsDir: string, name: string, bytesComing: number, limits: UploadLimits): Promise<EmbedMapError | null> {
  if (bytesComing > limits.maxBytes) return tooLarge(name, limits)
  const free = await limits.freeBytes(uploadsDir)
  if (free - bytesComing >= limits.reserveBytes) return null
  return new EmbedMapError(
    'INTERNAL',
    `Not enough free disk space for the upload of ${name}: ${gb(free)} free in ${uploadsDir}${bytesComing ? `, ${gb(bytesComing)} still to come` : ''}, and ${gb(limits.reserveBytes)} must stay free.`,
    'Free some disk space, or import the file from the command line (`embedmap import FILE`), which reads it where it is.',
    { free, reserve: limits.reserveBytes },
  )
}

function tooLarge(name: string, limits: UploadLimits): EmbedMapError {
  return new EmbedMapError(
    'BAD_INPUT',
    `The upload of ${name} is larger than the ${gb(limits.maxBytes)} limit.`,
    'Import the file from the command line (`embedmap import FILE`), which reads it where it is, or start `embedmap serve` with a larger EMBEDMAP_MAX_UPLOAD_GB.',
    { maxBytes: limits.maxBytes },
  )
}

function gb(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${(bytes / 1024 ** 2).toFixed(0)} MB`
}

/** File systems limit a name to 255 bytes; 200 leaves room for what other tools add. */
const MAX_NAME_BYTES = 200
const MAX_EXT_BYTES = 16

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
  if (utf8Bytes(clean) > MAX_NAME_BYTES) {
    let ext = path.extname(clean)
    if (utf8Bytes(ext) > MAX_EXT_BYTES) ext = ''
    clean = cutToBytes(clean.slice(0, clean.length - ext.length), MAX_NAME_BYTES - utf8Bytes(ext)).replace(/[.\s]+$/, '') + ext
  }
  return clean
}

const utf8 = new TextEncoder()
const utf8Bytes = (s: string) => utf8.encode(s).length

/** The longest prefix of whole grapheme clusters (an emoji pair, a letter with its accents) within `maxBytes` of UTF-8. */
function cutToBytes(s: string, maxBytes: number): string {
  let out = ''
  let bytes = 0
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)) {
    const b = utf8Bytes(segment)
    if (bytes + b > maxBytes) break
    out += segment
    bytes += b
  }
  return out
}
