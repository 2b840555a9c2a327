import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { BRIDGE_EVENT, BRIDGE_INVOKE, BRIDGE_PICK_FILE } from '../contract/bridge'
import { parseChannelInput, requireChannel, type Reply } from '../contract'
import type { EngineApi } from '../engine/api'
import { EmbedMapError, serializeError } from '../errors'

/**
 * Binds the contract to Electron IPC. Every call is checked twice: the sender must be our own
 * renderer page (main frame of our window, URL accepted by `isTrustedUrl` — see app/trusted-origin.ts),
 * and the input must parse with the channel's schema.
 */
export function bindEngine(engine: EngineApi, window: BrowserWindow, isTrustedUrl: (url: string) => boolean): () => void {
  const checkSender = (event: IpcMainInvokeEvent) => {
    const frame = event.senderFrame
    const url = frame?.url ?? ''
    // Only the top frame: an iframe of another origin inside our page must not reach the engine.
    const isMainFrame = !!frame && frame.parent === null
    if (event.sender.id !== window.webContents.id || !isMainFrame || !isTrustedUrl(url)) {
      throw new EmbedMapError('BAD_INPUT', `Refused an IPC call from an untrusted page (${url || 'unknown'}).`)
    }
  }

  ipcMain.handle(BRIDGE_INVOKE, async (event, channel: unknown, input: unknown): Promise<Reply<unknown>> => {
    try {
      checkSender(event)
      const name = requireChannel(channel)
      const value = await engine.invoke(name, parseChannelInput(name, input))
      return { ok: true, value }
    } catch (err) {
      return { ok: false, error: serializeError(err) }
    }
  })

  ipcMain.handle(BRIDGE_PICK_FILE, async (event) => {
    checkSender(event)
    const r = await dialog.showOpenDialog(window, {
      title: 'Import a dataset',
      properties: ['openFile'],
      filters: [
        { name: 'Tables', extensions: ['csv', 'tsv', 'txt', 'jsonl', 'ndjson'] },
        { name: 'All files', extensions: ['*'] },
      ],
    })
    return r.canceled ? null : (r.filePaths[0] ?? null)
  })

  const unsubscribe = engine.subscribe((event) => {
    if (!window.isDestroyed()) window.webContents.send(BRIDGE_EVENT, event)
  })

  return () => {
    unsubscribe()
    ipcMain.removeHandler(BRIDGE_INVOKE)
    ipcMain.removeHandler(BRIDGE_PICK_FILE)
  }
}
