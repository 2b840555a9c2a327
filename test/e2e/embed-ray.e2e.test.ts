import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/infinity-server'
import { realModel } from '../helpers/real-models'
import { launchBrowser, type Browser } from './support/browser'
import { startServe, type ServeProcess } from './support/cli'
import { agNewsHead, cliWorkspace } from './support/cli-workspace'
import { artifactsDir } from './support/paths'
import { ensureRendererBuilt } from './support/renderer'
import { openDataset, showEmbedPanel } from './support/workspace-ui'

/**
 * The Embed panel's "On a Ray cluster" choice: the address field, the button that says where the model runs, and a
 * cluster that is not there answered with the job's clear message (the real-cluster runs are in
 * test/integration/ray-embed.test.ts; starting Ray here too would double this file's time on 2 cores).
 */
const ROWS = 40

let tmp: string
let serve: ServeProcess | undefined
let browser: Browser | undefined
let modelId: string

beforeAll(async () => {
  const w = cliWorkspace('ray')
  tmp = w.tmp
  w.cli(['import', agNewsHead(path.join(tmp, 'news.csv'), ROWS), '--text-column', 'text'])
  modelId = JSON.parse(w.cli(['models', 'add', realModel('all-MiniLM-L6-v2'), '--name', 'minilm', '--json'])).id
  await ensureRendererBuilt()
  serve = await startServe(w.db, 60_000)
  browser = await launchBrowser()
}, 400_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

describe('browser mode: embed on a Ray cluster', () => {
  it('offers the Ray engine with its address and says clearly when no cluster answers', async () => {
    const { page, problems } = browser!
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(serve!.url)
    await openDataset(page, 1)
    await showEmbedPanel(page)
    await page.getByTestId('model-select').selectOption(modelId)
    await page.getByTestId('engine-ray').check()
    const closed = await freePort()
    await page.getByTestId('ray-address').fill(`http://127.0.0.1:${closed}`)
    await page.getByTestId('embed-map-after').uncheck()
    expect(await page.getByTestId('embed-start').textContent()).toBe(`Embed ${ROWS} rows with minilm on Ray`)
    await page.screenshot({ path: path.join(artifactsDir, 'embed-ray-1440.png') })

    await page.getByTestId('embed-start').click()
    const job = page.locator('[data-testid="embed-job"][data-job-state="failed"]')
    await job.waitFor({ timeout: 90_000 })
    expect(await job.textContent()).toMatch(new RegExp(`No Ray cluster answers at http://127\\.0\\.0\\.1:${closed}: connection refused`))
    await page.screenshot({ path: path.join(artifactsDir, 'embed-ray-refused-1440.png') })
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.getByTestId('embed-engine').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(artifactsDir, 'embed-ray-1280.png') })
    expect(problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([])
  }, 240_000)
})
