import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src-main/server'
import { FakeEngine } from '../unit/server/fake-engine'
import { launchBrowser, type Browser } from './support/browser'
import { artifactsDir } from './support/paths'
import { ensureRendererBuilt } from './support/renderer'

/**
 * The rows table against a million rows. The engine is an in-memory fake that generates rows on demand, so this
 * measures the renderer (virtualization, paging on scroll), not SQLite.
 */
const ROWS = 1_000_000

let tmp: string
let engine: FakeEngine
let server: RunningServer | undefined
let browser: Browser | undefined

beforeAll(async () => {
  const rendererDir = await ensureRendererBuilt()
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-e2e-rows-'))
  fs.mkdirSync(artifactsDir, { recursive: true })
  engine = new FakeEngine(tmp)
  engine.addSyntheticDataset(ROWS, 'one million rows')
  server = await startServer({ engine, port: 0, rendererDir })
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

describe('rows table with 1,000,000 rows', () => {
  it('scrolls anywhere with a bounded DOM, loads pages on demand and marks ragged/empty rows', async () => {
    const { page, problems } = browser!
    await page.goto(server!.url)
    await page.getByTestId('dataset-item').first().click()
    await expect.poll(() => page.getByTestId('rows-count').textContent(), { timeout: 15_000 }).toBe('1,000,000 rows')
    const row = (i: number) => page.locator(`[data-testid="row"][data-row-idx="${i}"]`)
    await row(0).waitFor()
    expect(await row(0).getByTestId('row-text').textContent()).toBe(FakeEngine.syntheticRow(0).text)

    // Ragged and empty-text rows are marked (rows 776 and 999 in the synthetic set).
    const table = page.getByTestId('rows-table')
    // The scroll area is capped (see scroll-scaler.ts) and maps proportionally onto the rows.
    const scrollToRow = (i: number) =>
      table.evaluate(
        (el, [i, rows]) => {
          const virtualMax = rows * 30 + 34 - el.clientHeight
          const realMax = el.scrollHeight - el.clientHeight
          el.scrollTo(0, Math.round((i * 30 * realMax) / virtualMax))
        },
        [i, ROWS] as const,
      )
    const firstVisibleIdx = () =>
      table.evaluate((el) => {
        const top = el.getBoundingClientRect().top + 34
        const rows = [...el.querySelectorAll<HTMLElement>('[data-testid="row"]')].filter((r) => r.getBoundingClientRect().bottom > top + 1)
        return Math.min(...rows.map((r) => Number(r.dataset.rowIdx)))
      })
    expect(await table.evaluate((el) => el.scrollHeight)).toBeLessThanOrEqual(10_000_000)
    await scrollToRow(772)
    await row(776).waitFor({ timeout: 10_000 })
    expect(await row(776).getAttribute('class')).toContain('row--ragged')
    await scrollToRow(995)
    await row(999).waitFor({ timeout: 10_000 })
    expect(await row(999).getAttribute('class')).toContain('row--empty')
    expect(await row(999).getByTestId('row-text').textContent()).toBe('(empty text)')

    // Jump to the middle and to the very end.
    await table.evaluate((el) => el.scrollTo(0, (el.scrollHeight - el.clientHeight) / 2))
    await page.locator('[data-testid="row"][data-row-idx^="49"], [data-testid="row"][data-row-idx^="50"]').first().waitFor({ timeout: 10_000 })

    // The wheel moves row by row (1:1), even though the scrollbar maps the million rows onto a shorter track.
    await scrollToRow(600_000)
    await row(600_000).waitFor({ timeout: 10_000 })
    const before = await firstVisibleIdx()
    const box = (await table.boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.wheel(0, 300)
    await expect.poll(firstVisibleIdx, { timeout: 5000 }).toBe(before + 10)
    await row(before + 10).waitFor()
    await table.evaluate((el) => el.scrollTo(0, el.scrollHeight))
    await row(ROWS - 1).waitFor({ timeout: 10_000 })
    // The synthetic last row has an empty text; the one before it does not.
    expect(
      await row(ROWS - 1)
        .getByTestId('row-text')
        .textContent(),
    ).toBe('(empty text)')
    expect(
      await row(ROWS - 2)
        .getByTestId('row-text')
        .textContent(),
    ).toBe(FakeEngine.syntheticRow(ROWS - 2).text)

    // A fast continuous scroll across the whole table: frames stay short and the DOM stays small.
    const stats = await table.evaluate(async (el) => {
      el.scrollTo(0, 0)
      const gaps: number[] = []
      let maxRows = 0
      let last = performance.now()
      for (let i = 0; i < 120; i++) {
        el.scrollTop += el.scrollHeight / 150
        await new Promise((r) => requestAnimationFrame(r))
        const now = performance.now()
        gaps.push(now - last)
        last = now
        maxRows = Math.max(maxRows, el.querySelectorAll('[role="row"]').length)
      }
      gaps.sort((a, b) => a - b)
      return { p95: gaps[Math.floor(gaps.length * 0.95)], median: gaps[gaps.length >> 1], maxRows }
    })
    console.log('[e2e] continuous scroll over 1M rows:', stats)
    expect(stats.maxRows).toBeLessThan(100)
    // Software rendering on two shared cores: generous bounds that still catch O(n) work per frame.
    expect(stats.p95).toBeLessThan(250)

    // Every fetch asked for one page, never the whole table.
    const rowCalls = engine.calls.filter((c) => c.channel === 'datasets.rows')
    expect(rowCalls.length).toBeGreaterThan(3)
    expect(rowCalls.length).toBeLessThan(80)
    for (const c of rowCalls) expect((c.input as { limit: number }).limit).toBeLessThanOrEqual(200)

    // Selecting a row shows it in full.
    await table.evaluate((el) => el.scrollTo(0, el.scrollHeight))
    await row(ROWS - 2).click()
    expect(await page.getByTestId('row-detail').textContent()).toContain(FakeEngine.syntheticRow(ROWS - 2).text)

    await page.screenshot({ path: path.join(artifactsDir, 'rows-1m.png') })
    expect(problems).toEqual([])
  }, 180_000)

  it('explains what to do when the page is opened without its token', async () => {
    const { context } = browser!
    const page = await context.newPage()
    try {
      // A fresh tab has an empty sessionStorage.
      await page.goto(`http://127.0.0.1:${server!.port}/`)
      const err = page.getByTestId('error-message')
      await err.waitFor()
      expect(await err.textContent()).toContain('#token=')
    } finally {
      await page.close()
    }
  })

  it('shows a readable error, not a stack, when a call fails', async () => {
    const { page } = browser!
    engine.overrides.set('datasets.rows', () => {
      throw Object.assign(new Error('disk on fire'), { stack: 'Error: disk on fire\n    at secret (/src/x.ts:1:1)' })
    })
    try {
      await page.getByTestId('rows-filter').fill('fox')
      const err = page.getByTestId('rows-view').getByTestId('error-message')
      await err.waitFor({ timeout: 10_000 })
      const text = (await err.textContent()) ?? ''
      expect(text).toContain('disk on fire')
      expect(text).not.toContain('at secret')
    } finally {
      engine.overrides.delete('datasets.rows')
    }
  })
})
