import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import { channels, isChannelName, summarizeIssues, type Caller } from '../contract'

/** Browser mode: a request body is what a page (or anything holding the token) chose to send. */
const HTTP_CALLER: Caller = { door: 'http' }
import type { EngineApi } from '../engine/api'
import { serializeError, type SerializedError } from '../errors'
import { BodyTooLargeError, BodyTooSlowError, readBody, sendError, sendErrorAndClose, sendFrame, sendReply } from './http-util'

/**
 * API inputs are small JSON objects; anything bigger is a mistake or an attack. Files go through /api/upload, and
 * big export selections travel as ranges or a bitmap (contract/selection.ts), so no channel needs more.
 */
export const MAX_INVOKE_BODY = 1024 * 1024

/**
 * `POST /api/invoke/:channel` — parse the body with the channel's input schema, call the engine, reply with the envelope
 * (or, for binary channels such as analysis.points, with the frame's bytes as application/octet-stream).
 */
export async function handleInvoke(engine: EngineApi, channel: string, req: IncomingMessage, res: ServerResponse, bodyDeadlineMs?: number): Promise<void> {
  if (!isChannelName(channel)) {
    sendErrorAndClose(req, res, 404, { code: 'NOT_FOUND', message: `Unknown channel "${channel}"` })
    return
  }

  let body: Buffer
  try {
    body = await readBody(req, MAX_INVOKE_BODY, bodyDeadlineMs)
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      sendErrorAndClose(req, res, 413, {
        code: 'BAD_INPUT',
        message: `${err.message} (${channel}).`,
        hint: 'Send a big export selection as ranges or a bitmap, and files through /api/upload.',
      })
    } else if (err instanceof BodyTooSlowError) sendErrorAndClose(req, res, 408, { code: 'BAD_INPUT', message: err.message })
    else req.socket.destroy()
    return
  }

  let raw: unknown
  try {
    const text = body.toString('utf8').trim()
    raw = text === '' ? {} : JSON.parse(text)
  } catch {
    sendError(res, 200, { code: 'BAD_INPUT', message: `The body of ${channel} is not valid JSON` })
    return
  }

  const parsed = channels[channel].input.safeParse(raw)
  if (!parsed.success) {
    sendReply(res, 200, { ok: false, error: badInput(channel, parsed.error) })
    return
  }

  try {
    // The map from channel to input type is lost through the dynamic lookup; the schema above is what guarantees it.
    const value: unknown = await engine.invoke(channel, parsed.data as never, HTTP_CALLER)
    if (value instanceof Uint8Array) sendFrame(res, value)
    else sendReply(res, 200, { ok: true, value })
  } catch (err) {
    sendReply(res, 200, { ok: false, error: serializeError(err) })
  }
}

/** The first few problems and how many there were: a body of a million bad entries gets a reply of a few KB. */
export function badInput(channel: string, error: z.ZodError): SerializedError {
  const summary = summarizeIssues(error)
  return {
    code: 'BAD_INPUT',
    message: `Invalid input for ${channel} — ${summary.text}`,
    details: { fields: summary.issues.map((i) => i.path), issues: summary.issues, issueCount: summary.total },
  }
}
