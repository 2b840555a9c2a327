import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import { channels, isChannelName, MAX_EXPORT_ROWS, type Caller, type ChannelName } from '../contract'

/** Browser mode: a request body is what a page (or anything holding the token) chose to send. */
const HTTP_CALLER: Caller = { door: 'http' }
import type { EngineApi } from '../engine/api'
import { serializeError, type SerializedError } from '../errors'
import { BodyTooLargeError, readBody, sendError, sendFrame, sendReply } from './http-util'

/** API inputs are small JSON objects; anything bigger is a mistake or an attack. Files go through /api/upload. */
const MAX_INVOKE_BODY = 1024 * 1024

/**
 * The one exception: exporting a selection sends its row numbers, up to MAX_EXPORT_ROWS of them (at most 8 digits
 * and a comma each, plus the other fields). The channel's schema still checks every number after parsing.
 */
const BODY_LIMITS: Partial<Record<ChannelName, number>> = {
  'export.start': MAX_EXPORT_ROWS * 9 + 64 * 1024,
}

export function maxInvokeBody(channel: ChannelName): number {
  return BODY_LIMITS[channel] ?? MAX_INVOKE_BODY
}

/**
 * `POST /api/invoke/:channel` — parse the body with the channel's input schema, call the engine, reply with the envelope
 * (or, for binary channels such as analysis.points, with the frame's bytes as application/octet-stream).
 */
export async function handleInvoke(engine: EngineApi, channel: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isChannelName(channel)) {
    sendError(res, 404, { code: 'NOT_FOUND', message: `Unknown channel "${channel}"` })
    return
  }

  let raw: unknown
  try {
    const body = await readBody(req, maxInvokeBody(channel))
    const text = body.toString('utf8').trim()
    raw = text === '' ? {} : JSON.parse(text)
  } catch (err) {
    const status = err instanceof BodyTooLargeError ? 413 : 200
    sendError(res, status, {
      code: 'BAD_INPUT',
      message: err instanceof BodyTooLargeError ? err.message : `The body of ${channel} is not valid JSON`,
    })
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

export function badInput(channel: string, error: z.ZodError): SerializedError {
  const issues = error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(input)', message: i.message }))
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ')
  return {
    code: 'BAD_INPUT',
    message: `Invalid input for ${channel} — ${summary}`,
    details: { fields: issues.map((i) => i.path), issues },
  }
}
