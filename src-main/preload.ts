import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { BRIDGE_EVENT, BRIDGE_INVOKE, BRIDGE_PICK_FILE, BRIDGE_PICK_FOLDER, type EmbedMapBridge } from './contract/bridge'
import { CHANNEL_NAMES } from './contract/channel-names'
import { DEV_ORIGIN_ARG, isTrustedRendererUrl } from './app/trusted-origin'

// The renderer gets these four functions and nothing else: no ipcRenderer, no Node.
const known = new Set<string>(CHANNEL_NAMES)

const bridge: EmbedMapBridge = {
  invoke(channel, input) {
    if (!known.has(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: `Unknown channel '${String(channel)}'.` } })
    }
    return ipcRenderer.invoke(BRIDGE_INVOKE, channel, input)
  },
  onEvent(listener) {
    const wrapped = (_e: IpcRendererEvent, event: Parameters<typeof listener>[0]) => listener(event)
    ipcRenderer.on(BRIDGE_EVENT, wrapped)
    return () => ipcRenderer.off(BRIDGE_EVENT, wrapped)
  },
  pickFile() {
    return ipcRenderer.invoke(BRIDGE_PICK_FILE)
  },
  pickFolder() {
    return ipcRenderer.invoke(BRIDGE_PICK_FOLDER)
  },
}

// Only our own page gets the bridge (main checks every call too): if the window ever showed another page, it
// would find no window.embedmap at all.
const devOrigin = process.argv.find((a) => a.startsWith(DEV_ORIGIN_ARG))?.slice(DEV_ORIGIN_ARG.length)
if (isTrustedRendererUrl(globalThis.location?.href ?? '', devOrigin)) contextBridge.exposeInMainWorld('embedmap', bridge)
