import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { EngineApi } from '../engine/api'
import { WS_PROTOCOL } from './security'

/** A client that stops reading gets dropped instead of growing our send buffer without bound. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024
const PING_INTERVAL_MS = 30_000

/**
 * `GET /api/events` as a WebSocket: every EngineEvent goes to every open socket as one JSON text frame.
 * Authentication happens before `handleUpgrade` is called; this module only fans out.
 */
export function createEventHub(engine: EngineApi) {
  const wss = new WebSocketServer({
    noServer: true,
    // Clients only listen; a small cap stops anyone from pushing large frames at us.
    maxPayload: 64 * 1024,
    // Never echo the token protocol back: select the plain one.
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  })
  const sockets = new Set<WebSocket>()
  const alive = new WeakMap<WebSocket, boolean>()

  const unsubscribe = engine.subscribe((event) => {
    if (sockets.size === 0) return
    const data = JSON.stringify(event)
    for (const ws of sockets) {
      if (ws.readyState !== ws.OPEN) continue
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.terminate()
        continue
      }
      ws.send(data)
    }
  })

  const pinger = setInterval(() => {
    for (const ws of sockets) {
      if (alive.get(ws) === false) {
        ws.terminate()
        continue
      }
      alive.set(ws, false)
      ws.ping()
    }
  }, PING_INTERVAL_MS)
  pinger.unref()

  return {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws)
        alive.set(ws, true)
        ws.on('pong', () => alive.set(ws, true))
        ws.on('message', () => {
          /* clients have nothing to say; ignore */
        })
        ws.on('close', () => sockets.delete(ws))
        ws.on('error', () => ws.terminate())
      })
    },
    get size(): number {
      return sockets.size
    },
    async close(): Promise<void> {
      clearInterval(pinger)
      unsubscribe()
      for (const ws of sockets) ws.terminate()
      sockets.clear()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}
