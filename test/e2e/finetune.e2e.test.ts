import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { realModel } from '../helpers/real-models'
import { mappedAgNews, type MappedWorkspace } from './support/mapped-dataset'
import { artifactsDir } from './support/paths'
import { openDataset, waitForMap } from './support/workspace-ui'

/**
 * The Fine-tune view in Chromium (browser mode) on real data: AG News rows embedded and mapped with the real
 * all-MiniLM-L6-v2, an adapter trained on "rows of the same category belong together" from the view, the live loss
 * curve and the before/after table, then "Use this model" embeds and maps the dataset with the new model and the two
 * maps are shown side by side, aligned, with the rows that moved most.
 */
const ROWS = 300
let w: MappedWorkspace | undefined

beforeAll(async () => {
  w = await mappedAgNews({ rows: ROWS, prefix: 'finetune', model: realModel('all-MiniLM-L6-v2') })
}, 900_000)

afterAll(async () => {
  await w?.close()
})

describe('browser mode: the Fine-tune view', () => {
  it('previews, trains an adapter with a live loss curve, shows before/after, and opens the aligned maps', async () => {
    const { page, problems } = w!.browser
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(w!.serve.url)
    await openDataset(page, 1)
    await waitForMap(page, 1)
    await page.getByTestId('finetune-toggle').click()
    await page.getByTestId('finetune-view').waitFor()

    // The base model is the one the dataset was embedded with (a folder registered as a local model).
    const options = await page.getByTestId('finetune-model').locator('option').allTextContents()
    expect(options.length).toBeGreaterThan(0)
    await page.getByTestId('finetune-source-label').check()
    await page.getByTestId('finetune-label').selectOption('category')
    await page.getByTestId('finetune-hyper-evalSplit').fill('0.2')
    await page.getByTestId('finetune-preview-btn').click()
    await page
      .getByTestId('finetune-preview')
      .waitFor({ timeout: 60_000 })
      .catch(async (err: unknown) => {
        await page.screenshot({ path: path.join(artifactsDir, 'finetune-failure.png') })
        throw new Error(`${String(err)}\nview: ${await page.getByTestId('finetune-view').textContent()}\nproblems: ${problems.join('; ')}`)
      })
    // Mined from the vectors the dataset already has: statistics and examples shown before training.
    await page.getByTestId('finetune-negatives').waitFor()
    expect(await page.getByTestId('finetune-preview').textContent()).toMatch(/training pairs/)
    await page.getByTestId('finetune-view').evaluate((el) => el.scrollTo(0, 0))
    await page.screenshot({ path: path.join(artifactsDir, 'finetune-preview-1440x900.png') })

    await page.getByTestId('finetune-start').click()
    await page.getByTestId('finetune-use-model').waitFor({ timeout: 300_000 })
    const chart = page.getByTestId('finetune-loss-chart')
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0)
    expect(Number(await chart.getAttribute('data-evals'))).toBeGreaterThan(1)
    const table = await page.getByTestId('finetune-before-after').textContent()
    expect(table).toMatch(/nDCG@10\s*0\.\d{4}\s*0\.\d{4}/)
    // Held-out rows land among their own category more often after training (measured 0.75 → 0.84 on these rows).
    await expect.poll(() => page.getByTestId('finetune-before-after').locator('tbody tr').first().locator('.ft-up').count()).toBe(1)
    await page.screenshot({ path: path.join(artifactsDir, 'finetune-trained-1440x900.png') })

    await page.getByTestId('finetune-use-model').click()
    await page.getByTestId('finetune-compare').waitFor({ timeout: 600_000 })
    await page.getByTestId('finetune-moved').locator('li').first().waitFor()
    // The adapter changed the model: some neighbourhoods differ between the two maps.
    expect(Number(await page.getByTestId('finetune-compare').getAttribute('data-mean-change'))).toBeGreaterThan(0)
    // Hover linked: a row of the moved list rings the same row in both maps (the caption names it).
    const movedRow = page.getByTestId('finetune-moved').locator('li').nth(2)
    await movedRow.scrollIntoViewIfNeeded()
    await movedRow.hover({ force: true })
    await expect.poll(() => page.getByTestId('finetune-compare').textContent()).toMatch(/Row \d+/)
    await page.getByTestId('finetune-compare').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(artifactsDir, 'finetune-compare-1440x900.png') })
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.getByTestId('finetune-compare').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(artifactsDir, 'finetune-compare-1280x720.png') })
    await page.getByTestId('finetune-run').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(artifactsDir, 'finetune-trained-1280x720.png') })
    expect(problems).toEqual([])
  }, 900_000)
})
