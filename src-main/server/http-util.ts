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

/** Reads a small request body (API calls, not uploads) with a hard size limit. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limitBytes) throw new BodyTooLargeError(`Request body is larger than ${limitBytes} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}
