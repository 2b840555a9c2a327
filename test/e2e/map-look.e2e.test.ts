import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifactsDir } from './support/paths'
import { mappedAgNews, type MappedWorkspace } from './support/mapped-dataset'
import { openDataset } from './support/workspace-ui'

/** Colour by a metadata column, filter (dimming, cross-filtered histograms), dark theme, and a view saved with the dataset. */
const ROWS = 400
/** The filter the test applies: these categories, and id ≤ MAX_ID. */
const KEEP = ['Sports', 'World']
const MAX_ID = 199
/** Column indices in the CSV header (id,label,category,title,description,text). */
const ID_COLUMN = 0
const CATEGORY_COLUMN = 2

let w: MappedWorkspace | undefined
let records: Record<string, string>[]

beforeAll(async () => {
  w = await mappedAgNews({ rows: ROWS, prefix: 'look' })
  records = w.records
}, 900_000)

afterAll(async () => {
  await w?.close()
})

const countBy = (rows: Record<string, string>[], key: string) => rows.reduce((m, r) => m.set(r[key], (m.get(r[key]) ?? 0) + 1), new Map<string, number>())

/** The rows the map should dim for the test's filter, computed from the CSV itself. */
function expectedDimmed(): number[] {
  return records.flatMap((r, i) => (KEEP.includes(r.category) && Number(r.id) <= MAX_ID ? [] : [i]))
}

async function dimmedRows(): Promise<number[]> {
  return w!.browser.page.evaluate(() => window.__embedmapMap!.dimmedRows())
}

async function openMap(): Promise<void> {
  const { page } = w!.browser
  await openDataset(page, 1)
  await page.locator('[data-testid="map-canvas"][data-rendered="true"]').waitFor({ timeout: 60_000 })
}

/** The categorical legend's entries as label → count. */
async function legendCategories(): Promise<Map<string, number>> {
  const items = w!.browser.page.getByTestId('map-legend-category')
  const labels = await items.locator('.map-legend__label').allTextContents()
  const counts = await items.locator('.muted').allTextContents()
  return new Map(labels.map((l, i) => [l, Number(counts[i].replace(/,/g, ''))]))
}

/** Every check that the look (column colours, both filters, dimming) is what the CSV says it should be. */
async function expectFilteredLook(): Promise<void> {
  const { page } = w!.browser
  // Colour by category: one legend entry per category of the CSV, with its row count.
  await page.locator('[data-testid="map-legend"][data-column-type="categorical"]').waitFor({ timeout: 30_000 })
  expect(await legendCategories()).toEqual(countBy(records, 'category'))
  // Passing rows: the filter strip's count and the colours the map draws agree with the CSV.
  const dimmed = expectedDimmed()
  await expect.poll(() => page.getByTestId('map-filter-count').getAttribute('data-matching'), { timeout: 30_000 }).toBe(String(ROWS - dimmed.length))
  await expect.poll(dimmedRows, { timeout: 30_000 }).toEqual(dimmed)
  // Cross-filtering: the category histogram counts rows passing the id filter only, per category.
  const categoryCard = page.locator(`[data-testid="map-filter"][data-column="${CATEGORY_COLUMN}"]`)
  const bins = categoryCard.getByTestId('map-hist-bin')
  const shown = new Map(
    await bins.evaluateAll((els) => els.map((e) => [e.getAttribute('data-key')!, Number(e.getAttribute('data-count'))] as [string, number])),
  )
  const lowIds = records.filter((r) => Number(r.id) <= MAX_ID)
  expect(shown).toEqual(countBy(lowIds, 'category'))
  expect(
    await categoryCard.locator('[data-testid="map-hist-bin"][aria-pressed="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')).sort()),
  ).toEqual(KEEP)
}

describe('browser mode: how the map looks', () => {
  it('colours by a column, dims what the filters reject, switches to dark, and restores the view saved with the dataset', async () => {
    const { page, problems } = w!.browser
    // Wider than the other tests' window, so the screenshot shows the filters and a readable map side by side.
    await page.setViewportSize({ width: 1800, height: 1100 })
    await page.goto(w!.serve.url)
    await openMap()

    await page.getByTestId('map-color-column').selectOption({ label: 'category' })
    await page.locator('[data-testid="map-legend"][data-column-type="categorical"]').waitFor({ timeout: 30_000 })
    expect(await legendCategories()).toEqual(countBy(records, 'category'))
    expect(await dimmedRows()).toEqual([])

    // Filters: two categories, then id ≤ 199 (numeric); the rest dims.
    await page.getByTestId('map-filter-add').selectOption({ label: 'category' })
    const categoryCard = page.locator(`[data-testid="map-filter"][data-column="${CATEGORY_COLUMN}"]`)
    for (const key of KEEP) await categoryCard.locator(`[data-testid="map-hist-bin"][data-key="${key}"]`).click()
    await page.getByTestId('map-filter-add').selectOption({ label: 'id' })
    await page.locator(`[data-testid="map-filter"][data-column="${ID_COLUMN}"]`).getByTestId('map-filter-max').fill(String(MAX_ID))
    await expectFilteredLook()

    // Dark theme: the page and the map's dimmed colour follow.
    await page.getByTestId('map-theme').click()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await expect.poll(dimmedRows, { timeout: 30_000 }).toEqual(expectedDimmed())

    await page.getByTestId('map-save-view').click()
    await page.locator('[data-testid="map-save-view"][data-state="saved"]').waitFor({ timeout: 15_000 })
    const frames = Number(await page.getByTestId('map-canvas').getAttribute('data-frames'))
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="map-canvas"]')?.getAttribute('data-frames')) >= n, frames)
    await page.screenshot({ path: path.join(artifactsDir, 'map-column-filter.png') })

    // Forget what this browser remembered, so only the view saved with the dataset can bring the look back.
    await page.evaluate(() => localStorage.clear())
    await page.reload()
    await openMap()
    expect(await page.getByTestId('map-color-mode').getAttribute('data-mode')).toBe('column')
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    expect(await page.getByTestId('map-theme').getAttribute('data-theme')).toBe('dark')
    await expectFilteredLook()
    expect(await page.locator(`[data-testid="map-filter"][data-column="${ID_COLUMN}"]`).getByTestId('map-filter-max').inputValue()).toBe(String(MAX_ID))
    expect(problems).toEqual([])
  }, 300_000)
})
