import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { electron, resetElectronMock } from '../../helpers/electron-mock'

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electron)

const { appProtocolHandler, registerAppScheme, serveAppProtocol } = await import('../../../src-main/app/app-protocol')

let dir: string
let root: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-app-protocol-'))
  root = path.join(dir, 'renderer')
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true })
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>EmbedMap</title>')
  fs.writeFileSync(path.join(root, 'assets', 'app-1.js'), 'console.log(1)')
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'TOP SECRET')
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'link.txt'))
})

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const get = (url: string, method = 'GET') => appProtocolHandler(root)(new Request(url, { method }))

describe('app:// protocol', () => {
  it('is registered as a standard, secure scheme and handled by the renderer folder', () => {
    resetElectronMock()
    registerAppScheme(electron.protocol)
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ])
    serveAppProtocol(electron.protocol, root)
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function))
  })

  it('serves the built files with their content type', async () => {
    const index = await get('app://embedmap/')
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await index.text()).toContain('<title>EmbedMap</title>')
    const js = await get('app://embedmap/assets/app-1.js')
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(await js.text()).toBe('console.log(1)')
  })

  it('never serves a file outside the renderer folder', async () => {
    for (const url of [
      'app://embedmap/../secret.txt',
      'app://embedmap/%2e%2e/secret.txt',
      'app://embedmap/link.txt',
      'app://embedmap/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    ]) {
      const r = await get(url)
      expect(r.status, url).toBeGreaterThanOrEqual(400)
      expect(await r.text(), url).not.toContain('TOP SECRET')
    }
    expect((await get('app://embedmap/a%5c..%5c..%5csecret.txt')).status).toBe(400)
    expect((await get('app://embedmap/%E0%A4%A')).status).toBe(400)
  })

  it('answers only its own host and only reads', async () => {
    expect((await get('app://other/index.html')).status).toBe(404)
    expect((await get('app://embedmap/index.html', 'POST')).status).toBe(405)
    expect((await get('app://embedmap/missing.js')).status).toBe(404)
  })
})
