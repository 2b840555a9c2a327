/**
 * The map of a real data set with a real model, as a user sees it: 2,000 AG News rows embedded by
 * all-MiniLM-L6-v2 (from `npm run models:test`) and analyzed with the defaults, then opened in Chromium.
 * The screenshot (test/artifacts/map-real.png) is the readable, labelled map the issue asks for; the
 * assertions check that the clusters and labels are there and that semantic search finds oil stories.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { realModel } from '../helpers/real-models'
import { artifactsDir } from './support/paths'
import { mappedAgNews, type MappedWorkspace } from './support/mapped-dataset'
import { openDataset } from './support/workspace-ui'

const ROWS = 2000

let w: MappedWorkspace | undefined

beforeAll(async () => {
  w = await mappedAgNews({ rows: ROWS, prefix: 'map-real', model: realModel('all-MiniLM-L6-v2') })
}, 900_000)

afterAll(async () => {
  await w?.close()
})

describe('browser mode: the map of 2,000 AG News rows embedded by all-MiniLM-L6-v2', () => {
  it('shows labelled clusters, and semantic search highlights oil stories', async () => {
    const { page, problems } = w!.browser
    await page.setViewportSize({ width: 1600, height: 1000 })
    await page.goto(w!.serve.url)
    await openDataset(page, 1)
    await page.locator('[data-testid="map-canvas"][data-rendered="true"]').waitFor({ timeout: 120_000 })
    const summary = (await page.getByTestId('map-summary').textContent()) ?? ''
    const k = Number(/· (\d+) clusters/.exec(summary)?.[1])
    expect(summary).toMatch(/^2,000 rows · \d+ clusters$/)
    expect(k).toBeGreaterThanOrEqual(3)
    // Every cluster has a keyword label in the legend, and the canvas draws labels at cluster centres.
    const labels = await page.getByTestId('map-legend-item').locator('.map-legend__label').allTextContents()
    expect(labels.length).toBe(k)
    for (const l of labels) expect(l.trim()).toMatch(/\p{L}{2,}/u)
    expect(Number(await page.getByTestId('map-canvas').getAttribute('data-labels'))).toBeGreaterThanOrEqual(Math.min(k, 3))
    await page.screenshot({ path: path.join(artifactsDir, 'map-real.png') })

    // A query the model has to understand: most of the top hits are about oil, though few say "oil prices".
    await page.getByTestId('search-input').fill('cost of crude going up')
    await page.getByTestId('search-input').press('Enter')
    const hits = page.getByTestId('search-hit')
    await expect.poll(() => hits.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(10)
    const top = (await hits.allTextContents()).slice(0, 10)
    expect(top.filter((t) => /oil|crude|opec|barrel|fuel|gas(oline)?|energy/i.test(t)).length).toBeGreaterThanOrEqual(6)
    expect(await page.getByTestId('map-view').getAttribute('data-focus')).toBe('search')
    await page.screenshot({ path: path.join(artifactsDir, 'map-real-search.png') })
    expect(problems).toEqual([])
  }, 600_000)
})
