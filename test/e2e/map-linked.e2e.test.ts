import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mappedAgNews, type MappedWorkspace } from './support/mapped-dataset'
import { artifactsDir } from './support/paths'
import { openDataset, waitForMap } from './support/workspace-ui'

/**
 * Map and table are one view: a lasso selection is what the table lists, clicking a table row flies the map to its
 * point and opens its details (same 1-based row number everywhere), undo brings back a cleared selection, and ?
 * shows the shortcuts. Overlays (legend, tools, table) stay inside the canvas.
 */
const ROWS = 400

let w: MappedWorkspace | undefined

beforeAll(async () => {
  w = await mappedAgNews({ rows: ROWS, prefix: 'linked' })
}, 900_000)

afterAll(async () => {
  await w?.close()
})

async function lasso(page: Page, poly: [number, number][]): Promise<void> {
  await page.locator('body').press('l')
  await page.locator('[data-testid="map-select-overlay"][data-tool="lasso"]').waitFor()
  await page.mouse.move(poly[0][0], poly[0][1])
  await page.mouse.down()
  for (const [x, y] of [...poly.slice(1), poly[0]]) await page.mouse.move(x, y, { steps: 4 })
  await page.mouse.up()
  await page.locator('body').press('v')
}

const selectedRows = async (page: Page): Promise<number[]> =>
  ((await page.getByTestId('selection-panel').getAttribute('data-rows')) ?? '').split(',').filter(Boolean).map(Number)
const tableRows = (page: Page): Promise<number[]> =>
  page.locator('[data-testid="rows-dock"] [data-testid="row"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row-idx'))))

for (const size of [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
]) {
  describe(`browser mode: linked map and table at ${size.width}x${size.height}`, () => {
    it('lists a lasso selection in the table, flies to a clicked table row, undoes a cleared selection, and shows help on ?', async () => {
      const { page, problems } = w!.browser
      await page.setViewportSize(size)
      await page.goto(w!.serve.url)
      await page.evaluate(() => localStorage.clear())
      await page.reload()
      await openDataset(page, 1)
      await waitForMap(page, 1)
      const canvas = (await page.getByTestId('map-canvas').boundingBox())!

      // Overlays sit inside the canvas.
      for (const id of ['map-legend', 'map-dock', 'rows-dock']) {
        const b = (await page.getByTestId(id).boundingBox())!
        expect(b.x, id).toBeGreaterThanOrEqual(canvas.x)
        expect(b.y, id).toBeGreaterThanOrEqual(canvas.y)
        expect(b.x + b.width, id).toBeLessThanOrEqual(canvas.x + canvas.width + 0.5)
        expect(b.y + b.height, id).toBeLessThanOrEqual(canvas.y + canvas.height + 0.5)
      }

      // A lasso around the middle of the cloud.
      const positions = await page.evaluate((n) => Array.from({ length: n }, (_, i) => window.__embedmapMap!.clientPointOf(i)!), ROWS)
      const xs = positions.map((p) => p.x).sort((a, b) => a - b)
      const ys = positions.map((p) => p.y).sort((a, b) => a - b)
      const cx = xs[ROWS >> 1]
      const cy = ys[ROWS >> 1]
      const rx = (xs[Math.floor(ROWS * 0.75)] - xs[Math.floor(ROWS * 0.25)]) / 2
      const ry = (ys[Math.floor(ROWS * 0.75)] - ys[Math.floor(ROWS * 0.25)]) / 2
      const poly: [number, number][] = Array.from({ length: 12 }, (_, i) => [
        cx + rx * Math.cos((i / 12) * 2 * Math.PI),
        cy + ry * Math.sin((i / 12) * 2 * Math.PI),
      ])
      await lasso(page, poly)
      await page.getByTestId('selection-panel').waitFor({ timeout: 15_000 })
      const selected = await selectedRows(page)
      expect(selected.length).toBeGreaterThan(5)
      expect(selected.length).toBeLessThan(ROWS)

      // The table lists exactly the selection: its count, and the rows it draws are the selection's first rows in order.
      const dock = page.getByTestId('rows-dock')
      expect(await dock.getAttribute('data-source')).toBe('selection')
      expect(await dock.getAttribute('data-count')).toBe(String(selected.length))
      await page.getByTestId('rows-dock-toggle').click()
      await expect.poll(async () => (await tableRows(page)).length, { timeout: 15_000 }).toBeGreaterThan(0)
      const listed = await tableRows(page)
      expect(listed).toEqual(selected.slice(0, listed.length))
      // Scrolled to its end, the table's last row is the selection's last.
      await page.getByTestId('rows-table').evaluate((el) => el.scrollTo(0, el.scrollHeight))
      await expect.poll(async () => (await tableRows(page)).at(-1), { timeout: 15_000 }).toBe(selected.at(-1))
      await page.getByTestId('rows-table').evaluate((el) => el.scrollTo(0, 0))
      await expect.poll(async () => (await tableRows(page))[0], { timeout: 15_000 }).toBe(selected[0])
      await page.screenshot({ path: path.join(artifactsDir, `map-linked-table-${size.width}x${size.height}.png`) })

      // Clicking a table row: the map flies to its point (now drawn near the canvas centre) and opens its details.
      const target = selected[Math.min(2, selected.length - 1)]
      const row = page.locator(`[data-testid="rows-dock"] [data-testid="row"][data-row-idx="${target}"]`)
      const shownNumber = (await row.locator('.cell--num').textContent())?.trim()
      await row.click()
      await expect.poll(() => page.getByTestId('map-details').getAttribute('data-row'), { timeout: 15_000 }).toBe(String(target))
      expect(await page.getByTestId('map-details-title').textContent()).toBe(`Row ${shownNumber}`)
      // The point is drawn where nothing covers it (not under the table, the tools or the details).
      await expect
        .poll(
          async () =>
            page.evaluate((r) => {
              const p = window.__embedmapMap!.clientPointOf(r)!
              const el = document.elementFromPoint(p.x, p.y)
              return el?.closest('[data-testid="map-canvas"]')
                ? 'on the map'
                : `under ${el?.closest('[data-testid]')?.getAttribute('data-testid') ?? el?.tagName}`
            }, target),
          { timeout: 15_000 },
        )
        .toBe('on the map')
      await page.screenshot({ path: path.join(artifactsDir, `map-linked-flown-${size.width}x${size.height}.png`) })

      // Esc clears the selection (the table lists all rows again); Ctrl+Z brings it back, Ctrl+Shift+Z clears it again.
      await page.locator('body').press('Escape')
      await expect.poll(() => page.getByTestId('map-view').getAttribute('data-focus')).toBe('none')
      expect(await dock.getAttribute('data-source')).toBe('all')
      await page.keyboard.press('Control+z')
      await expect.poll(() => page.getByTestId('map-view').getAttribute('data-focus')).toBe('selection')
      await page.getByTestId('map-tab-selection').click()
      expect(await selectedRows(page)).toEqual(selected)
      expect(await dock.getAttribute('data-count')).toBe(String(selected.length))
      await page.keyboard.press('Control+Shift+Z')
      await expect.poll(() => page.getByTestId('map-view').getAttribute('data-focus')).toBe('none')
      await page.getByTestId('map-undo').click()
      await expect.poll(() => page.getByTestId('map-view').getAttribute('data-focus')).toBe('selection')

      // ? shows the shortcuts; Esc closes them.
      await page.keyboard.press('?')
      const help = page.getByTestId('map-help')
      await help.waitFor()
      expect(await help.textContent()).toMatch(/fit the map to the data/)
      expect(await help.textContent()).toMatch(/undo/)
      await page.screenshot({ path: path.join(artifactsDir, `map-help-${size.width}x${size.height}.png`) })
      await page.keyboard.press('Escape')
      await help.waitFor({ state: 'detached' })

      // A click on a cluster's legend entry hides the cluster and its label; a second click brings both back.
      const mapCanvas = page.getByTestId('map-canvas')
      const labels = Number(await mapCanvas.getAttribute('data-labels'))
      await page.getByTestId('map-legend-item').first().click()
      await expect.poll(() => page.getByTestId('map-view').getAttribute('data-hidden-clusters')).toBe('1')
      await expect.poll(async () => Number(await mapCanvas.getAttribute('data-labels'))).toBe(labels - 1)
      await page.getByTestId('map-legend-item').first().click()
      await expect.poll(async () => Number(await mapCanvas.getAttribute('data-labels'))).toBe(labels)

      // Density contours under the points, on the whole map (look at the screenshot).
      await page.keyboard.press('f')
      const drawn = Number(await mapCanvas.getAttribute('data-frames'))
      await page.getByTestId('map-density').check()
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="map-canvas"]')?.getAttribute('data-frames')) > n, drawn)
      await page.screenshot({ path: path.join(artifactsDir, `map-density-${size.width}x${size.height}.png`) })
      await page.getByTestId('map-density').uncheck()
      expect(problems).toEqual([])
    }, 300_000)
  })
}
