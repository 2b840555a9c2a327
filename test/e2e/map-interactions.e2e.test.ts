import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifactsDir } from './support/paths'
import { mappedAgNews, type MappedWorkspace } from './support/mapped-dataset'
import { openDataset } from './support/workspace-ui'

const ROWS = 400

let w: MappedWorkspace | undefined
let texts: string[]

/** Even-odd point-in-polygon in page pixels: the test's own check of what a lasso should select. */
function inside(x: number, y: number, poly: [number, number][]): boolean {
  let r = false
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]
    const [xj, yj] = poly[j]
    if (yi > y !== yj > y && x < xi + ((y - yi) * (xj - xi)) / (yj - yi)) r = !r
  }
  return r
}

function exportedTexts(file: string): string[] {
  return (parse(fs.readFileSync(file), { columns: true, bom: true }) as Record<string, string>[]).map((r) => r.text)
}

beforeAll(async () => {
  w = await mappedAgNews({ rows: ROWS, prefix: 'interact' })
  texts = w.records.map((r) => r.text)
}, 900_000)

afterAll(async () => {
  await w?.close()
})

async function frames(): Promise<number> {
  return Number(await w!.browser.page.getByTestId('map-canvas').getAttribute('data-frames'))
}

async function waitForFrameAfter(n: number): Promise<void> {
  await w!.browser.page.waitForFunction((k) => Number(document.querySelector('[data-testid="map-canvas"]')?.getAttribute('data-frames')) > k, n, {
    timeout: 60_000,
  })
}

describe('browser mode: selecting, finding and flagging on the map', () => {
  it('lasso-selects points and exports exactly those rows', async () => {
    const { page } = w!.browser
    await page.goto(w!.serve.url)
    await openDataset(page, 1)
    await page.locator('[data-testid="map-canvas"][data-rendered="true"]').waitFor({ timeout: 60_000 })

    // Where every row is drawn, in page pixels.
    const positions = await page.evaluate((n) => Array.from({ length: n }, (_, i) => window.__embedmapMap!.clientPointOf(i)), ROWS)
    expect(positions.every((p) => p !== null)).toBe(true)
    const xs = positions.map((p) => p!.x).sort((a, b) => a - b)
    const ys = positions.map((p) => p!.y).sort((a, b) => a - b)
    // A 12-sided lasso around the middle of the point cloud, a bit wider than tall.
    const cx = xs[ROWS >> 1]
    const cy = ys[ROWS >> 1]
    const rx = (xs[Math.floor(ROWS * 0.8)] - xs[Math.floor(ROWS * 0.2)]) / 2
    const ry = (ys[Math.floor(ROWS * 0.8)] - ys[Math.floor(ROWS * 0.2)]) / 2
    const poly: [number, number][] = Array.from({ length: 12 }, (_, i) => [
      cx + rx * Math.cos((i / 12) * 2 * Math.PI),
      cy + ry * 0.8 * Math.sin((i / 12) * 2 * Math.PI),
    ])
    const expected = positions.flatMap((p, row) => (inside(p!.x, p!.y, poly) ? [row] : []))
    expect(expected.length).toBeGreaterThan(10)
    expect(expected.length).toBeLessThan(ROWS)

    await page.locator('body').press('l')
    await page.locator('[data-testid="map-select-overlay"][data-tool="lasso"]').waitFor()
    await page.mouse.move(poly[0][0], poly[0][1])
    await page.mouse.down()
    for (const [x, y] of [...poly.slice(1), poly[0]]) await page.mouse.move(x, y, { steps: 4 })
    await page.mouse.up()

    const panel = page.getByTestId('selection-panel')
    await panel.waitFor({ timeout: 15_000 })
    const selected = ((await panel.getAttribute('data-rows')) ?? '').split(',').map(Number)
    // The lasso's own path has more vertices than our 12 (mouse steps), so allow a point or two right on the edge.
    const missing = expected.filter((r) => !selected.includes(r))
    const extra = selected.filter((r) => !expected.includes(r))
    expect(missing.length + extra.length).toBeLessThanOrEqual(2)
    expect(await page.getByTestId('selection-count').textContent()).toBe(`${selected.length} selected`)
    // Counts per cluster add up to the selection.
    const perCluster = await page.getByTestId('selection-clusters').locator('li .muted').allTextContents()
    expect(perCluster.map(Number).reduce((a, b) => a + b, 0)).toBe(selected.length)
    // The rows list shows the selected rows' texts.
    const firstRow = page.getByTestId('selection-row').first()
    await expect.poll(() => firstRow.textContent(), { timeout: 15_000 }).toContain(texts[selected[0]].slice(0, 20))
    expect(await page.getByTestId('map-view').getAttribute('data-focus')).toBe('selection')
    expect(await page.getByTestId('map-view').getAttribute('data-focus-count')).toBe(String(selected.length))
    const before = await frames()
    await page.locator('body').press('v')
    await waitForFrameAfter(before - 1)
    await page.screenshot({ path: path.join(artifactsDir, 'map-lasso-selection.png') })

    // Export selection (CSV): the file holds exactly the selected rows; browser mode also downloads it.
    const download = page.waitForEvent('download', { timeout: 60_000 })
    await page.getByTestId('selection-export-start').click()
    const job = page.locator('[data-testid="selection-export-job"][data-job-state="succeeded"]')
    await job.waitFor({ timeout: 60_000 })
    const out = (await job.getAttribute('data-out'))!
    const written = exportedTexts(out)
    expect(written).toHaveLength(selected.length)
    expect([...written].sort()).toEqual(selected.map((r) => texts[r]).sort())
    const file = await (await download).path()
    expect(fs.readFileSync(file, 'utf8')).toBe(fs.readFileSync(out, 'utf8'))
  }, 300_000)

  it('highlights semantic search hits, lists them with scores, and flies to a clicked hit', async () => {
    const { page } = w!.browser
    await page.locator('body').press('Escape')
    await expect.poll(() => page.getByTestId('map-view').getAttribute('data-focus')).toBe('none')
    await page.locator('body').press('/')
    const input = page.getByTestId('search-input')
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search-input')
    // Typing "l" in the search box must not switch to the lasso.
    await input.fill('')
    await input.type('oil prices rise')
    expect(await page.getByTestId('map-tools').getAttribute('data-tool')).toBe('pan')
    expect(await page.getByTestId('search-mode').getAttribute('data-mode')).toBe('semantic')
    const before = await frames()
    await input.press('Enter')
    const hits = page.getByTestId('search-hit')
    await expect.poll(() => hits.count(), { timeout: 60_000 }).toBe(50)
    const scores = (await page.locator('.map-hits__score').allTextContents()).map(Number)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
    expect(await page.getByTestId('map-view').getAttribute('data-focus')).toBe('search')
    expect(await page.getByTestId('map-view').getAttribute('data-focus-count')).toBe('50')
    await waitForFrameAfter(before)
    await page.screenshot({ path: path.join(artifactsDir, 'map-search-hits.png') })

    // Clicking a hit opens it; the map flies there: the row is drawn at the middle of the part of the canvas that the
    // tools panel and the details leave free (the flight's centre), with nothing over it.
    const third = hits.nth(2)
    const row = Number(await third.getAttribute('data-row'))
    await third.click()
    await expect.poll(() => page.getByTestId('map-details').getAttribute('data-row')).toBe(String(row))
    await expect
      .poll(
        async () => {
          const p = await page.evaluate((r) => window.__embedmapMap!.clientPointOf(r), row)
          const box = (await page.getByTestId('map-canvas').boundingBox())!
          const centre = (await page.evaluate(() => window.__embedmapMap!.view().flightCentre))!
          return Math.hypot(p!.x - (box.x + centre[0]), p!.y - (box.y + centre[1])) < 5
        },
        { timeout: 15_000 },
      )
      .toBe(true)
    const cover = await page.evaluate((r) => {
      const p = window.__embedmapMap!.clientPointOf(r)!
      return document.elementFromPoint(p.x, p.y)?.closest('[data-testid="map-canvas"]') ? 'map' : 'covered'
    }, row)
    expect(cover).toBe('map')

    // Keyword mode: every hit contains the word.
    await page.getByTestId('search-mode-keyword').click()
    await input.fill('oil')
    await input.press('Enter')
    await expect.poll(() => page.getByTestId('search-count').getAttribute('data-count')).not.toBe('50')
    const keywordHits = await page.getByTestId('search-hit').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row'))))
    expect(keywordHits.length).toBe(texts.filter((t) => t.toLowerCase().includes('oil')).length)
    for (const r of keywordHits) expect(texts[r].toLowerCase()).toContain('oil')
  }, 300_000)

  it('moves the flagged count with the anomaly threshold and exports the flagged rows at that threshold', async () => {
    const { page } = w!.browser
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    await page.locator('body').press('Escape')
    await page.locator('body').press('a')
    const slider = page.getByTestId('anomaly-threshold')
    await slider.waitFor()
    const count = async () => Number(await page.getByTestId('anomaly-flagged').getAttribute('data-count'))
    const initial = await count()
    await slider.fill('0.05')
    await expect.poll(count).toBeGreaterThan(initial)
    const low = await count()
    await slider.fill('0.5')
    await expect.poll(count).toBeLessThan(low)
    const high = await count()
    expect(await page.getByTestId('map-view').getAttribute('data-focus')).toBe('anomalies')
    expect(await page.getByTestId('map-view').getAttribute('data-focus-count')).toBe(String(high))
    await page.screenshot({ path: path.join(artifactsDir, 'map-anomaly-threshold.png') })

    if (high > 0) {
      await page.getByTestId('anomaly-export-start').click()
      const job = page.locator('[data-testid="anomaly-export-job"][data-job-state="succeeded"]')
      await job.waitFor({ timeout: 60_000 })
      expect(exportedTexts((await job.getAttribute('data-out'))!)).toHaveLength(high)
    }
    expect(w!.browser.problems).toEqual([])
  }, 300_000)
})
