import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildMapWorkspace } from '../../bench/map-data'
import { launchBrowser, type Browser } from './support/browser'
import { startServe, type ServeProcess } from './support/cli'
import { cliWorkspace } from './support/cli-workspace'
import { freeDragStart } from './support/map-drag'
import { artifactsDir } from './support/paths'
import { ensureRendererBuilt } from './support/renderer'
import { openDataset, waitForMap } from './support/workspace-ui'

/**
 * While the map is dragged or wheel-zoomed, software WebGL draws a fixed random share of the points, and every point
 * once the map is at rest (map/move-preview.ts; `npm run bench -- map` times it at 1M). The synthetic map of bench
 * map-data (40 blobs of very different sizes and spreads, 1 % scattered outliers) at 20k points, which software WebGL
 * draws whole: the test hook sets the moving budget to a quarter of that, so the moving share is visible here.
 */
const ROWS = 20_000
const BUDGET = 5_000

let tmp = ''
let serve: ServeProcess | undefined
let browser: Browser | undefined

beforeAll(async () => {
  await ensureRendererBuilt()
  const w = cliWorkspace('pan')
  tmp = w.tmp
  buildMapWorkspace(w.db, ROWS)
  serve = await startServe(w.db, 60_000)
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

const drawn = async (page: Page) => Number(await page.getByTestId('map-canvas').getAttribute('data-drawn-points'))

/** Every frame the map draws from now on, as the number of points it had. */
async function recordFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="map-canvas"]')!
    const log: number[] = []
    ;(window as unknown as { __panLog: number[] }).__panLog = log
    new MutationObserver(() => log.push(Number(el.dataset.drawnPoints))).observe(el, { attributes: true, attributeFilter: ['data-frames'] })
  })
}
const framesSince = (page: Page) => page.evaluate(() => (window as unknown as { __panLog: number[] }).__panLog.splice(0))

/**
 * How alike two screenshots of the same view are where the points are: the canvas area left free by the overlays,
 * cut into 16 px cells, each cell's share of non-background pixels; the Pearson correlation of the two grids, and
 * the share of the full map's inked cells that the moving map inks too. Decoded in the page (no PNG library here).
 */
async function inkLikeness(page: Page, moving: Buffer, full: Buffer): Promise<{ correlation: number; covered: number; cells: number }> {
  const free = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="map-canvas"]')!.getBoundingClientRect()
    let left = c.left
    let right = c.right
    const legend = document.querySelector('.map-legend-box')?.getBoundingClientRect()
    const dock = document.querySelector('[data-testid="map-dock"]')?.getBoundingClientRect()
    if (legend) left = Math.max(left, legend.right)
    if (dock && dock.width > 0) right = Math.min(right, dock.left)
    return { x: Math.ceil(left), y: Math.ceil(c.top + 8), w: Math.floor(right - left), h: Math.floor(c.height - 60) }
  })
  return page.evaluate(
    async ([a, b, r]) => {
      // No named helper functions in here: a transpiler may wrap them in a __name() call the page does not have.
      const pix: Uint8ClampedArray[] = []
      for (const b64 of [a, b]) {
        const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
        const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }))
        const cv = new OffscreenCanvas(bmp.width, bmp.height)
        const ctx = cv.getContext('2d')!
        ctx.drawImage(bmp, 0, 0)
        pix.push(ctx.getImageData(r.x, r.y, r.w, r.h).data)
      }
      const CELL = 16
      const cols = Math.floor(r.w / CELL)
      const rows = Math.floor(r.h / CELL)
      // The background is the most common colour of the full frame.
      const counts = new Map<number, number>()
      for (let i = 0; i < pix[1].length; i += 4) {
        const k = (pix[1][i] << 16) | (pix[1][i + 1] << 8) | pix[1][i + 2]
        counts.set(k, (counts.get(k) ?? 0) + 1)
      }
      const bg = [...counts.entries()].sort((x, y) => y[1] - x[1])[0][0]
      const inks: Float64Array[] = []
      const means: number[] = []
      for (const p of pix) {
        const out = new Float64Array(cols * rows)
        for (let y = 0; y < rows * CELL; y++)
          for (let x = 0; x < cols * CELL; x++) {
            const i = 4 * (y * r.w + x)
            const d = Math.abs(p[i] - ((bg >> 16) & 255)) + Math.abs(p[i + 1] - ((bg >> 8) & 255)) + Math.abs(p[i + 2] - (bg & 255))
            if (d > 24) out[Math.floor(y / CELL) * cols + Math.floor(x / CELL)] += 1 / (CELL * CELL)
          }
        inks.push(out)
        means.push(out.reduce((sum, v) => sum + v, 0) / out.length)
      }
      const [ia, ib] = inks
      const [ma, mb] = means
      let sab = 0
      let saa = 0
      let sbb = 0
      let inked = 0
      let both = 0
      for (let k = 0; k < ia.length; k++) {
        sab += (ia[k] - ma) * (ib[k] - mb)
        saa += (ia[k] - ma) ** 2
        sbb += (ib[k] - mb) ** 2
        if (ib[k] > 0.05) {
          inked++
          if (ia[k] > 0) both++
        }
      }
      return { correlation: sab / Math.sqrt(saa * sbb), covered: both / inked, cells: inked }
    },
    [moving.toString('base64'), full.toString('base64'), free] as const,
  )
}

for (const size of [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
]) {
  describe(`browser mode: panning at ${size.width}x${size.height}`, () => {
    it('draws the moving share of the points during a drag and a wheel zoom, every point at rest, and picks only what is drawn', async () => {
      const { page, problems } = browser!
      await page.setViewportSize(size)
      await page.goto(serve!.url)
      await page.evaluate(() => localStorage.clear())
      await page.reload()
      await openDataset(page, 1)
      await waitForMap(page, 1)
      expect(await drawn(page)).toBe(ROWS)
      // Software WebGL draws 20k points whole, so no moving share without the test's budget.
      expect(await page.evaluate(() => window.__embedmapMap!.movingPoints())).toBeNull()
      await page.evaluate((b) => window.__embedmapMap!.setMoveBudget(b), BUDGET)
      const share = (await page.evaluate(() => window.__embedmapMap!.movingPoints()))!
      expect(share).toBeGreaterThan(BUDGET * 0.9)
      expect(share).toBeLessThan(BUDGET * 1.1)
      await recordFrames(page)

      // A drag in steps, the button held still at the end for longer than the settle time: the share throughout.
      const { x, y } = await freeDragStart(page, 160, 60)
      const before = await page.evaluate(() => window.__embedmapMap!.view().target)
      await page.mouse.move(x, y)
      await page.mouse.down()
      // A press alone changes nothing (no moving look for a click); frames so far (a hover ring) are not the drag's.
      await page.waitForTimeout(300)
      await framesSince(page)
      for (let i = 1; i <= 4; i++) {
        await page.mouse.move(x + i * 40, y + i * 15, { steps: 2 })
        await expect.poll(() => drawn(page), { timeout: 15_000 }).toBe(share)
      }
      await page.waitForTimeout(600)
      expect(await drawn(page)).toBe(share)
      // From its first moving frame to the release, every frame draws the share (before it, the hover ring around
      // the point under the pointer may go: a full frame at 20k, none above 200k in software WebGL).
      const during = await framesSince(page)
      const started = during.indexOf(share)
      expect(started, `frames: ${during.join(', ')}`).toBeGreaterThanOrEqual(0)
      expect(started).toBeLessThanOrEqual(1)
      expect(during.slice(started).every((n) => n === share)).toBe(true)
      const dragShot = await page.screenshot({ path: path.join(artifactsDir, `map-pan-drag-${size.width}x${size.height}.png`) })
      // While moving, a row that is not drawn is not picked: every row hover finds at its own position is drawn.
      const picked = await page.evaluate(() => {
        const map = window.__embedmapMap!
        const rows = map.pickableRows(5_000)
        const notDrawn: number[] = []
        for (let r = 0; r < 5_000; r++) if (!map.isDrawn(r)) notDrawn.push(r)
        return { rows: rows.length, drawn: rows.filter((r) => map.isDrawn(r)).length, notDrawn }
      })
      expect(picked.rows).toBeGreaterThan(30)
      expect(picked.drawn).toBe(picked.rows)
      // about three quarters of the rows are left out of the share
      expect(picked.notDrawn.length).toBeGreaterThan(3_000)

      await page.mouse.up()
      await expect.poll(() => drawn(page), { timeout: 15_000 }).toBe(ROWS)
      await page.waitForTimeout(500)
      const after = await page.evaluate(() => window.__embedmapMap!.view().target)
      expect(after[0]).not.toBeCloseTo(before[0], 3)
      // No second full frame was queued behind the first (label positions settle in the same redraw).
      const released = await framesSince(page)
      expect(released.filter((n) => n === ROWS).length).toBe(1)
      const afterShot = await page.screenshot({ path: path.join(artifactsDir, `map-pan-after-${size.width}x${size.height}.png`) })

      // The moving map looks like the map: ink where the full map has it, in proportion.
      const like = await inkLikeness(page, dragShot, afterShot)
      console.log(
        `[pan ${size.width}x${size.height}] moving share ${share} of ${ROWS}; ink correlation ${like.correlation.toFixed(3)}, inked cells also inked ${like.covered.toFixed(3)} of ${like.cells}`,
      )
      expect(like.cells).toBeGreaterThan(100)
      expect(like.correlation).toBeGreaterThan(0.85)
      expect(like.covered).toBeGreaterThan(0.85)

      // At rest, hover picks among all rows again (rows left out while moving among them), and the tooltip shows.
      const atRest = await page.evaluate(() => window.__embedmapMap!.pickableRows(5_000))
      const leftOut = new Set(picked.notDrawn)
      expect(atRest.filter((r) => leftOut.has(r)).length).toBeGreaterThan(0)
      const row = await page.evaluate(() => window.__embedmapMap!.findPickableRow(200))
      expect(row).not.toBeNull()
      await page.mouse.move(row!.x, row!.y)
      await expect.poll(() => page.getByTestId('map-canvas').getAttribute('data-hovered'), { timeout: 10_000 }).not.toBeNull()

      // Wheel zoom counts as moving: the share while the wheel turns, every point once it is still.
      await page.mouse.move(x, y)
      await page.mouse.wheel(0, -200)
      await expect.poll(() => drawn(page), { timeout: 15_000 }).toBe(share)
      await expect.poll(() => drawn(page), { timeout: 15_000 }).toBe(ROWS)
      const wheel = await framesSince(page)
      expect(wheel).toContain(share)
      expect(wheel[wheel.length - 1]).toBe(ROWS)

      // Clicking without moving does not switch to the moving look.
      await page.mouse.click(x, y)
      await page.waitForTimeout(500)
      expect((await framesSince(page)).every((n) => n === ROWS)).toBe(true)
      expect(problems).toEqual([])
    }, 120_000)
  })
}
