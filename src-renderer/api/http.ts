import type { ChannelName, EngineEvent, Reply } from '../../src-main/contract'
import { FRAME_CONTENT_TYPE } from '../../src-main/contract/binary-frame'
import { ApiError } from './errors'
import type { Transport, UploadProgress, UploadResult } from './types'

const UNREACHABLE = {
  code: 'INTERNAL',
  message: 'Cannot reach the EmbedMap server.',
  hint: 'Is `embedmap serve` still running? Start it again and open the address it prints.',
} as const

const BAD_TOKEN = {
  code: 'BAD_INPUT',
  message: 'This page has no valid access token.',
  hint: 'Open the address printed by `embedmap serve` (it ends with #token=…). Each launch has a new token.',
} as const

/** Browser mode: the contract over `POST /api/invoke/:channel`, events over a WebSocket, files by upload. */
export function httpTransport(token: string): Transport {
  const auth = { Authorization: `Bearer ${token}` }
  const events = eventSocket(token)

  async function invoke(channel: ChannelName, input: unknown): Promise<Reply<unknown>> {
    let res: Response
    try {
      res = await fetch(`/api/invoke/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      })
    } catch {
      return { ok: false, error: UNREACHABLE }
    }
    if (res.status === 401) return { ok: false, error: BAD_TOKEN }
    // Binary channels answer with the frame's bytes; errors always come as JSON.
    if (res.ok && res.headers.get('Content-Type') === FRAME_CONTENT_TYPE) {
      try {
        return { ok: true, value: new Uint8Array(await res.arrayBuffer()) }
      } catch {
        return { ok: false, error: UNREACHABLE }
      }
    }
    const body = (await res.json().catch(() => null)) as Reply<unknown> | null
    if (body && typeof body === 'object' && 'ok' in body) return body
    return { ok: false, error: { code: 'INTERNAL', message: `The server answered ${res.status} ${res.statusText}` } }
  }

  function upload(file: File, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<UploadResult> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      xhr.open('POST', `/api/upload?name=${encodeURIComponent(file.name)}`)
      xhr.setRequestHeader('Authorization', auth.Authorization)
      xhr.setRequestHeader('Content-Type', 'application/octet-stream')
      xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size })
      xhr.onerror = () => reject(new ApiError(UNREACHABLE))
      xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'))
      xhr.onload = () => {
        if (xhr.status === 401) return reject(new ApiError(BAD_TOKEN))
        let body: Reply<UploadResult> | null = null
        try {
          body = JSON.parse(xhr.responseText) as Reply<UploadResult>
        } catch {
          /* handled below */
        }
        if (body?.ok) resolve(body.value)
        else reject(new ApiError(body?.error ?? { code: 'INTERNAL', message: `The upload failed (HTTP ${xhr.status})` }))
      }
      signal?.addEventListener('abort', () => xhr.abort(), { once: true })
      // Sending the File lets the browser stream it from disk: nothing is read into memory here.
      xhr.send(file)
    })
  }

  return {
    mode: 'browser',
    invoke,
    onEvent: events.onEvent,
    onConnectionChange: events.onConnectionChange,
    files: { kind: 'upload', upload },
  }
}

/**
 * One shared WebSocket for all listeners, opened lazily and reopened with backoff. After a reconnect we emit a
 * `datasets.changed` so views refetch whatever they may have missed while the socket was down.
 */
function eventSocket(token: string) {
  const listeners = new Set<(e: EngineEvent) => void>()
  const connectionListeners = new Set<(connected: boolean) => void>()
  let ws: WebSocket | null = null
  let connected = false
  let wasConnected = false
  let retryMs = 500
  let timer: ReturnType<typeof setTimeout> | undefined

  function setConnected(value: boolean) {
    if (connected === value) return
    connected = value
    for (const l of connectionListeners) l(value)
  }

  function open() {
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
    // Browsers cannot set headers on a WebSocket: the token rides as a subprotocol, which stays out of URLs and logs.
    ws = new WebSocket(`${proto}//${window.location.host}/api/events`, ['embedmap', `token.${token}`])
    ws.onopen = () => {
      retryMs = 500
      setConnected(true)
      if (wasConnected) for (const l of listeners) l({ type: 'datasets.changed' })
      wasConnected = true
    }
    ws.onmessage = (msg) => {
      let event: EngineEvent
      try {
        event = JSON.parse(String(msg.data)) as EngineEvent
      } catch {
        return
      }
      for (const l of listeners) l(event)
    }
    ws.onclose = () => {
      ws = null
      setConnected(false)
      if (listeners.size === 0 && connectionListeners.size === 0) return
      timer = setTimeout(() => {
        timer = undefined
        open()
      }, retryMs)
      retryMs = Math.min(retryMs * 2, 5000)
    }
  }

  function ensureOpen() {
    // Either a socket exists or a reconnect is already scheduled.
    if (!ws && timer === undefined) open()
  }

  return {
    onEvent(listener: (e: EngineEvent) => void) {
      listeners.add(listener)
      ensureOpen()
      return () => {
        listeners.delete(listener)
      }
    },
    onConnectionChange(listener: (connected: boolean) => void) {
      connectionListeners.add(listener)
      listener(connected)
      ensureOpen()
      return () => {
        connectionListeners.delete(listener)
      }
    },
  }
}
