import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { execFileSync } from 'node:child_process'
import dns from 'node:dns/promises'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTinyModel } from '../helpers/tiny-model'
import { launchBrowser, type Browser } from './support/browser'
import { showEmbedPanel } from './support/workspace-ui'
import { startServe, type ServeProcess } from './support/cli'
import { artifactsDir, repoRoot } from './support/paths'
import { ensureRendererBuilt } from './support/renderer'
import { sharedData } from '../helpers/tmp'

const SOURCE_CSV = path.join(sharedData, 'zh_thucnews_titles', 'thucnews_titles_test.csv')
const ROWS = 300
/** A catalog model that suits Chinese text and is never in the test's fresh model cache. */
const CATALOG_MODEL = 'bge-small-zh-v1.5'
const CLI = path.join(repoRoot, 'bin', 'embedmap.js')

let tmp: string
let serve: ServeProcess | undefined
let browser: Browser | undefined

/**
 * The download must fail the way it does offline. This machine is offline, so the real path is taken; where the
 * Hub's name resolves, the server gets a proxy that refuses connections, so the test never downloads a real model.
 */
async function offlineEnv(): Promise<Record<string, string>> {
  const online = await dns.lookup('huggingface.co').then(
    () => true,
    () => false,
  )
  if (!online) return {}
  const proxy = 'http://127.0.0.1:9'
  return { HTTPS_PROXY: proxy, https_proxy: proxy, HTTP_PROXY: proxy, http_proxy: proxy, NO_PROXY: '', no_proxy: '' }
}

beforeAll(async () => {
  await ensureRendererBuilt()
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-e2e-embed-'))
  fs.mkdirSync(artifactsDir, { recursive: true })
  const db = path.join(tmp, 'w.sqlite')
  // Catalog downloads go to a cache of the test's own: nothing is downloaded there, whatever this machine has.
  const env = { EMBEDMAP_CACHE: path.join(tmp, 'cache'), ...(await offlineEnv()) }

  // A small real CSV: the first 300 THUCNews titles.
  const records = parse(fs.readFileSync(SOURCE_CSV), { columns: true }) as Record<string, string>[]
  fs.writeFileSync(path.join(tmp, 'titles-300.csv'), stringify(records.slice(0, ROWS), { header: true }))

  // A tiny BERT-shaped model folder, registered with the real CLI as `tiny` before the server starts.
  writeTinyModel(path.join(tmp, 'tiny-model'))
  // A second one, added through the UI.
  writeTinyModel(path.join(tmp, 'tiny-model-2'), { seed: 7 })
  execFileSync(process.execPath, [CLI, 'models', 'add', path.join(tmp, 'tiny-model'), '--name', 'tiny', '--db', db], {
    cwd: repoRoot,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    encoding: 'utf8',
  })

  serve = await startServe(db, 60_000, env)
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

describe('browser mode: embed a dataset', () => {
  it('imports a CSV, embeds it with a local model, shows the set and where it ran; a missing model explains the download failure', async () => {
    const { page, problems } = browser!
    const s = serve!
    await page.goto(s.url)

    // Import 300 titles through the UI.
    await page.getByTestId('import-file-input').setInputFiles(path.join(tmp, 'titles-300.csv'))
    await page.getByTestId('import-preview').waitFor({ timeout: 30_000 })
    await page.getByTestId('import-start').click()
    const importJob = page.locator('[data-testid="jobs-panel"] [data-testid="job-item"][data-job-kind="import"]')
    await importJob
      .locator('xpath=self::*[@data-job-state="succeeded" or @data-job-state="failed" or @data-job-state="cancelled"]')
      .waitFor({ timeout: 120_000 })
    expect(await importJob.getAttribute('data-job-state'), s.output()).toBe('succeeded')
    await expect.poll(() => page.getByTestId('rows-count').textContent(), { timeout: 15_000 }).toBe('300 rows')

    // The Embed panel: the models, the dataset's language, the recommended and default marks.
    const panel = page.getByTestId('embed-panel')
    const select = panel.getByTestId('model-select')
    await select.waitFor({ timeout: 30_000 })
    expect(await panel.getByTestId('dataset-language').textContent()).toContain('zh')
    const groups = await select.locator('optgroup').evaluateAll((els) => els.map((e) => (e as HTMLOptGroupElement).label))
    expect(groups[0]).toBe('Recommended for this dataset (zh)')
    expect(groups).toContain('Local folders')
    // Nothing is downloaded, so the default multilingual model (it suits Chinese) is preselected.
    const details = panel.getByTestId('model-details')
    expect(await details.getAttribute('data-downloaded')).toBe('false')
    expect(await details.getByTestId('model-default').count()).toBe(1)
    expect(await details.getByTestId('model-recommended').textContent()).toContain('recommended for this dataset (zh)')
    expect(await details.getByTestId('model-size').textContent()).toMatch(/\d+ MB/)

    // Choose the local `tiny` model and embed.
    await select.selectOption('tiny')
    await expect.poll(() => details.getAttribute('data-model-id')).toBe('tiny')
    expect(await details.getByTestId('model-dims').textContent()).toBe('16')
    expect(await details.getByTestId('model-availability').textContent()).toBe('local folder')
    const embed = panel.getByTestId('embed-start')
    expect(await embed.textContent()).toBe('Embed 300 rows with tiny')
    await embed.click()

    const job = panel.getByTestId('embed-job')
    await job.locator('xpath=self::*[@data-job-state="succeeded" or @data-job-state="failed" or @data-job-state="cancelled"]').waitFor({ timeout: 120_000 })
    if ((await job.getAttribute('data-job-state')) !== 'succeeded')
      throw new Error(`The embed job did not succeed: ${await job.textContent()}\nServer output:\n${s.output()}`)
    expect(await job.getByTestId('job-done').textContent()).toBe('300 / 300 rows')

    // "Then map it" is ticked by default: the engine analyzes the new vectors and the map appears with no other click.
    expect(await panel.getByTestId('embed-map-after').isChecked()).toBe(true)
    await page.locator('[data-testid="map-canvas"][data-rendered="true"]').waitFor({ timeout: 120_000 })
    expect(await page.getByTestId('map-canvas').getAttribute('data-points')).toBe(String(ROWS))
    // With a map on screen the Embed panel folds into a drawer: open it again to read the embedding set.
    await showEmbedPanel(page)

    // The embedding set: model, vectors = rows, ready, and the provider that actually ran it.
    const set = panel.locator('[data-testid="embedding-set"][data-model-id="tiny"]')
    await set.waitFor({ timeout: 15_000 })
    await expect.poll(() => set.getAttribute('data-status'), { timeout: 15_000 }).toBe('ready')
    expect(await set.getAttribute('data-vector-count')).toBe(String(ROWS))
    expect(await set.getByTestId('embedding-set-vectors').textContent()).toBe('300 vectors')
    expect(await set.textContent()).toContain('16 dims')
    const provider = (await set.getByTestId('embedding-set-provider').textContent()) ?? ''
    expect(provider).toMatch(/^Ran on (CPU|CUDA|DirectML|Core ML)/)
    // Asked for auto: either it says auto, or the card marks a fallback and one note above the list says why.
    expect(provider).toMatch(/\(auto\)|\(fallback\)/)
    if (provider.includes('(fallback)')) expect(await panel.getByTestId('embedding-provider-note').textContent()).toMatch(/asked for auto: \S/)
    expect(await panel.getByTestId('embed-already').count()).toBe(1)

    await page.screenshot({ path: path.join(artifactsDir, 'embed.png') })

    // A catalog model that is not downloaded: a Download button, and offline a clear error with what to do.
    await select.selectOption(CATALOG_MODEL)
    await expect.poll(() => details.getAttribute('data-model-id')).toBe(CATALOG_MODEL)
    expect(await panel.getByTestId('embed-start').count()).toBe(0)
    const download = panel.getByTestId('model-download')
    const start = download.getByTestId('model-download-start')
    expect(await start.textContent()).toMatch(/^Download \(\d+ MB\)$/)
    await start.click()
    await download.locator('xpath=self::*[@data-job-state="failed" or @data-job-state="succeeded" or @data-job-state="cancelled"]').waitFor({ timeout: 90_000 })
    expect(await download.getAttribute('data-job-state')).toBe('failed')
    const error = download.getByTestId('error-message')
    await error.waitFor()
    const message = (await error.locator('.error__message').textContent()) ?? ''
    const hint = (await error.locator('.error__hint').textContent()) ?? ''
    expect(message).toMatch(/cannot reach huggingface\.co/)
    expect(message).toContain(CATALOG_MODEL)
    expect(hint).toContain('HF_ENDPOINT')
    expect(hint).toMatch(/local folder/)
    const all = (await error.textContent()) ?? ''
    expect(all).not.toMatch(/\n\s+at |\.ts:\d+|Error: /)
    // It can be tried again.
    expect(await download.getByTestId('model-download-start').textContent()).toMatch(/^Try the download again/)
    await page.screenshot({ path: path.join(artifactsDir, 'embed-download-error.png') })

    // The way out it offers: a model folder already on this machine.
    await download.getByTestId('use-local-folder').click()
    const addLocal = panel.getByTestId('add-local-model')
    await expect.poll(() => addLocal.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true)
    // The browser page may not name folders on this machine (issue 9): it shows the terminal command instead, and
    // picks the model up once the user has added it there and refreshes the list.
    expect(await addLocal.getByTestId('local-model-path').count()).toBe(0)
    await addLocal.getByTestId('local-model-name').fill('tiny-two')
    expect(await addLocal.getByTestId('local-model-command').textContent()).toBe('npx embedmap models add /path/to/model --name tiny-two')
    execFileSync(process.execPath, [CLI, 'models', 'add', path.join(tmp, 'tiny-model-2'), '--name', 'tiny-two', '--db', path.join(tmp, 'w.sqlite')], {
      env: { ...process.env, EMBEDMAP_CACHE: path.join(tmp, 'cache') },
    })
    await addLocal.getByTestId('local-model-refresh').click()
    await expect.poll(() => details.getAttribute('data-model-id'), { timeout: 15_000 }).toBe('tiny-two')
    expect(await select.inputValue()).toBe('tiny-two')
    expect(await panel.getByTestId('embed-start').textContent()).toBe('Embed 300 rows with tiny-two')

    expect(problems).toEqual([])
  }, 300_000)
})
