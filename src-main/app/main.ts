import { app, BrowserWindow, dialog, protocol, session } from 'electron'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEngine, type Engine } from '../engine/engine'
import { serializeError } from '../errors'
import { bindEngine } from '../ipc/bind-engine'
import { resolveDbPath } from '../paths'
import { registerAppScheme, serveAppProtocol } from './app-protocol'
import { hardenSession } from './harden-session'
import { hardenWindow } from './harden-window'
import { APP_INDEX_URL, DEV_ORIGIN_ARG, devRendererOrigin, isTrustedRendererUrl } from './trusted-origin'

// The only module that touches Electron's lifecycle and windows; the engine knows nothing of it.
const here = path.dirname(fileURLToPath(import.meta.url))
const preloadPath = path.join(here, '../preload/index.cjs')
const rendererDir = path.join(here, '../renderer')
// electron-vite's dev server, honoured only when running unpackaged (see devRendererOrigin).
const devOrigin = devRendererOrigin(process.env.ELECTRON_RENDERER_URL, app.isPackaged)
const startUrl = devOrigin ? process.env.ELECTRON_RENDERER_URL! : APP_INDEX_URL
const isTrustedUrl = (url: string) => isTrustedRendererUrl(url, devOrigin)

let engine: Engine | undefined

// Custom schemes get their privileges only if registered before `ready`.
registerAppScheme(protocol)

async function createWindow(): Promise<void> {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'EmbedMap',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      // The preload exposes the bridge only to a trusted page; in development it must know the dev server's origin.
      additionalArguments: devOrigin ? [`${DEV_ORIGIN_ARG}${devOrigin}`] : [],
    },
  })
  bindEngine(engine!, win, isTrustedUrl)
  hardenWindow(win, isTrustedUrl)
  win.once('ready-to-show', () => win.show())
  await win.loadURL(startUrl)
}

app.whenReady().then(async () => {
  hardenSession(session.defaultSession)
  serveAppProtocol(protocol, rendererDir)
  try {
    engine = await createEngine({ dbPath: resolveDbPath(process.env.EMBEDMAP_DB), mode: 'electron', resumeInterrupted: true })
  } catch (err) {
    const e = serializeError(err)
    dialog.showErrorBox('EmbedMap cannot open its workspace', `${e.message}\n\n${e.hint ?? ''}`)
    app.exit(1)
    return
  }
  await createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

app.on('before-quit', async (e) => {
  if (!engine) return
  // Let workers leave their jobs resumable before the process goes away.
  e.preventDefault()
  const closing = engine
  engine = undefined
  await closing.close()
  app.quit()
})
