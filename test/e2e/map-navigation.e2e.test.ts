import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mappedAgNews, type MappedWorkspace } from './support/mapped-dataset'
import { artifactsDir } from './support/paths'
import { openDataset, waitForMap } from './support/workspace-ui'

/**
 * The map can't get lost: it fits on first show, after switching datasets and back, and after a reload (even when
 * a lost view was remembered); zooming out is limited; F fits again; in explore mode the canvas fills the window.
 */
const ROWS = 400
/** The points' on-screen box must span at least this share of the canvas's shorter side. */
const MIN_FILL = 0.6
const MIN_CANVAS_SHARE = 0.7

let w: MappedWorkspace | undefined

beforeAll(async () => {
  w = await mappedAgNews({
    rows: ROWS,
    prefix: 'nav',
    // A second analyzed dataset to switch to and back from.
    before: ({ csv, cli, tmp }) => {
      cli(['import', csv, '--name', 'second', '--new'])
      cli(['embed', '--dataset', '2', '--model', path.join(tmp, 'tiny-model')])
      cli(['analyze', '--dataset', '2'])
    },
  })
}, 900_000)

afterAll(async () => {
  await w?.close()
})

type View = { target: number[]; zoom: number; fitZoom: number; coverage: { shownShare: number; spanShare: number }; flightCentre: [number, number] | null }
const view = (page: Page): Promise<View> => page.evaluate(() => window.__embedmapMap!.view())

async function expectFilled(page: Page, what: string): Promise<View> {
  const v = await view(page)
  expect(v.coverage.shownShare, `${what}: share of points on the canvas`).toBeGreaterThanOrEqual(0.99)
  expect(v.coverage.spanShare, `${what}: points' span / canvas shorter side`).toBeGreaterThanOrEqual(MIN_FILL)
  return v
}

/** The map canvas's area over the window's. */
async function canvasShare(page: Page): Promise<number> {
  return page.evaluate(() => {
    const r = document.querySelector('[data-testid="map-canvas"]')!.getBoundingClientRect()
    return (r.width * r.height) / (window.innerWidth * window.innerHeight)
  })
}

async function frames(page: Page): Promise<number> {
  return Number(await page.getByTestId('map-canvas').getAttribute('data-frames'))
}

for (const size of [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
]) {
  describe(`browser mode: navigation at ${size.width}x${size.height}`, () => {
    it('fits on show, after a dataset switch and a reload (even over a lost remembered view), limits zoom-out, and F fits', async () => {
      const { page, problems } = w!.browser
      await page.setViewportSize(size)
      await page.goto(w!.serve.url)
      // A view remembered by an older version: centre [0, 0] at zoom 0 over coordinates that span ~0–10.
      await page.evaluate(() => {
        localStorage.clear()
        for (const d of [1, 2]) {
          const lost = {
            version: 1,
            runId: d,
            target: [0, 0],
            zoom: 0,
            color: { by: 'cluster' },
            theme: 'light',
            pointSize: 0.1,
            opacity: 0.8,
            density: false,
            filters: [],
          }
          localStorage.setItem(`embedmap.view.${d}`, JSON.stringify(lost))
        }
      })
      await page.reload()

      await openDataset(page, 1)
      await waitForMap(page, 1)
      await expectFilled(page, 'first show over a lost remembered view')

      await openDataset(page, 2)
      await waitForMap(page, 2)
      await expectFilled(page, 'after switching to dataset 2')
      await openDataset(page, 1)
      await waitForMap(page, 1)
      const back = await expectFilled(page, 'after switching back to dataset 1')
      await page.reload()
      await waitForMap(page, 1)
      const reloaded = await expectFilled(page, 'after a reload')
      console.log(
        `[nav ${size.width}x${size.height}] fill after switch back: ${back.coverage.spanShare.toFixed(3)}, after reload: ${reloaded.coverage.spanShare.toFixed(3)}`,
      )
      await page.screenshot({ path: path.join(artifactsDir, `map-nav-reloaded-${size.width}x${size.height}.png`) })

      // Ten-plus wheel notches out: the zoom stops a quarter of the fitted size away, the data stays in sight.
      const box = (await page.getByTestId('map-canvas').boundingBox())!
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
      for (let i = 0; i < 15; i++) await page.mouse.wheel(0, 600)
      await expect.poll(async () => (await view(page)).zoom, { timeout: 15_000 }).toBeLessThan(reloaded.zoom - 1)
      const out = await view(page)
      expect(out.zoom).toBeGreaterThanOrEqual(out.fitZoom - 2 - 1e-6)
      expect(out.coverage.shownShare).toBe(1)
      expect(out.coverage.spanShare).toBeGreaterThan(0.15)
      await page.screenshot({ path: path.join(artifactsDir, `map-nav-zoomed-out-${size.width}x${size.height}.png`) })

      // Dragging far off the data: the centre stays over it.
      await page.mouse.move(box.x + 40, box.y + 40)
      await page.mouse.down()
      await page.mouse.move(box.x + box.width - 40, box.y + box.height - 40, { steps: 8 })
      await page.mouse.up()
      await page.mouse.move(box.x + 40, box.y + 40)
      await page.mouse.down()
      await page.mouse.move(box.x + box.width - 40, box.y + box.height - 40, { steps: 8 })
      await page.mouse.up()
      expect((await view(page)).coverage.shownShare).toBeGreaterThan(0)

      // F: back to the fit.
      const before = await frames(page)
      await page.keyboard.press('f')
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="map-canvas"]')?.getAttribute('data-frames')) > n, before)
      const fitted = await expectFilled(page, 'after F')
      expect(fitted.zoom).toBeCloseTo(fitted.fitZoom, 3)
      // F again after moving: a second fit to the same view must not be ignored.
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
      for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -600)
      await expect.poll(async () => (await view(page)).zoom, { timeout: 15_000 }).toBeGreaterThan(fitted.zoom + 0.5)
      await page.keyboard.press('0')
      await expect.poll(async () => (await view(page)).zoom, { timeout: 15_000 }).toBeCloseTo(fitted.fitZoom, 3)
      await expectFilled(page, 'after 0')

      // Explore mode: the map fills the window.
      const share = await canvasShare(page)
      console.log(`[nav ${size.width}x${size.height}] canvas share of the window: ${share.toFixed(3)}`)
      expect(share).toBeGreaterThanOrEqual(MIN_CANVAS_SHARE)
      expect(problems).toEqual([])
    }, 300_000)
  })
}
