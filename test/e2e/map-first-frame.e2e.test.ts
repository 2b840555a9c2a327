import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildMapWorkspace } from '../../bench/map-data'
import { launchBrowser, type Browser } from './support/browser'
import { startServe, type ServeProcess } from './support/cli'
import { cliWorkspace } from './support/cli-workspace'
import { artifactsDir } from './support/paths'
import { ensureRendererBuilt } from './support/renderer'
import { openDataset, waitForMap } from './support/workspace-ui'

/**
 * The map's first frames (MapCanvas.tsx): a map over the moving budget in software WebGL first draws its moving
 * share (the rows a pan draws) and every point in the frame after that one is on screen; a map within the budget
 * draws every point in its first frame. Either way no frame is drawn twice (a resize, a late fit or its labels once
 * queued a second and a third draw of every point: seconds each at 1M). `npm run bench -- map` times it at 1M; here
 * the 20k-point synthetic map of bench map-data, with the test's budget below that (set before the map mounts).
 */
const ROWS = 20_000
const BUDGET = 5_000

let tmp = ''
let serve: ServeProcess | undefined
let browser: Browser | undefined

beforeAll(async () => {
  await ensureRendererBuilt()
  const w = cliWorkspace('first-frame')
  tmp = w.tmp
  buildMapWorkspace(w.db, ROWS)
  serve = await startServe(w.db, 60_000)
  browser = await launchBrowser()
  // Every frame the map draws, from the page's start: the points it drew. The test's first-frame options come from
  // sessionStorage, so one page can load with and without them.
  await browser.page.addInitScript(() => {
    const log: number[] = []
    ;(window as unknown as { __frames: number[] }).__frames = log
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target as HTMLElement
        if (el.dataset.testid === 'map-canvas') log.push(Number(el.dataset.drawnPoints))
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-frames'] })
    const opts = sessionStorage.getItem('e2e-first-frame')
    if (opts) window.__embedmapMapFirstFrame = JSON.parse(opts)
  })
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

/** The ids of the layers deck.gl has now (the labels come with every point, not with the share). */
const layerIds = (page: Page) =>
  page.evaluate(() => (window.__embedmapMap!.deck()?.props.layers ?? []).flat().map((l) => (l && typeof l === 'object' && 'id' in l ? l.id : null)))

const frames = (page: Page) => page.evaluate(() => (window as unknown as { __frames: number[] }).__frames.slice())

/** Loads the app afresh (no remembered view) with these first-frame options and opens the map. */
async function openMap(page: Page, opts: { budget: number; hold: boolean } | null): Promise<void> {
  await page.goto(serve!.url)
  await page.evaluate((o) => {
    localStorage.clear()
    if (o) sessionStorage.setItem('e2e-first-frame', JSON.stringify(o))
    else sessionStorage.removeItem('e2e-first-frame')
  }, opts)
  await page.reload()
  await openDataset(page, 1)
  await waitForMap(page, 1)
}

for (const size of [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
]) {
  describe(`browser mode: the map's first frames at ${size.width}x${size.height}`, () => {
    it('draws the moving share first and every point next above the budget, every point at once within it, and nothing twice', async () => {
      const { page, problems } = browser!
      await page.setViewportSize(size)

      // Within the budget (20k points in software WebGL): one frame, every point and the labels.
      await openMap(page, null)
      await page.waitForTimeout(1500)
      expect(await frames(page)).toEqual([ROWS])
      expect(await layerIds(page)).toEqual(['points', 'cluster-labels'])

      // Over the budget: the share, held on screen for its screenshot.
      await openMap(page, { budget: BUDGET, hold: true })
      const share = (await page.evaluate(() => window.__embedmapMap!.movingPoints()))!
      expect(share).toBeGreaterThan(BUDGET * 0.9)
      expect(share).toBeLessThan(BUDGET * 1.1)
      await page.waitForTimeout(1000)
      expect(await frames(page)).toEqual([share])
      expect(await layerIds(page)).toEqual(['points-moving'])
      // What the first frame draws is what it picks: rows left out of the share are not hovered yet.
      const notDrawn = await page.evaluate(() => {
        let n = 0
        for (let r = 0; r < 2_000; r++) if (!window.__embedmapMap!.isDrawn(r)) n++
        return n
      })
      expect(notDrawn).toBeGreaterThan(1_200)
      await page.screenshot({ path: path.join(artifactsDir, `map-first-frame-share-${size.width}x${size.height}.png`) })

      // Released: the next frame draws every point, and nothing follows it.
      await page.evaluate(() => window.__embedmapMap!.releaseFirstFrame())
      await expect.poll(() => frames(page), { timeout: 15_000 }).toEqual([share, ROWS])
      await page.waitForTimeout(1500)
      expect(await frames(page)).toEqual([share, ROWS])
      expect(await layerIds(page)).toEqual(['points', 'points-moving', 'cluster-labels'])
      expect(await page.evaluate(() => window.__embedmapMap!.isDrawn(0) && window.__embedmapMap!.isDrawn(1) && window.__embedmapMap!.isDrawn(2))).toBe(true)
      await page.screenshot({ path: path.join(artifactsDir, `map-first-frame-full-${size.width}x${size.height}.png`) })

      // Without a hold the two frames follow each other by themselves.
      await openMap(page, { budget: BUDGET, hold: false })
      await expect.poll(() => frames(page), { timeout: 15_000 }).toEqual([share, ROWS])
      await page.waitForTimeout(1000)
      expect(await frames(page)).toEqual([share, ROWS])
      expect(problems).toEqual([])
    }, 120_000)
  })
}
