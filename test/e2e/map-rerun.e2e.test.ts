/**
 * The Run panel's "run again": 600 AG News rows mapped by all-MiniLM-L6-v2 with k chosen by silhouette (the peak is
 * k = 3, Business and Sci/Tech in one cluster); the panel offers the close runner-ups (within 90 % of the peak) as
 * one-click runs, and picking one re-runs the analysis with that k and shows the new map. The form keeps the other
 * settings of the shown run. Screenshots: test/artifacts/map-rerun-*.png.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { realModel } from '../helpers/real-models'
import { mappedAgNews, type MappedWorkspace } from './support/mapped-dataset'
import { artifactsDir } from './support/paths'
import { openDataset, waitForMap } from './support/workspace-ui'

let w: MappedWorkspace | undefined

beforeAll(async () => {
  w = await mappedAgNews({ rows: 600, prefix: 'rerun', model: realModel('all-MiniLM-L6-v2') })
}, 900_000)

afterAll(async () => {
  await w?.close()
})

describe('browser mode: run the analysis again from the Run panel', () => {
  it('offers the k whose silhouette is close to the peak, and one click maps the data with that k', { timeout: 300_000 }, async () => {
    const { page, problems } = w!.browser
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(w!.serve.url)
    await openDataset(page, 1)
    await waitForMap(page, 1)
    const firstRun = await page.getByTestId('map-canvas').getAttribute('data-run-id')
    await page.getByTestId('map-tab-run').click()
    const points = page.getByTestId('silhouette-plot').locator('circle')
    await expect.poll(() => points.count()).toBe(19) // k = 2…20
    const curve = await points.evaluateAll((els) =>
      els.map((el) => ({ k: Number(el.getAttribute('data-k')), silhouette: Number(el.getAttribute('data-silhouette')) })),
    )
    const best = Math.max(...curve.map((c) => c.silhouette))
    const chosenK = curve.find((c) => c.silhouette === best)!.k
    expect(await page.getByTestId('run-panel').textContent()).toContain(`${chosenK} clusters`)
    const offered = page.getByTestId('rerun-alternative')
    await expect.poll(() => offered.count()).toBeGreaterThan(0)
    const ks = (await offered.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-k'))))) as number[]
    // Exactly the curve's k within 90 % of the peak (at most the three best), in k order, the shown k left out.
    const expected = curve
      .filter((c) => c.k !== chosenK && c.silhouette >= 0.9 * best)
      .sort((a, b) => b.silhouette - a.silhouette)
      .slice(0, 3)
      .map((c) => c.k)
      .sort((a, b) => a - b)
    expect(ks).toEqual(expected)
    expect(ks).toContain(4) // AG News's four classes are among them
    await page.screenshot({ path: path.join(artifactsDir, 'map-rerun-offer-1440x900.png') })

    await page.locator('[data-testid="rerun-alternative"][data-k="4"]').click()
    await expect.poll(() => page.getByTestId('rerun-k').inputValue()).toBe('4')
    // The new run becomes the map: its id differs and it has 4 clusters.
    await page.locator(`[data-testid="map-canvas"][data-rendered="true"]:not([data-run-id="${firstRun}"])`).waitFor({ timeout: 180_000 })
    await expect.poll(() => page.getByTestId('map-summary').textContent(), { timeout: 30_000 }).toMatch(/600 rows · 4 clusters/)
    // The new run kept the shown run's other settings (the run picker names them).
    await page.getByTestId('map-tab-run').click()
    await expect.poll(() => page.getByTestId('run-picker').locator('option:checked').textContent()).toMatch(/k 4 · knn-text · nn 15 · min_dist 0\.1/)
    // and the form now starts from the run shown: k = 4, not "auto"
    await expect.poll(() => page.getByTestId('rerun-k').inputValue()).toBe('4')
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.screenshot({ path: path.join(artifactsDir, 'map-rerun-done-1280x720.png') })
    expect(problems).toEqual([])
  })
})
