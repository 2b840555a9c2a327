import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BRIDGE_INVOKE } from '../../../src-main/contract/bridge'
import { electron, fakeNavigationEvent, FakeBrowserWindow, resetElectronMock } from '../../helpers/electron-mock'

// The Electron entry point against a mocked Electron and engine: one test per item of the security checklist.
vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electron)
vi.mock('../../../src-main/engine/engine', () => ({
  createEngine: vi.fn(async () => ({ subscribe: () => () => {}, invoke: vi.fn(async () => 'ok'), close: vi.fn(async () => {}) })),
}))

const flush = () => new Promise((r) => setTimeout(r, 0))

/** Loads main.ts afresh with this environment and waits until its window is created. */
async function startMain(opts: { isPackaged: boolean; rendererUrl?: string }) {
  resetElectronMock()
  electron.app.isPackaged = opts.isPackaged
  if (opts.rendererUrl === undefined) delete process.env.ELECTRON_RENDERER_URL
  else process.env.ELECTRON_RENDERER_URL = opts.rendererUrl
  vi.resetModules()
  await import('../../../src-main/app/main')
  for (let i = 0; i < 10 && FakeBrowserWindow.windows.length === 0; i++) await flush()
  const win = FakeBrowserWindow.windows[0]
  if (!win) throw new Error(`main.ts created no window ${JSON.stringify(electron.dialog.showErrorBox.mock.calls)}`)
  await flush()
  return win
}

/** Calls the IPC bridge as a frame at `url` of `win` would. */
function invokeFrom(win: FakeBrowserWindow, url: string, parent: unknown = null) {
  const handler = electron.ipcMain.handlers.get(BRIDGE_INVOKE)!
  return handler({ sender: { id: win.webContents.id }, senderFrame: { url, parent } }, 'datasets.list', {}) as Promise<{ ok: boolean }>
}

const webPreferences = (win: FakeBrowserWindow) => (win.options as { webPreferences: Record<string, unknown> }).webPreferences

const savedUrl = process.env.ELECTRON_RENDERER_URL
beforeEach(() => delete process.env.ELECTRON_RENDERER_URL)
afterEach(() => {
  if (savedUrl === undefined) delete process.env.ELECTRON_RENDERER_URL
  else process.env.ELECTRON_RENDERER_URL = savedUrl
})

describe('main process hardening', () => {
  it('loads the app from app://embedmap/, registered as privileged before ready, not from file://', async () => {
    const win = await startMain({ isPackaged: true })
    expect(win.loadURL).toHaveBeenCalledWith('app://embedmap/index.html')
    expect(win.loadFile).not.toHaveBeenCalled()
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app' })])
    expect(electron.protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0]).toBeLessThan(electron.app.whenReady.mock.invocationCallOrder[0])
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function))
  })

  it('ignores ELECTRON_RENDERER_URL in a packaged app', async () => {
    const win = await startMain({ isPackaged: true, rendererUrl: 'https://evil.example/' })
    expect(win.loadURL).toHaveBeenCalledWith('app://embedmap/index.html')
    expect((await invokeFrom(win, 'https://evil.example/')).ok).toBe(false)
    expect(webPreferences(win)).toMatchObject({ additionalArguments: [], sandbox: true, contextIsolation: true, nodeIntegration: false })
  })

  it('uses the dev server in development and trusts exactly its origin', async () => {
    const win = await startMain({ isPackaged: false, rendererUrl: 'http://localhost:5173' })
    expect(win.loadURL).toHaveBeenCalledWith('http://localhost:5173')
    expect(webPreferences(win).additionalArguments).toEqual(['--embedmap-dev-origin=http://localhost:5173'])
    expect((await invokeFrom(win, 'http://localhost:5173/')).ok).toBe(true)
    expect((await invokeFrom(win, 'http://localhost:5173.evil.example/')).ok).toBe(false)
  })

  it('answers IPC only from the main frame of the app page', async () => {
    const win = await startMain({ isPackaged: true })
    expect((await invokeFrom(win, 'app://embedmap/index.html')).ok).toBe(true)
    expect((await invokeFrom(win, 'app://embedmap/index.html', { url: 'app://embedmap/index.html' })).ok).toBe(false)
    expect((await invokeFrom(win, 'file:///anything/index.html')).ok).toBe(false)
  })

  it('denies every permission request and check', async () => {
    await startMain({ isPackaged: true })
    const ses = electron.session.defaultSession
    const request = ses.setPermissionRequestHandler.mock.calls[0]?.[0] as (wc: unknown, p: string, cb: (ok: boolean) => void) => void
    const check = ses.setPermissionCheckHandler.mock.calls[0]?.[0] as (wc: unknown, p: string, origin: string) => boolean
    expect(request).toBeTypeOf('function')
    expect(check).toBeTypeOf('function')
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      const cb = vi.fn()
      request({ getURL: () => 'app://embedmap/index.html' }, permission, cb)
      expect(cb).toHaveBeenCalledWith(false)
      expect(check(null, permission, 'app://embedmap')).toBe(false)
    }
  })

  it('cancels navigations and redirects away from the app', async () => {
    const win = await startMain({ isPackaged: true })
    for (const event of ['will-navigate', 'will-redirect']) {
      const away = fakeNavigationEvent('https://evil.example/')
      win.webContents.emit(event, away, away.url)
      expect(away.defaultPrevented, event).toBe(true)
      const home = fakeNavigationEvent('app://embedmap/index.html')
      win.webContents.emit(event, home, home.url)
      expect(home.defaultPrevented, event).toBe(false)
    }
  })

  it('opens no window; only allow-listed https links go to the browser, after the user confirms', async () => {
    const win = await startMain({ isPackaged: true })
    const open = win.webContents.windowOpenHandler!
    for (const url of ['https://evil.example/', 'http://github.com/', 'file:///etc/passwd', 'smb://host/share']) {
      expect(open({ url }).action).toBe('deny')
    }
    await flush()
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled()
    expect(electron.shell.openExternal).not.toHaveBeenCalled()

    // The user cancels: nothing opens.
    expect(open({ url: 'https://github.com/embedmap' }).action).toBe('deny')
    await flush()
    expect(electron.dialog.showMessageBox).toHaveBeenCalledTimes(1)
    expect(electron.shell.openExternal).not.toHaveBeenCalled()

    // The user confirms: the browser opens it.
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false })
    open({ url: 'https://huggingface.co/models' })
    await flush()
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://huggingface.co/models')
  })
})
