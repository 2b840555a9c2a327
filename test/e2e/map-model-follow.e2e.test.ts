import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTinyModel } from '../helpers/tiny-model'
import { mappedAgNews, type MappedWorkspace } from './support/mapped-dataset'
import { artifactsDir } from './support/paths'
import { openDataset, showEmbedPanel, waitForMap } from './support/workspace-ui'

/**
 * The model pickers follow the map's run: one dataset embedded and mapped with two models (run 1: the tiny model,
 * run 2: a second tiny model with other weights). Whatever run the map shows, the Embed panel preselects its model
 * and marks its vectors, and search by meaning embeds the query with that model and searches that run's vectors.
 */
const ROWS = 200

let w: MappedWorkspace | undefined

beforeAll(async () => {
  w = await mappedAgNews({
    rows: ROWS,
    prefix: 'follow',
    before: ({ tmp, cli }) => {
      const second = path.join(tmp, 'second-model')
      writeTinyModel(second, { seed: 99 })
      cli(['embed', '--dataset', '1', '--model', second])
      cli(['analyze', '--dataset', '1'])
    },
  })
}, 600_000)

afterAll(async () => {
  await w?.close()
})

/** The embedding sets listed in the Embed panel: set id → model id, and which one is marked as on the map. */
async function sets(page: Page): Promise<{ byModel: Map<string, number>; onMap: number[] }> {
  const items = await page.getByTestId('embedding-set').evaluateAll((els) =>
    els.map((e) => ({
      set: Number(e.getAttribute('data-set-id')),
      model: e.getAttribute('data-model-id')!,
      onMap: e.getAttribute('data-on-map') === 'true',
    })),
  )
  return { byModel: new Map(items.map((i) => [i.model, i.set])), onMap: items.filter((i) => i.onMap).map((i) => i.set) }
}

const pickerValue = (page: Page) => page.getByTestId('model-select').inputValue()
const searchModel = (page: Page) => page.getByTestId('search-model').getAttribute('data-model-id')

async function showRun(page: Page, runId: number): Promise<void> {
  await page.getByTestId('map-tab-run').click()
  await page.getByTestId('run-picker').selectOption(String(runId))
  await page.locator(`[data-testid="map-canvas"][data-run-id="${runId}"][data-rendered="true"]`).waitFor({ timeout: 60_000 })
  await page.getByTestId('map-tab-search').click()
}

for (const size of [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
]) {
  describe(`browser mode: model pickers follow the map's run at ${size.width}x${size.height}`, () => {
    it('preselects the run’s model in the Embed panel, marks its vectors, searches with it, and follows a switch of runs', async () => {
      const { page, problems } = w!.browser
      await page.setViewportSize(size)
      await page.goto(w!.serve.url)
      await page.evaluate(() => localStorage.clear())
      await page.reload()
      await openDataset(page, 1)
      await waitForMap(page, 1)
      // The latest run (2) is shown: the second model's.
      await expect.poll(() => page.getByTestId('map-canvas').getAttribute('data-run-id')).toBe('2')
      await showEmbedPanel(page)
      const { byModel } = await sets(page)
      expect(byModel.size).toBe(2)
      const [first, second] = [...byModel.entries()].sort((a, b) => a[1] - b[1]).map(([model]) => model)
      await expect.poll(() => pickerValue(page)).toBe(second)
      await expect.poll(async () => (await sets(page)).onMap).toEqual([byModel.get(second)])
      await page.screenshot({ path: path.join(artifactsDir, `map-model-follow-run2-${size.width}x${size.height}.png`) })
      await page.getByTestId('embed-drawer-close').click()
      await expect.poll(() => searchModel(page)).toBe(second)

      // The run picker names each run's model; run 1 is the first model's: the picker, the marked set and search follow.
      await page.getByTestId('map-tab-run').click()
      expect(await page.getByTestId('run-picker').locator('option[value="1"]').textContent()).toContain(first)
      expect(await page.getByTestId('run-picker').locator('option[value="2"]').textContent()).toContain(second)
      await showRun(page, 1)
      await expect.poll(() => searchModel(page)).toBe(first)
      await showEmbedPanel(page)
      await expect.poll(() => pickerValue(page)).toBe(first)
      await expect.poll(async () => (await sets(page)).onMap).toEqual([byModel.get(first)])
      await page.screenshot({ path: path.join(artifactsDir, `map-model-follow-run1-${size.width}x${size.height}.png`) })

      // The user's own pick holds while the map stays on this run…
      await page.getByTestId('model-select').selectOption(second)
      await page.waitForTimeout(300)
      expect(await pickerValue(page)).toBe(second)
      await page.getByTestId('embed-drawer-close').click()

      // …search by meaning uses the shown run's vectors (set of the first model), as the request says.
      const request = page.waitForRequest((r) => r.url().includes('/api/invoke/search.semantic'))
      await page.getByTestId('search-input').fill('stocks fell on oil prices')
      await page.getByTestId('search-submit').click()
      const body = JSON.parse((await request).postData() ?? '{}') as { setId?: number }
      expect(body.setId).toBe(byModel.get(first))
      await expect.poll(() => page.getByTestId('search-count').getAttribute('data-count')).not.toBe('0')

      // …and a switch to the other model's run (and back) makes the picker follow the map again.
      await showRun(page, 2)
      await showEmbedPanel(page)
      await expect.poll(() => pickerValue(page)).toBe(second)
      await page.getByTestId('embed-drawer-close').click()
      await showRun(page, 1)
      await showEmbedPanel(page)
      await expect.poll(() => pickerValue(page)).toBe(first)
      expect(problems).toEqual([])
    }, 120_000)
  })
}
