/**
 * The Evaluate view in Chromium on real data with the two real models: 150 AG News rows as a retrieval task (each
 * headline as the query for its own lead paragraph), all-MiniLM-L6-v2 and multilingual-e5-small beside BM25, run from
 * the form as an evaluate job; then the results table, the plots and the per-query comparison, whose queries open
 * with their texts. Screenshots at 1440×900 and 1280×720 go to test/artifacts/evaluate-*.png.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { realModel } from '../helpers/real-models'
import { sharedData } from '../helpers/tmp'
import { launchBrowser, type Browser } from './support/browser'
import { startServe, type ServeProcess } from './support/cli'
import { cliWorkspace } from './support/cli-workspace'
import { artifactsDir } from './support/paths'
import { ensureRendererBuilt } from './support/renderer'
import { openDataset } from './support/workspace-ui'

const ROWS = 150
let tmp: string
let serve: ServeProcess | undefined
let browser: Browser | undefined

beforeAll(async () => {
  await ensureRendererBuilt()
  const w = cliWorkspace('evaluate')
  tmp = w.tmp
  const { db, cli } = w
  const all = parse(fs.readFileSync(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv')), { columns: true }) as Record<string, string>[]
  const csv = path.join(tmp, 'news.csv')
  fs.writeFileSync(
    csv,
    stringify(
      all.slice(0, ROWS).map((r) => ({ title: r.title, description: r.description, category: r.category })),
      { header: true },
    ),
  )
  cli(['import', csv, '--text-column', 'description'])
  cli(['models', 'add', realModel('all-MiniLM-L6-v2'), '--name', 'minilm'])
  cli(['models', 'add', realModel('multilingual-e5-small-q4'), '--name', 'e5-small'])
  serve = await startServe(db)
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

describe('browser mode: the Evaluate view', () => {
  it('runs two real models beside BM25 and shows the table, the plots and the per-query comparison', { timeout: 600_000 }, async () => {
    const { page, problems } = browser!
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(serve!.url)
    await openDataset(page, 1)
    await page.getByTestId('view-tab-evaluate').click()
    await page.getByTestId('eval-task').selectOption('retrieval')
    await page.getByTestId('eval-column-query').selectOption('title')
    await page.getByTestId('eval-column-doc').selectOption('description')
    await page.getByTestId('eval-model-minilm').check()
    await page.getByTestId('eval-model-e5-small').check()
    await page.getByTestId('eval-start').click()
    await page.getByTestId('eval-table').waitFor({ timeout: 500_000 })

    const rows = page.getByTestId('eval-row')
    await expect.poll(() => rows.count()).toBe(3)
    const first = await rows.first().textContent()
    expect(first).toContain('bm25')
    expect(first).toContain('lexical baseline')
    const headers = await page.locator('.eval-table th').allTextContents()
    expect(headers).toEqual(expect.arrayContaining(['Model', 'nDCG@10', 'texts/s', 'dims', 'size', 'peak memory']))
    for (const cell of await page.locator('[data-testid="eval-row"] td:nth-child(2)').allTextContents()) expect(Number(cell)).toBeGreaterThan(0.3)
    // One bar chart per shown metric, the quality-vs-speed scatter with both models.
    expect(await page.getByTestId('eval-bar-chart').count()).toBeGreaterThanOrEqual(3)
    await expect.poll(() => page.getByTestId('eval-scatter-chart').locator('circle').count()).toBe(2)

    // Per-query comparison: wins and losses between the two models, a query opens with its texts.
    const summary = page.getByTestId('eval-compare-summary')
    await summary.waitFor()
    expect(await summary.textContent()).toMatch(/wins \d+ queries, loses \d+, ties \d+/)
    const query = page.getByTestId('eval-query').first()
    const queryText = ((await query.locator('.eval-query__text').textContent()) ?? '').trim()
    await query.click()
    await page.getByTestId('eval-query-detail').waitFor()
    expect((await page.getByTestId('eval-query-text').textContent())?.trim()).toBe(queryText)
    expect(await page.getByTestId('eval-hit').count()).toBeGreaterThanOrEqual(2)
    expect(await page.getByTestId('eval-compare-a').inputValue()).not.toBe(await page.getByTestId('eval-compare-b').inputValue())
    await page.getByTestId('eval-compare').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(artifactsDir, 'evaluate-compare-1440x900.png') })
    await page.getByTestId('evaluate-view').evaluate((el) => el.parentElement?.scrollTo(0, 0))
    await page.screenshot({ path: path.join(artifactsDir, 'evaluate-1440x900.png') })
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.getByTestId('eval-table').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(artifactsDir, 'evaluate-1280x720.png') })
    await page.getByTestId('eval-compare').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(artifactsDir, 'evaluate-compare-1280x720.png') })

    // The run is listed among the stored evaluations.
    expect(await page.getByTestId('eval-stored-item').count()).toBeGreaterThanOrEqual(1)
    expect(problems).toEqual([])
  })
})
