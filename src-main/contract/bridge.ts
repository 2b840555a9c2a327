import type { ChannelName, EngineEvent, Reply } from './channels'

/**
 * What the Electron preload exposes on `window.embedmap` (contextBridge). The browser-mode client
 * implements the same calls over HTTP/WebSocket, so features never know which door they came through.
 */
export interface EmbedMapBridge {
  invoke(channel: ChannelName, input: unknown): Promise<Reply<unknown>>
  /** Returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void
  /** Native file dialog; resolves to the chosen path, or null when the user cancels. */
  pickFile(): Promise<string | null>
}

/** Preload ↔ main channel names that are not engine calls. */
export const BRIDGE_INVOKE = 'embedmap:invoke'
export const BRIDGE_EVENT = 'embedmap:event'
export const BRIDGE_PICK_FILE = 'embedmap:pick-file'
