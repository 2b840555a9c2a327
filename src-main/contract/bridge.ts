import type { ChannelName, EngineEvent, Reply } from './channels'

/**
 * What the Electron preload exposes on `window.embedmap` (contextBridge). The browser-mode client
 * implements the same calls over HTTP/WebSocket, so features never know which door they came through.
 */
export interface EmbedMapBridge {
  invoke(channel: ChannelName, input: unknown): Promise<Reply<unknown>>
  /** Returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void
  /**
   * Native file dialog; resolves to a one-file handle for the chosen file (pass it where a path is asked for) and
   * the file's name to show, or null when the user cancels.
   */
  pickFile(): Promise<PickedFile | null>
  /** Native folder dialog (a model folder), answered the same way. */
  pickFolder(): Promise<PickedFile | null>
}

export interface PickedFile {
  handle: string
  name: string
}

/** Preload ↔ main channel names that are not engine calls. */
export const BRIDGE_INVOKE = 'embedmap:invoke'
export const BRIDGE_EVENT = 'embedmap:event'
export const BRIDGE_PICK_FILE = 'embedmap:pick-file'
export const BRIDGE_PICK_FOLDER = 'embedmap:pick-folder'
