import { vi } from 'vitest'

// A stand-in for the parts of Electron that the main process uses (Electron's binary cannot run in these tests).
// Use it from a test with: vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electron)
// and call resetElectronMock() before each test.

type Listener = (...args: any[]) => unknown

class FakeEmitter {
  listeners = new Map<string, Listener[]>()
  on(event: string, fn: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn])
    return this
  }
  once(event: string, fn: Listener) {
    return this.on(event, fn)
  }
  emit(event: string, ...args: unknown[]) {
    for (const fn of this.listeners.get(event) ?? []) fn(...args)
  }
}

let nextId = 1

export type FakeBrowserWindow = FakeBrowserWindowClass

export class FakeWebContents extends FakeEmitter {
  id = nextId++
  windowOpenHandler?: (details: { url: string }) => { action: string }
  send = vi.fn()
  getURL = vi.fn(() => '')
  setWindowOpenHandler(fn: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = fn
  }
}

class FakeBrowserWindowClass extends FakeEmitter {
  static windows: FakeBrowserWindowClass[] = []
  static getAllWindows() {
    return FakeBrowserWindowClass.windows
  }
  webContents = new FakeWebContents()
  show = vi.fn()
  loadURL = vi.fn(async (_url: string) => {})
  loadFile = vi.fn(async (_file: string) => {})
  constructor(public options: unknown) {
    super()
    FakeBrowserWindowClass.windows.push(this)
  }
  isDestroyed() {
    return false
  }
}

/** A navigation-style event: Electron ≥ 25 passes details with `url` and `preventDefault`. */
export function fakeNavigationEvent(url: string) {
  return {
    url,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true
    },
  }
}

function build() {
  const ipcHandlers = new Map<string, Listener>()
  return {
    app: Object.assign(new FakeEmitter(), {
      isPackaged: false,
      whenReady: vi.fn(() => Promise.resolve()),
      quit: vi.fn(),
      exit: vi.fn(),
    }),
    BrowserWindow: FakeBrowserWindowClass,
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: {
      defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() },
    },
    shell: { openExternal: vi.fn(async (_url: string) => {}) },
    dialog: {
      showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 1, checkboxChecked: false })),
      showErrorBox: vi.fn(),
      showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] as string[] })),
    },
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: { invoke: vi.fn(async (..._args: unknown[]) => undefined as unknown), on: vi.fn(), off: vi.fn() },
    ipcMain: {
      handlers: ipcHandlers,
      handle: vi.fn((channel: string, fn: Listener) => void ipcHandlers.set(channel, fn)),
      removeHandler: vi.fn((channel: string) => void ipcHandlers.delete(channel)),
    },
  }
}

/**
 * The mocked module. Its objects stay the same for the whole test file (imports bind to them, and vi.resetModules
 * would otherwise give a re-imported main.ts a second copy of this helper); reset clears their state.
 */
const shared = globalThis as { __embedmapElectronMock?: ReturnType<typeof build> }
export const electron = (shared.__embedmapElectronMock ??= build())
export const FakeBrowserWindow = electron.BrowserWindow

export function resetElectronMock(): void {
  const fresh = build()
  vi.clearAllMocks()
  electron.app.listeners.clear()
  electron.app.isPackaged = false
  electron.ipcMain.handlers.clear()
  electron.dialog.showMessageBox.mockImplementation(fresh.dialog.showMessageBox.getMockImplementation()!)
  electron.dialog.showOpenDialog.mockImplementation(fresh.dialog.showOpenDialog.getMockImplementation()!)
  electron.BrowserWindow.windows = []
}
