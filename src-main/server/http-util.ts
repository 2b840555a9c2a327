import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Reply } from '../contract'
import type { SerializedError } from '../errors'
import { baseHeaders } from './security'
import { FRAME_CONTENT_TYPE } from '../contract/binary-frame'

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body))
  res.writeHead(status, {
    ...baseHeaders,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': data.length,
    'Cache-Control': 'no-store',
  })
  res.end(data)
}

/**
 * A binary answer (contract/binary-frame.ts): the bytes as they are, no JSON envelope. Errors still go out as JSON
 * replies, so the client tells them apart by Content-Type.
 */
export function sendFrame(res: ServerResponse, bytes: Uint8Array): void {
  res.writeHead(200, {
    ...baseHeaders,
    'Content-Type': FRAME_CONTENT_TYPE,
    'Content-Length': bytes.byteLength,
    'Cache-Control': 'no-store',
  })
  res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
}

export function sendReply(res: ServerResponse, status: number, reply: Reply<unknown>): void {
  sendJson(res, status, reply)
}

export function sendError(res: ServerResponse, status: number, error: SerializedError): void {
  sendReply(res, status, { ok: false, error })
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(text)
}

export class BodyTooLargeError extends Error {}
export class BodyTooSlowError extends Error {}

/**
 * Reads a small request body (API calls, not uploads) with a hard size limit and a deadline. A declared
 * Content-Length over the limit is refused before a byte is read, and reading stops at the first chunk past it.
 */
export async function readBody(req: IncomingMessage, limitBytes: number, deadlineMs = 30_000): Promise<Buffer> {
  const tooLarge = () => new BodyTooLargeError(`The request body is larger than the ${formatLimit(limitBytes)} limit of API calls`)
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge()
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const finish = (err: Error | null) => {
      clearTimeout(timer)
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted)
      if (err) {
        req.pause()
        reject(err)
      } else resolve(Buffer.concat(chunks))
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limitBytes) finish(tooLarge())
      else chunks.push(chunk)
    }
    const onEnd = () => finish(null)
    const onError = (err: Error) => finish(err)
    const onAborted = () => finish(new Error('The client closed the connection'))
    const timer = setTimeout(() => finish(new BodyTooSlowError(`The request body did not arrive within ${deadlineMs / 1000} s`)), deadlineMs)
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted)
  })
}

/**
 * Answers before the body was read (too large, too slow). The connection is closed after the reply; what the client
 * still sends is discarded, not stored, for a moment so it can read the reply instead of a reset, then dropped.
 */
export function sendErrorAndClose(req: IncomingMessage, res: ServerResponse, status: number, error: SerializedError): void {
  // Taken now: Node detaches the socket from the request once the reply is sent.
  const socket = req.socket as IncomingMessage['socket'] | null
  res.shouldKeepAlive = false
  res.setHeader('Connection', 'close')
  sendError(res, status, error)
  res.once('finish', () => {
    if (!socket || socket.destroyed) return
    const drop = setTimeout(() => socket.destroy(), 1000)
    drop.unref()
    socket.once('close', () => clearTimeout(drop))
    req.resume()
  })
}

function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`
}
