import { app, BrowserWindow, shell } from 'electron'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createEngine, type Engine } from '../engine/engine'
import { serializeError } from '../errors'
import { bindEngine } from '../ipc/bind-engine'
import { resolveDbPath } from '../paths'

// The only module that touches Electron's lifecycle and windows; the engine knows nothing of it.
const here = path.dirname(fileURLToPath(import.meta.url))
const preloadPath = path.join(here, '../preload/index.cjs')
const rendererIndex = path.join(here, '../renderer/index.html')
const devUrl = process.env.ELECTRON_RENDERER_URL

let engine: Engine | undefined

function isTrustedUrl(url: string): boolean {
  if (devUrl) return url.startsWith(devUrl)
  return url.startsWith(pathToFileURL(rendererIndex).href)
}

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
    },
  })
  bindEngine(engine!, win, isTrustedUrl)
  // No navigation away from the app and no new windows; links open in the user's browser.
  win.webContents.on('will-navigate', (e, url) => {
    if (!isTrustedUrl(url)) e.preventDefault()
  })
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.once('ready-to-show', () => win.show())
  if (devUrl) await win.loadURL(devUrl)
  else await win.loadFile(rendererIndex)
}

app.whenReady().then(async () => {
  try {
    engine = await createEngine({ dbPath: resolveDbPath(process.env.EMBEDMAP_DB), mode: 'electron', resumeInterrupted: true })
  } catch (err) {
    const e = serializeError(err)
    const { dialog } = await import('electron')
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
