import type { ChannelName, EngineEvent, Reply } from '../../src-main/contract'
import type { PickedFile } from '../../src-main/contract/bridge'

export type SerializedError = Extract<Reply<unknown>, { ok: false }>['error']

export interface UploadResult {
  path: string
  name: string
  bytes: number
}

export interface UploadProgress {
  loaded: number
  total: number
}

/** How the user hands us a file: a native dialog that yields a one-file handle (Electron), or an upload (browser mode). */
export type FileSource =
  | { kind: 'native'; pick(): Promise<PickedFile | null>; pickFolder(): Promise<PickedFile | null> }
  | {
      kind: 'upload'
      upload(file: File, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<UploadResult>
    }

/** One door to the engine. Features never see which one; `mode` is only for display. */
export interface Transport {
  mode: 'electron' | 'browser'
  invoke(channel: ChannelName, input: unknown): Promise<Reply<unknown>>
  onEvent(listener: (event: EngineEvent) => void): () => void
  /** Live connection state (browser mode reconnects its event socket); Electron is always connected. */
  onConnectionChange(listener: (connected: boolean) => void): () => void
  files: FileSource
}
