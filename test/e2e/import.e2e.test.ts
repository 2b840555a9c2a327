import { parse } from 'csv-parse/sync'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type Browser } from './support/browser'
import { startServe, type ServeProcess } from './support/cli'
import { artifactsDir } from './support/paths'
import { ensureRendererBuilt } from './support/renderer'
import { repoRoot, sharedData } from '../helpers/tmp'

const CSV = path.join(sharedData, 'zh_thucnews_titles', 'thucnews_titles_test.csv')
const records = parse(fs.readFileSync(CSV), { columns: true }) as { id: string; text: string }[]
const FILTER = '考研'

let tmp: string
let serve: ServeProcess | undefined
let browser: Browser | undefined

beforeAll(async () => {
  await ensureRendererBuilt()
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-e2e-'))
  fs.mkdirSync(artifactsDir, { recursive: true })
  warnIfNoCjkFont()
  serve = await startServe(path.join(tmp, 'w.sqlite'))
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

describe('browser mode: import a CSV and browse its rows', () => {
  it('imports THUCNews titles through the UI, follows the job and shows the rows', async () => {
    const { page, problems } = browser!
    const s = serve!
    await page.goto(s.url)

    // The token moves from the fragment into this tab's sessionStorage and out of the address bar.
    await expect.poll(() => page.url()).toBe(`${s.origin}/`)
    expect(await page.evaluate(() => sessionStorage.getItem('embedmap.token'))).toBe(s.token)

    await page.getByTestId('import-file-input').setInputFiles(CSV)
    const preview = page.getByTestId('import-preview')
    await preview.waitFor({ timeout: 30_000 })
    await page.getByTestId('preview-encoding').waitFor()
    expect(await page.getByTestId('preview-encoding').textContent()).toContain('utf-8')
    expect(await page.getByTestId('preview-delimiter').textContent()).toContain('comma')
    expect(await page.getByTestId('preview-columns').textContent()).toMatch(/id.*text.*label.*category.*category_en/s)
    // The suggested text column is `text` (index 1).
    expect(await page.getByTestId('text-column-select').inputValue()).toBe('1')
    expect(await page.getByTestId('preview-sample').locator('tbody tr').first().textContent()).toContain(records[0].text)

    await page.getByTestId('import-start').click()
    const finished = page.locator('[data-testid="job-item"]:is([data-job-state="succeeded"], [data-job-state="failed"], [data-job-state="cancelled"])')
    await finished.first().waitFor({ timeout: 120_000 })
    const state = await finished.first().getAttribute('data-job-state')
    if (state !== 'succeeded') throw new Error(`The import job ended ${state}: ${await finished.first().textContent()}\nServer output:\n${s.output()}`)

    // The new dataset is selected and its rows are shown.
    const rowsView = page.getByTestId('rows-view')
    await rowsView.waitFor()
    await expect.poll(() => page.getByTestId('rows-count').textContent(), { timeout: 15_000 }).toBe('10,000 rows')
    const firstText = page.locator('[data-testid="row"][data-row-idx="0"] [data-testid="row-text"]')
    await firstText.waitFor({ timeout: 15_000 })
    expect(await firstText.textContent()).toBe(records[0].text)
    const item = page.getByTestId('dataset-item').first()
    expect(await item.getByTestId('dataset-rowcount').textContent()).toBe('10,000')
    expect(await item.getByTestId('dataset-status').textContent()).toBe('ready')
    // Only the rows on screen exist in the DOM.
    expect(await page.getByTestId('row').count()).toBeLessThan(80)

    await page.screenshot({ path: path.join(artifactsDir, 'import.png') })

    // Scroll to the bottom: the last row arrives on demand.
    await page.getByTestId('rows-table').evaluate((el) => el.scrollTo(0, el.scrollHeight))
    const lastText = page.locator('[data-testid="row"][data-row-idx="9999"] [data-testid="row-text"]')
    await lastText.waitFor({ timeout: 15_000 })
    expect(await lastText.textContent()).toBe(records[9999].text)

    // The substring filter.
    const matching = records.filter((r) => r.text.includes(FILTER))
    await page.getByTestId('rows-filter').fill(FILTER)
    await expect.poll(() => page.getByTestId('rows-count').textContent(), { timeout: 15_000 }).toBe(`${matching.length} of 10,000 rows match`)
    const firstMatch = page.locator(`[data-testid="row"][data-row-idx="${records.indexOf(matching[0])}"] [data-testid="row-text"]`)
    await firstMatch.waitFor({ timeout: 15_000 })
    expect(await firstMatch.textContent()).toBe(matching[0].text)

    // No console errors, no CSP violations.
    expect(problems).toEqual([])
  }, 300_000)

  it('explains a file without a header and lets the user keep its first line as the header', async () => {
    const { page } = browser!
    await page.getByTestId('import-file-input').setInputFiles(path.join(repoRoot, 'test', 'fixtures', 'import', 'no-header.csv'))
    const anyway = page.getByTestId('import-header-anyway')
    await anyway.waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('import-preview').textContent()).toContain('looks like data, not a header')
    await anyway.click()
    // The preview now reads the first line as the column names.
    await page.getByTestId('text-column-select').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('text-column-select').textContent()).toContain('Fears for pension after talks')
    expect(await anyway.count()).toBe(0)
  }, 120_000)
})

function warnIfNoCjkFont(): void {
  try {
    if (execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim() === '') {
      console.warn('[e2e] No Chinese font installed: the screenshot will show boxes. apt-get install -y fonts-wqy-microhei')
    }
  } catch {
    /* fontconfig missing: nothing to check with */
  }
}
