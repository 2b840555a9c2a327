import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { BRIDGE_EVENT, BRIDGE_INVOKE, BRIDGE_PICK_FILE, BRIDGE_PICK_FOLDER, type PickedFile } from '../contract/bridge'
import { parseChannelInput, requireChannel, type Caller, type Reply } from '../contract'
import path from 'node:path'
import type { EngineApi } from '../engine/api'
import { EmbedMapError, serializeError } from '../errors'

/** The renderer's requests are what a page sent: paths in them are not trusted (see FileAccess). */
const IPC_CALLER: Caller = { door: 'ipc' }

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
      const value = await engine.invoke(name, parseChannelInput(name, input), IPC_CALLER)
      return { ok: true, value }
    } catch (err) {
      return { ok: false, error: serializeError(err) }
    }
  })

  ipcMain.handle(BRIDGE_PICK_FILE, async (event): Promise<PickedFile | null> => {
    checkSender(event)
    const r = await dialog.showOpenDialog(window, {
      title: 'Import a dataset',
      properties: ['openFile'],
      filters: [
        { name: 'Tables', extensions: ['csv', 'tsv', 'txt', 'jsonl', 'ndjson', 'parquet', 'arrow', 'feather'] },
        { name: 'All files', extensions: ['*'] },
      ],
    })
    const file = r.canceled ? undefined : r.filePaths[0]
    // The renderer gets a handle for the one file the user picked, never a path it could swap for another.
    return file ? { handle: engine.grantFile(file, 'file'), name: path.basename(file) } : null
  })

  ipcMain.handle(BRIDGE_PICK_FOLDER, async (event): Promise<PickedFile | null> => {
    checkSender(event)
    const r = await dialog.showOpenDialog(window, { title: 'Add a model folder (model.onnx + tokenizer.json)', properties: ['openDirectory'] })
    const dir = r.canceled ? undefined : r.filePaths[0]
    return dir ? { handle: engine.grantFile(dir, 'folder'), name: path.basename(dir) } : null
  })

  const unsubscribe = engine.subscribe((event) => {
    if (!window.isDestroyed()) window.webContents.send(BRIDGE_EVENT, event)
  })

  return () => {
    unsubscribe()
    ipcMain.removeHandler(BRIDGE_INVOKE)
    ipcMain.removeHandler(BRIDGE_PICK_FILE)
    ipcMain.removeHandler(BRIDGE_PICK_FOLDER)
  }
}
