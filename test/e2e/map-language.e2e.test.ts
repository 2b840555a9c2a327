/**
 * Colour by language and translation links on the map, in Chromium with real data and the two real models:
 *  - 60 THUCNews titles interleaved with 60 AG News rows, mapped by multilingual-e5-small: "Language" colours the
 *    rows, the legend names the languages with their counts, and a click on one isolates it (the others dim);
 *  - 100 Tatoeba Chinese–English pairs (text column English, translations in `cmn`) mapped twice, by
 *    all-MiniLM-L6-v2 and by multilingual-e5-small: the Translations tab links the Chinese sentences on each map, and
 *    e5's bitext accuracy is far higher (short links) than MiniLM's; hovering a row draws its link in bold.
 * Screenshots: test/artifacts/map-language-*.png, map-translations-*.png (e5) and map-translations-minilm-1440x900.png.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { realModel } from '../helpers/real-models'
import { sharedData } from '../helpers/tmp'
import { launchBrowser, type Browser } from './support/browser'
import { startServe, type ServeProcess } from './support/cli'
import { cliWorkspace } from './support/cli-workspace'
import { artifactsDir } from './support/paths'
import { ensureRendererBuilt } from './support/renderer'
import { openDataset, waitForMap } from './support/workspace-ui'

const PAIRS = 100
let tmp: string
let serve: ServeProcess | undefined
let browser: Browser | undefined

beforeAll(async () => {
  await ensureRendererBuilt()
  const w = cliWorkspace('language')
  tmp = w.tmp
  const { db, cli } = w
  const read = (...p: string[]) => parse(fs.readFileSync(path.join(sharedData, ...p)), { columns: true }) as Record<string, string>[]
  const zh = read('zh_thucnews_titles', 'thucnews_titles_test.csv')
  const en = read('en_ag_news_test', 'ag_news_test.csv')
  const mixed = Array.from({ length: 60 }, (_, i) => [
    { text: zh[i * 50].text, source: 'THUCNews' },
    { text: en[i * 50].title, source: 'AG News' },
  ]).flat()
  fs.writeFileSync(path.join(tmp, 'mixed.csv'), stringify(mixed, { header: true }))
  const pairs = read('parallel_tatoeba', 'tatoeba_cmn_eng.csv').slice(0, PAIRS)
  fs.writeFileSync(path.join(tmp, 'tatoeba.csv'), stringify(pairs, { header: true, columns: ['id', 'cmn', 'eng'] }))
  cli(['models', 'add', realModel('multilingual-e5-small-q4'), '--name', 'e5-small'])
  cli(['models', 'add', realModel('all-MiniLM-L6-v2'), '--name', 'minilm'])
  cli(['import', path.join(tmp, 'mixed.csv'), '--text-column', 'text'])
  cli(['embed', '--dataset', '1', '--model', 'e5-small'])
  cli(['analyze', '--dataset', '1', '--k', '2'])
  cli(['import', path.join(tmp, 'tatoeba.csv'), '--text-column', 'eng'])
  // e5's map first, MiniLM's second: the latest run (MiniLM) is the one the map opens on.
  cli(['embed', '--dataset', '2', '--model', 'e5-small'])
  cli(['analyze', '--dataset', '2', '--k', '4'])
  cli(['embed', '--dataset', '2', '--model', 'minilm'])
  cli(['analyze', '--dataset', '2', '--k', '4'])
  serve = await startServe(db, 60_000)
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

const frames = (page: Page) => page.getByTestId('map-canvas').getAttribute('data-frames').then(Number)
async function settle(page: Page, before: number) {
  await page.waitForFunction((k) => Number(document.querySelector('[data-testid="map-canvas"]')?.getAttribute('data-frames')) > k, before, { timeout: 30_000 })
}

/** Links the translations on the map now shown and returns the accuracy figure (eng → cmn) the panel shows. */
async function linkTranslations(page: Page): Promise<number> {
  await page.getByTestId('map-tab-translations').click()
  const panel = page.getByTestId('translations-panel')
  await panel.waitFor()
  expect(await page.getByTestId('translations-column').inputValue()).toBe('1') // cmn, the only other text column
  const before = await frames(page)
  await page.getByTestId('translations-start').click()
  await page.getByTestId('translations-accuracy').waitFor({ timeout: 120_000 })
  await settle(page, before)
  await expect.poll(() => page.getByTestId('map-view').getAttribute('data-translations')).toBe(String(PAIRS))
  return Number(await page.getByTestId('translations-accuracy').getAttribute('data-value'))
}

describe('browser mode: colour by language and translation links', () => {
  it('colours a mixed Chinese/English map by language, with a clickable legend of language names and counts', { timeout: 300_000 }, async () => {
    const { page, problems } = browser!
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(serve!.url)
    await openDataset(page, 1)
    await waitForMap(page, 1)
    let before = await frames(page)
    await page.getByTestId('map-color-language').click()
    const legend = page.locator('[data-testid="map-legend"][data-column-type="categorical"]')
    await legend.waitFor()
    await settle(page, before)
    expect(await page.getByTestId('map-color-language').getAttribute('aria-pressed')).toBe('true')
    const entries = await page
      .getByTestId('map-legend-category')
      .evaluateAll((els) => els.map((el) => [el.querySelector('.map-legend__label')?.textContent, el.querySelector('.muted')?.textContent]))
    expect(Object.fromEntries(entries)).toEqual({ Chinese: '60', 'English/Latin': '60' })
    await page.screenshot({ path: path.join(artifactsDir, 'map-language-1440x900.png') })

    // A click isolates a language: the other rows dim, and the filter says how many match; a second click undoes it.
    await page.getByTestId('map-legend-category').filter({ hasText: 'Chinese' }).click()
    await expect.poll(() => page.getByTestId('map-filter-count').getAttribute('data-matching')).toBe('60')
    await expect.poll(() => page.evaluate(() => window.__embedmapMap?.dimmedRows().length)).toBe(60)
    await page.getByTestId('map-legend-category').filter({ hasText: 'Chinese' }).click()
    await expect.poll(() => page.evaluate(() => window.__embedmapMap?.dimmedRows().length)).toBe(0)

    before = await frames(page)
    await page.setViewportSize({ width: 1280, height: 720 })
    await settle(page, before)
    await page.screenshot({ path: path.join(artifactsDir, 'map-language-1280x720.png') })
    expect(problems).toEqual([])
  })

  it('links 100 Tatoeba translations: multilingual-e5-small aligns them, all-MiniLM-L6-v2 does not', { timeout: 300_000 }, async () => {
    const { page, problems } = browser!
    await page.setViewportSize({ width: 1440, height: 900 })
    await openDataset(page, 2)
    await waitForMap(page, 2)
    const minilmRun = await page.getByTestId('map-canvas').getAttribute('data-run-id')
    const minilm = await linkTranslations(page)
    await page.screenshot({ path: path.join(artifactsDir, 'map-translations-minilm-1440x900.png') })

    // The other run is e5's map.
    await page.getByTestId('map-tab-run').click()
    const picker = page.getByTestId('run-picker')
    // The run list arrives after the map: wait for both runs before picking the other one.
    await expect.poll(() => picker.locator('option').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    const other = (await picker.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).find((v) => v !== minilmRun)!
    await picker.selectOption(other)
    await page.locator(`[data-testid="map-canvas"][data-run-id="${other}"][data-rendered="true"]`).waitFor({ timeout: 60_000 })
    const e5 = await linkTranslations(page)
    console.log(`bitext accuracy shown: e5 ${e5}, MiniLM ${minilm}`)
    expect(e5).toBeGreaterThanOrEqual(0.85)
    expect(e5).toBeGreaterThan(minilm + 0.3)
    expect((await page.getByTestId('translations-panel').textContent()) ?? '').toMatch(
      /of the eng rows have their own translation as nearest neighbour \(eng → cmn\)/,
    )

    // Hovering a row draws its translation's link in bold.
    const target = await page.evaluate(() => window.__embedmapMap?.findPickableRow(100))
    expect(target).toBeTruthy()
    const before = await frames(page)
    await page.mouse.move(target!.x, target!.y)
    await expect.poll(() => page.getByTestId('map-canvas').getAttribute('data-hovered')).toBe(String(target!.row))
    await settle(page, before)
    const layerIds = await page.evaluate(() => (window.__embedmapMap?.deck()?.props.layers ?? []).flat().map((l) => (l as { id?: string } | null)?.id))
    expect(layerIds).toEqual(expect.arrayContaining(['translation-links', 'translation-points', 'translation-hovered-link']))
    await page.screenshot({ path: path.join(artifactsDir, 'map-translations-1440x900.png') })
    await page.mouse.move(5, 5)
    const b2 = await frames(page)
    await page.setViewportSize({ width: 1280, height: 720 })
    await settle(page, b2)
    await page.screenshot({ path: path.join(artifactsDir, 'map-translations-1280x720.png') })
    expect(problems).toEqual([])
  })
})
