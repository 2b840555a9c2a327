import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startInfinity, type InfinityServer } from '../helpers/infinity-server'
import { realModel } from '../helpers/real-models'
import { launchBrowser, type Browser } from './support/browser'
import { startServe, type ServeProcess } from './support/cli'
import { agNewsHead, cliWorkspace } from './support/cli-workspace'
import { artifactsDir } from './support/paths'
import { ensureRendererBuilt } from './support/renderer'
import { openDataset, showEmbedPanel } from './support/workspace-ui'

/** The model picker's "Add embedding server" form against a real Infinity server on loopback. */
const ROWS = 60

let tmp: string
let server: InfinityServer | undefined
let serve: ServeProcess | undefined
let browser: Browser | undefined

beforeAll(async () => {
  const w = cliWorkspace('server')
  tmp = w.tmp
  w.cli(['import', agNewsHead(path.join(tmp, 'news.csv'), ROWS), '--text-column', 'text'])
  ;[server] = await Promise.all([startInfinity(realModel('all-MiniLM-L6-v2'), 'all-MiniLM-L6-v2'), ensureRendererBuilt()])
  serve = await startServe(w.db, 60_000)
  browser = await launchBrowser()
}, 400_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  await server?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

describe('browser mode: add an embedding server from the model picker', () => {
  it('refuses a server that is not there with a clear message, adds a real one, selects it and estimates before embedding', async () => {
    const { page, problems } = browser!
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(serve!.url)
    await openDataset(page, 1)
    await showEmbedPanel(page)

    await page.getByTestId('add-embedding-server').locator('summary').click()
    const closed = await freePort()
    await page.getByTestId('server-url').fill(`http://127.0.0.1:${closed}/v1`)
    await page.getByTestId('server-model').fill('all-MiniLM-L6-v2')
    await page.getByTestId('server-add').click()
    const error = page.getByTestId('add-embedding-server').getByRole('alert')
    await error.waitFor({ timeout: 60_000 })
    expect(await error.textContent()).toMatch(/connection refused by 127\.0\.0\.1:\d+ \(is the server running\?\)/)
    await page.screenshot({ path: path.join(artifactsDir, 'embed-server-refused-1440.png') })

    await page.getByTestId('server-url').fill(server!.url)
    await page.getByTestId('server-name').fill('minilm-server')
    await page.getByTestId('server-add').click()
    await page.getByTestId('model-select').locator('option[value="minilm-server"]').waitFor({ state: 'attached', timeout: 60_000 })
    await expect.poll(() => page.getByTestId('model-select').inputValue()).toBe('minilm-server')
    expect(await page.getByTestId('model-availability').textContent()).toBe('embedding server')
    expect(await page.getByTestId('model-dims').textContent()).toBe('384')

    await page.getByTestId('remote-estimate-run').click()
    const result = page.getByTestId('remote-estimate-result')
    await result.waitFor({ timeout: 60_000 })
    expect(await result.textContent()).toMatch(
      /^60 of 60 rows to embed: ~[\d,]+ tokens \(characters ÷ 4\) in 1 request, about \d+ s \(measured \d+ texts\/s\)\.$/,
    )
    await page.screenshot({ path: path.join(artifactsDir, 'embed-server-1440.png') })
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.getByTestId('remote-estimate').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(artifactsDir, 'embed-server-1280.png') })
    // The refused server's answer is the one expected failure (an HTTP error from models.addRemote and its console line).
    expect(problems.filter((p) => !/addRemote|Failed to load resource/.test(p))).toEqual([])
  }, 240_000)
})
