import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mappedAgNews, type MappedWorkspace } from './support/mapped-dataset'
import { artifactsDir } from './support/paths'
import { openDataset, waitForMap } from './support/workspace-ui'

/**
 * Reading anomalies and finding one's way when zoomed in: the anomaly panel lists the flagged rows with the reason
 * each stands out (against the typical row) and its nearest rows, and clicking one flies to it; zoomed in, an
 * overview inset shows the whole map with the view outlined, inside the canvas, and disappears again on F. With a
 * cluster hierarchy, the fitted map labels the coarse clusters and, zoomed in, the fine ones.
 */
const ROWS = 400

let w: MappedWorkspace | undefined

beforeAll(async () => {
  // a second run with k = 8: fine clusters under a coarse level, so the labels change with zoom
  w = await mappedAgNews({ rows: ROWS, prefix: 'explorer', before: ({ cli }) => void cli(['analyze', '--dataset', '1', '--k', '8']) })
}, 900_000)

afterAll(async () => {
  await w?.close()
})

const zoom = (page: Page): Promise<number> => page.evaluate(() => window.__embedmapMap!.view().zoom)
const fitZoom = (page: Page): Promise<number> => page.evaluate(() => window.__embedmapMap!.view().fitZoom)

function inside(b: { x: number; y: number; width: number; height: number }, c: { x: number; y: number; width: number; height: number }, what: string) {
  expect(b.x, what).toBeGreaterThanOrEqual(c.x)
  expect(b.y, what).toBeGreaterThanOrEqual(c.y)
  expect(b.x + b.width, what).toBeLessThanOrEqual(c.x + c.width + 0.5)
  expect(b.y + b.height, what).toBeLessThanOrEqual(c.y + c.height + 0.5)
}

for (const size of [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
]) {
  describe(`browser mode: label levels, anomalies and the overview at ${size.width}x${size.height}`, () => {
    it('labels coarse clusters at the fit and fine ones zoomed in; lists flagged rows with reasons and nearest rows; shows the overview inset while zoomed in', async () => {
      const { page, problems } = w!.browser
      await page.setViewportSize(size)
      await page.goto(w!.serve.url)
      await page.evaluate(() => localStorage.clear())
      await page.reload()
      await openDataset(page, 1)
      await waitForMap(page, 1)
      const canvas = (await page.getByTestId('map-canvas').boundingBox())!
      const mapEl = page.getByTestId('map-canvas')

      // Labels by zoom: coarse clusters at the fit, the 8 fine ones once zoomed in.
      await expect.poll(() => mapEl.getAttribute('data-label-level'), { timeout: 15_000 }).toBe('coarse')
      const coarseLabels = Number(await mapEl.getAttribute('data-labels'))
      expect(coarseLabels).toBeGreaterThanOrEqual(2)
      expect(coarseLabels).toBeLessThanOrEqual(4)
      await page.screenshot({ path: path.join(artifactsDir, `map-hierarchy-coarse-${size.width}x${size.height}.png`) })
      await page.mouse.move(canvas.x + canvas.width / 3, canvas.y + canvas.height / 2)
      for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -600)
      await expect.poll(() => mapEl.getAttribute('data-label-level'), { timeout: 15_000 }).toBe('fine')
      await page.mouse.move(canvas.x + canvas.width / 2, 5) // no hover tooltip in the picture
      await page.waitForTimeout(300)
      await page.screenshot({ path: path.join(artifactsDir, `map-hierarchy-fine-${size.width}x${size.height}.png`) })
      await page.locator('body').press('f')
      await expect.poll(() => mapEl.getAttribute('data-label-level'), { timeout: 15_000 }).toBe('coarse')

      // Anomalies: the list of flagged rows, each with a reason in numbers and its nearest rows.
      await page.getByTestId('map-tab-anomalies').click()
      const list = page.getByTestId('anomaly-list')
      await list.waitFor({ timeout: 30_000 })
      const items = list.getByTestId('anomaly-list-row')
      const count = await items.count()
      const flagged = Number(await page.getByTestId('anomaly-flagged').getAttribute('data-count'))
      expect(count).toBe(Math.min(50, flagged))
      const reasons = await list.getByTestId('anomaly-reason').allTextContents()
      for (const r of reasons)
        expect(r).toMatch(/^(far from its 10 nearest rows: distance [\d.e-]+ vs typical [\d.e-]+|unusual characters for this data: .* vs typical .*)$/)
      expect(await items.first().locator('.map-flagged__nb').textContent()).toMatch(/nearest: row \d/)
      // The histogram's scores are not rank steps: the flagged rows' scores are not evenly spaced.
      const scores = (await list.locator('.map-flagged__score').allTextContents()).map(Number)
      expect(new Set(scores.map((s, i) => (i ? (scores[i - 1] - s).toFixed(2) : ''))).size).toBeGreaterThan(2)
      await page.screenshot({ path: path.join(artifactsDir, `map-anomaly-list-${size.width}x${size.height}.png`) })

      // Clicking a flagged row flies the map to it.
      const row = Number(await items.first().getAttribute('data-row'))
      await items.first().locator('.map-flagged__row').click()
      await expect.poll(() => zoom(page), { timeout: 15_000 }).toBeGreaterThan((await fitZoom(page)) + 1)
      const at = await page.evaluate((r) => window.__embedmapMap!.clientPointOf(r), row)
      expect(at).not.toBeNull()
      inside({ x: at!.x, y: at!.y, width: 0, height: 0 }, canvas, 'the flagged row after the flight')

      // Zoomed in: the overview inset, inside the canvas, with the view outlined inside it.
      const mini = page.getByTestId('map-minimap')
      await mini.waitFor({ timeout: 15_000 })
      const mb = (await mini.boundingBox())!
      inside(mb, canvas, 'minimap')
      const vb = (await page.getByTestId('map-minimap-view').boundingBox())!
      expect(vb.width).toBeLessThan(mb.width)
      inside(vb, { x: mb.x - 1, y: mb.y - 1, width: mb.width + 2, height: mb.height + 2 }, 'view rectangle')
      // it does not sit on the legend
      const legend = await page.getByTestId('map-legend').boundingBox()
      if (legend) expect(mb.y >= legend.y + legend.height || mb.x >= legend.x + legend.width).toBe(true)
      await page.screenshot({ path: path.join(artifactsDir, `map-minimap-${size.width}x${size.height}.png`) })

      // Fitted again (F): no inset.
      await page.getByTestId('map-tab-anomalies').click()
      await page.locator('body').press('f')
      await expect.poll(() => mini.count(), { timeout: 15_000 }).toBe(0)
      expect(problems).toEqual([])
    }, 300_000)
  })
}
