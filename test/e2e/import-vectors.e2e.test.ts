/**
 * The app's import preview for a Parquet file of texts + precomputed vectors: the detected vector column and the
 * model picker, then the import straight to analysis. Screenshots at 1440×900 and 1280×720.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type Browser } from './support/browser'
import { startServe, type ServeProcess } from './support/cli'
import { artifactsDir } from './support/paths'
import { ensureRendererBuilt } from './support/renderer'
import { waitForMap } from './support/workspace-ui'
import { sharedData } from '../helpers/tmp'

const python = path.join(process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv'), 'bin', 'python')
let tmp: string
let file: string
let serve: ServeProcess | undefined
let browser: Browser | undefined

beforeAll(async () => {
  await ensureRendererBuilt()
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-e2e-'))
  fs.mkdirSync(artifactsDir, { recursive: true })
  // 300 AG News rows with 32-d unit vectors (random, seeded: the preview and the import are under test, not quality).
  file = path.join(tmp, 'ag_news_vectors.parquet')
  const script = `
import csv, sys, numpy as np, pyarrow as pa, pyarrow.parquet as pq
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8')))[:300]
v = np.random.default_rng(1).standard_normal((len(rows), 32)).astype('float32')
v /= np.linalg.norm(v, axis=1, keepdims=True)
pq.write_table(pa.table({'id': [int(r['id']) for r in rows], 'category': [r['category'] for r in rows], 'text': [r['text'] for r in rows],
  'embedding': pa.array(list(v), type=pa.list_(pa.float32()))}), sys.argv[2])
`
  execFileSync(python, ['-c', script, path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv'), file])
  serve = await startServe(path.join(tmp, 'w.sqlite'))
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

describe('browser mode: import a Parquet file with precomputed vectors', () => {
  it('shows the vector column and a model picker, and imports straight to analysis', async () => {
    const { page } = browser!
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(serve!.url)
    await page.getByTestId('import-file-input').setInputFiles(file)
    await page.getByTestId('import-preview').waitFor({ timeout: 30_000 })
    const vectors = page.getByTestId('preview-vectors')
    await vectors.waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('vectors-column-select').inputValue()).toBe('3')
    expect(await page.getByTestId('vectors-column-select').textContent()).toContain('Use “embedding” (float32 × 32)')
    expect(await page.getByTestId('text-column-select').inputValue()).toBe('2')
    expect(await page.getByTestId('preview-columns').textContent()).toMatch(/embedding\s*vectors/)
    // No listed model makes 32-d vectors: only "not known" and "another model".
    await page.getByTestId('vectors-model-select').selectOption('__other__')
    await page.getByTestId('vectors-model-name').fill('my-32d-encoder')
    expect(await page.getByTestId('vectors-note').textContent()).toContain('semantic search stays off')
    expect(await page.getByTestId('import-start').textContent()).toContain('as vectors, then map')
    await page.screenshot({ path: path.join(artifactsDir, 'import-vectors-1440.png') })
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.screenshot({ path: path.join(artifactsDir, 'import-vectors-1280.png') })

    await page.getByTestId('import-start').click()
    const finished = page.locator('[data-testid="job-item"]:is([data-job-state="succeeded"], [data-job-state="failed"], [data-job-state="cancelled"])')
    await finished.first().waitFor({ timeout: 120_000 })
    expect(await finished.first().getAttribute('data-job-state')).toBe('succeeded')
    // The analysis follows the import on its own (two jobs: import, then analyze).
    await expect.poll(async () => page.locator('[data-testid="job-item"][data-job-state="succeeded"]').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(2)
    // The map of the imported vectors, drawn; search by meaning is off, with the reason shown.
    await waitForMap(page, 1)
    expect(await page.getByTestId('map-canvas').getAttribute('data-points')).toBe('300')
    expect(await page.getByTestId('search-meaning-off').textContent()).toContain("made by model 'my-32d-encoder', which EmbedMap cannot run")
    expect(await page.getByTestId('search-mode-semantic').isDisabled()).toBe(true)
    await page.screenshot({ path: path.join(artifactsDir, 'import-vectors-map.png') })
  }, 300_000)
})
