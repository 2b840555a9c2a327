import type { Caller, ChannelName, ChannelOutput, ChannelParsedInput, EngineEvent } from '../contract'

/**
 * What every front door (Electron IPC, the browser-mode server, the CLI) needs from the engine:
 * call a contract channel with an already-validated input, and hear about changes.
 */
export interface EngineApi {
  invoke<C extends ChannelName>(channel: C, input: ChannelParsedInput<C>, caller: Caller): Promise<ChannelOutput<C>>
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void
  /** Where browser-mode uploads are stored before they are imported. */
  readonly uploadsDir: string
  /** Where exports with a relative destination are written; browser mode serves downloads from here. */
  readonly exportsDir: string
  readonly dbPath: string
  /** A one-file handle for a path the user picked in a native dialog (Electron); see FileAccess. */
  grantFile(file: string, kind: 'file' | 'folder'): string
  close(): Promise<void>
}
