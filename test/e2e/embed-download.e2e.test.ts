import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type Browser } from './support/browser'
import { startServe, type ServeProcess } from './support/cli'
import { artifactsDir, repoRoot } from './support/paths'
import { startHubStandIn, trickle, type HubStandIn } from './support/hub-stand-in'
import { ensureRendererBuilt } from './support/renderer'
import { sharedData } from '../helpers/tmp'

const SOURCE_CSV = path.join(sharedData, 'zh_thucnews_titles', 'thucnews_titles_test.csv')
const CATALOG_MODEL = 'bge-small-zh-v1.5'
const CLI = path.join(repoRoot, 'bin', 'embedmap.js')
/** The fake ONNX file: big enough, sent slowly enough, that the download is still running when the test cancels it. */
const ONNX_BYTES = 40_000_000
const CHUNK = 64 * 1024
const CHUNK_EVERY_MS = 25

let tmp: string
let mirror: HubStandIn | undefined
let serve: ServeProcess | undefined
let browser: Browser | undefined

/**
 * The Hub stand-in's answers: small JSON for the tokenizer/config files, and a slow stream of zeros for the ONNX file,
 * so the byte progress can be watched and the download cancelled midway.
 */
const answer: http.RequestListener = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://mirror')
  if (!url.pathname.startsWith('/Xenova/bge-small-zh-v1.5/resolve/')) return void res.writeHead(404).end()
  const big = url.pathname.endsWith('.onnx')
  const size = big ? ONNX_BYTES : 2
  res.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' })
  if (req.method === 'HEAD') return void res.end()
  if (!big) return void res.end('{}')
  trickle(res, size, CHUNK, CHUNK_EVERY_MS)
}

beforeAll(async () => {
  await ensureRendererBuilt()
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-e2e-download-'))
  fs.mkdirSync(artifactsDir, { recursive: true })
  mirror = await startHubStandIn(tmp, answer)
  const db = path.join(tmp, 'w.sqlite')
  const env = mirror.env
  const records = parse(fs.readFileSync(SOURCE_CSV), { columns: true }) as Record<string, string>[]
  fs.writeFileSync(path.join(tmp, 'titles-100.csv'), stringify(records.slice(0, 100), { header: true }))
  execFileSync(process.execPath, [CLI, 'import', path.join(tmp, 'titles-100.csv'), '--db', db], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  })
  serve = await startServe(db, 60_000, env)
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  await mirror?.close()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

describe('browser mode: download a catalog model', () => {
  it('shows live byte progress (MB done / total, rate, ETA) and cancels the download', async () => {
    const { page, problems } = browser!
    await page.goto(serve!.url)
    await page.getByTestId('dataset-item').first().click()
    const panel = page.getByTestId('embed-panel')
    const select = panel.getByTestId('model-select')
    await select.waitFor({ timeout: 30_000 })
    await select.selectOption(CATALOG_MODEL)

    const download = panel.getByTestId('model-download')
    await download.getByTestId('model-download-start').click()
    const progress = download.getByTestId('model-download-progress')
    await progress.waitFor({ timeout: 30_000 })
    // Bytes, not rows: "3.1 MB / 40 MB", then a rate and an ETA once measurable.
    await expect.poll(() => progress.getByTestId('job-done').textContent(), { timeout: 20_000 }).toMatch(/^[1-9][\d.]* MB \/ 40 MB$/)
    await expect.poll(async () => (await progress.getByTestId('job-rate').count()) > 0, { timeout: 20_000 }).toBe(true)
    expect(await progress.getByTestId('job-rate').textContent()).toMatch(/^[\d.]+ MB\/s$/)
    await expect.poll(async () => (await progress.getByTestId('job-eta').count()) > 0, { timeout: 20_000 }).toBe(true)
    expect(await progress.getByTestId('job-eta').textContent()).toMatch(/left$/)
    const pct = Number(await progress.getByTestId('job-progress').getAttribute('aria-valuenow'))
    expect(pct).toBeGreaterThan(0)
    expect(pct).toBeLessThan(100)
    // The Jobs panel counts the same job in bytes too.
    const inJobs = page.locator('[data-testid="jobs-panel"] [data-testid="job-item"][data-job-kind="model-download"]')
    expect(await inJobs.getByTestId('job-done').textContent()).toMatch(/MB \/ 40 MB$/)

    await page.screenshot({ path: path.join(artifactsDir, 'embed-download.png') })

    await progress.getByTestId('job-cancel').click()
    await expect.poll(() => download.getAttribute('data-job-state'), { timeout: 20_000 }).toBe('cancelled')
    expect(await download.textContent()).toContain('Download cancelled')
    expect(await download.getByTestId('model-download-start').textContent()).toMatch(/^Try the download again/)
    // Still not downloaded: no Embed button for it.
    expect(await panel.getByTestId('embed-start').count()).toBe(0)
    expect(problems).toEqual([])
  }, 180_000)
})
