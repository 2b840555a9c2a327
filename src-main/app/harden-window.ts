import { dialog, shell, type BrowserWindow } from 'electron'
import { mayOpenExternally } from './external-links'

/**
 * The window never leaves our own pages: navigations and redirects elsewhere are cancelled, no new windows or
 * <webview>s open, and allow-listed documentation links go to the user's browser after they confirm.
 */
export function hardenWindow(win: BrowserWindow, isTrustedUrl: (url: string) => boolean): void {
  const wc = win.webContents
  wc.on('will-navigate', (event) => {
    if (!isTrustedUrl(event.url)) event.preventDefault()
  })
  wc.on('will-redirect', (event) => {
    if (!isTrustedUrl(event.url)) event.preventDefault()
  })
  wc.on('will-attach-webview', (event) => event.preventDefault())
  wc.setWindowOpenHandler(({ url }) => {
    if (mayOpenExternally(url)) void confirmAndOpenExternally(win, url)
    return { action: 'deny' }
  })
}

/** Asks first: a page could otherwise open links without the user's knowledge. Resolves to whether it opened. */
export async function confirmAndOpenExternally(win: BrowserWindow, url: string): Promise<boolean> {
  if (!mayOpenExternally(url)) return false
  const { response } = await dialog.showMessageBox(win, {
    type: 'question',
    buttons: ['Open in browser', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message: 'Open this link in your web browser?',
    detail: url,
  })
  if (response !== 0) return false
  await shell.openExternal(url)
  return true
}
