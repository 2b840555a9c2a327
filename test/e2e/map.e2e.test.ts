import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifactsDir } from './support/paths'
import { mappedAgNews, type MappedWorkspace } from './support/mapped-dataset'
import { openDataset } from './support/workspace-ui'

const ROWS = 400

let w: MappedWorkspace | undefined
let texts: string[]

beforeAll(async () => {
  w = await mappedAgNews({
    rows: ROWS,
    prefix: 'map',
    // A second copy, embedded but not analyzed: the map offers to analyze it.
    before: ({ csv, cli, tmp }) => {
      cli(['import', csv, '--name', 'not analyzed', '--new'])
      cli(['embed', '--dataset', '2', '--model', path.join(tmp, 'tiny-model')])
    },
  })
  texts = w.records.map((r) => r.text)
}, 900_000)

afterAll(async () => {
  await w?.close()
})

describe('browser mode: the map', () => {
  it('draws the analyzed dataset with cluster labels, a hover tooltip with the row text, and row details on click', async () => {
    const { page, problems } = w!.browser
    await page.goto(w!.serve.url)
    await openDataset(page, 1)

    // The first frame: deck.gl has drawn every point (SwiftShader is slow; the canvas marks itself after onAfterRender).
    const canvas = page.getByTestId('map-canvas')
    await canvas.waitFor({ timeout: 30_000 })
    await page.locator('[data-testid="map-canvas"][data-rendered="true"]').waitFor({ timeout: 60_000 })
    expect(await canvas.getAttribute('data-points')).toBe(String(ROWS))
    expect(Number(await canvas.getAttribute('data-labels'))).toBeGreaterThan(0)
    expect(await page.getByTestId('map-summary').textContent()).toMatch(/^400 rows · \d+ clusters$/)

    // Cluster labels: one legend entry per cluster, with the keyword label the map draws at its centre.
    const legend = page.getByTestId('map-legend-item')
    const labelCount = await legend.count()
    expect(labelCount).toBeGreaterThan(1)
    for (const label of await legend.locator('.map-legend__label').allTextContents()) expect(label.trim().length).toBeGreaterThan(0)

    // Hover a point that is not hidden under another: the tooltip shows that row's text, cluster and score.
    const target = await page
      .waitForFunction(() => window.__embedmapMap?.findPickableRow(80) ?? null, undefined, { timeout: 30_000 })
      .then((h) => h.jsonValue())
    expect(target).not.toBeNull()
    await page.mouse.move(target!.x - 20, target!.y - 20)
    await page.mouse.move(target!.x, target!.y)
    const tooltip = page.getByTestId('map-tooltip')
    await tooltip.waitFor({ timeout: 30_000 })
    expect(await tooltip.getAttribute('data-row')).toBe(String(target!.row))
    await page.locator('[data-testid="map-tooltip-text"][data-loaded="true"]').waitFor({ timeout: 15_000 })
    const shown = (await page.getByTestId('map-tooltip-text').textContent()) ?? ''
    expect(texts[target!.row].startsWith(shown.replace(/…$/, ''))).toBe(true)
    expect(shown.length).toBeGreaterThan(10)
    expect(await page.getByTestId('map-tooltip-cluster').textContent()).not.toBe('no cluster')
    expect(await page.getByTestId('map-tooltip-score').textContent()).toMatch(/^score [01]\.\d\d$/)

    // Screenshot with the tooltip up, after the hover highlight has been drawn.
    const framesBefore = Number(await canvas.getAttribute('data-frames'))
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="map-canvas"]')?.getAttribute('data-frames')) >= n, framesBefore, {
      timeout: 30_000,
    })
    await page.screenshot({ path: path.join(artifactsDir, 'map.png') })

    // Click: the details panel with the full row and its nearest rows.
    await page.mouse.click(target!.x, target!.y)
    const details = page.getByTestId('map-details')
    await details.waitFor({ timeout: 15_000 })
    expect(await details.getAttribute('data-row')).toBe(String(target!.row))
    await expect.poll(() => page.getByTestId('map-details-text').textContent(), { timeout: 15_000 }).toBe(texts[target!.row])
    await expect.poll(() => page.getByTestId('map-neighbor').count(), { timeout: 15_000 }).toBe(10)
    const neighborRows = await page.getByTestId('map-neighbor').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row'))))
    expect(neighborRows).not.toContain(target!.row)

    // Colour by anomaly score: the legend becomes the scale, and the map draws again.
    const frames = Number(await canvas.getAttribute('data-frames'))
    await page.getByTestId('map-color-anomaly').click()
    expect(await page.getByTestId('map-color-mode').getAttribute('data-mode')).toBe('anomaly')
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="map-canvas"]')?.getAttribute('data-frames')) > n, frames, {
      timeout: 30_000,
    })
    expect(await page.getByTestId('map-legend-item').count()).toBe(0)
    await page.screenshot({ path: path.join(artifactsDir, 'map-anomaly.png') })

    expect(problems).toEqual([])
  }, 300_000)

  it('offers Analyze for an embedded dataset without a map, follows the job, then draws the map', async () => {
    const { page, problems } = w!.browser
    await openDataset(page, 2)
    const prompt = page.getByTestId('map-prompt')
    await prompt.waitFor({ timeout: 30_000 })
    await prompt.getByTestId('analyze-start').click()
    // The job's progress shows while it runs (it may already be done); then analysis.changed brings the map.
    await page.locator('[data-testid="map-canvas"][data-rendered="true"]').waitFor({ timeout: 120_000 })
    expect(await page.getByTestId('map-canvas').getAttribute('data-points')).toBe(String(ROWS))
    expect(await page.getByTestId('map-prompt').count()).toBe(0)
    expect(problems).toEqual([])
  }, 300_000)
})
