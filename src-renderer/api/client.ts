import type { ChannelInput, ChannelName, ChannelOutput, EngineEvent } from '../../src-main/contract'
import { electronTransport } from './electron'
import { ApiError } from './errors'
import { httpTransport } from './http'
import { takeToken } from './token'
import type { FileSource, Transport } from './types'

/** Electron's preload exposes `window.embedmap`; anything else is browser mode talking to `embedmap serve`. */
function createTransport(): Transport | null {
  if (window.embedmap) return electronTransport(window.embedmap)
  const token = takeToken()
  return token ? httpTransport(token) : null
}

const transport = createTransport()

/** False in browser mode when the page was opened without `#token=…`; the app then explains what to do. */
export const hasTransport = transport !== null

function need(): Transport {
  if (!transport) {
    throw new ApiError({
      code: 'BAD_INPUT',
      message: 'This page has no access token.',
      hint: 'Open the address printed by `embedmap serve` (it ends with #token=…).',
    })
  }
  return transport
}

export const mode: 'electron' | 'browser' = transport?.mode ?? 'browser'

/** Calls one contract channel; resolves to its output or throws an ApiError (code, message, hint). */
export async function invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const reply = await need().invoke(channel, input)
  if (!reply.ok) throw new ApiError(reply.error)
  return reply.value as ChannelOutput<C>
}

export function onEvent(listener: (event: EngineEvent) => void): () => void {
  return transport ? transport.onEvent(listener) : () => {}
}

export function onConnectionChange(listener: (connected: boolean) => void): () => void {
  return transport ? transport.onConnectionChange(listener) : () => {}
}

export function fileSource(): FileSource {
  return need().files
}
