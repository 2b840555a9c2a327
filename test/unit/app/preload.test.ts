import { afterEach, expect, it, vi } from 'vitest'
import { electron, resetElectronMock } from '../../helpers/electron-mock'

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electron)

const savedArgv = process.argv

/** Runs the preload afresh in a page at `href`, with `args` on its command line; returns whether it exposed the bridge. */
async function preloadIn(href: string, args: string[] = []): Promise<boolean> {
  resetElectronMock()
  vi.stubGlobal('location', { href })
  process.argv = [...savedArgv, ...args]
  vi.resetModules()
  await import('../../../src-main/preload')
  return electron.contextBridge.exposeInMainWorld.mock.calls.some(([name]) => name === 'embedmap')
}

afterEach(() => {
  vi.unstubAllGlobals()
  process.argv = savedArgv
})

it('exposes the bridge to the app page', async () => {
  expect(await preloadIn('app://embedmap/index.html')).toBe(true)
})

it('exposes nothing to any other page', async () => {
  expect(await preloadIn('https://evil.example/')).toBe(false)
  expect(await preloadIn('file:///tmp/index.html')).toBe(false)
  expect(await preloadIn('http://localhost:5173/')).toBe(false)
})

it('exposes the bridge to the dev server only when main named its origin', async () => {
  expect(await preloadIn('http://localhost:5173/', ['--embedmap-dev-origin=http://localhost:5173'])).toBe(true)
  expect(await preloadIn('http://localhost:5173.evil.example/', ['--embedmap-dev-origin=http://localhost:5173'])).toBe(false)
})
