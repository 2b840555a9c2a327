import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { realModel } from '../helpers/real-models'
import { sharedData } from '../helpers/tmp'
import { launchBrowser, type Browser } from './support/browser'
import { startServe, type ServeProcess } from './support/cli'
import { artifactsDir, repoRoot } from './support/paths'
import { startHubStandIn, trickle, type HubStandIn } from './support/hub-stand-in'
import { ensureRendererBuilt } from './support/renderer'
import { openDataset } from './support/workspace-ui'

/**
 * The Fine-tune view with the full method on a catalog base that has only its ONNX files: it offers "Download training
 * weights (N MB)" (Start waits for them), shows the byte progress of that download, and once the weights are there says
 * so and lets the run start. A Hub stand-in on loopback (HF_ENDPOINT) serves the real all-MiniLM-L6-v2 folder; the
 * weights are sent slowly enough to watch the progress.
 */
const CLI = path.join(repoRoot, 'bin', 'embedmap.js')
const MODEL_ID = 'all-MiniLM-L6-v2'
const source = realModel(MODEL_ID)
const CHUNK = 1 << 20
const CHUNK_EVERY_MS = 60

let tmp: string
let mirror: HubStandIn | undefined
let serve: ServeProcess | undefined
let browser: Browser | undefined

/** The Hub stand-in's answers: the real model folder's files, the PyTorch weights sent slowly enough to watch. */
const answer: http.RequestListener = (req, res) => {
  const p = new URL(req.url ?? '/', 'http://mirror').pathname
  const m = /^\/(Xenova|sentence-transformers)\/all-MiniLM-L6-v2\/resolve\/main\/(.+)$/.exec(p)
  const rel = m ? (m[2] === 'onnx/model.onnx' ? 'model.onnx' : m[2]) : ''
  const file = path.join(source, ...rel.split('/'))
  if (!m || rel.includes('..') || !fs.existsSync(file) || !fs.statSync(file).isFile()) return void res.writeHead(404).end('Entry not found')
  const body = fs.readFileSync(file)
  res.writeHead(200, { 'content-length': String(body.length) })
  if (req.method === 'HEAD') return void res.end()
  if (!(m[1] === 'sentence-transformers' && rel === 'model.safetensors')) return void res.end(body)
  trickle(res, body, CHUNK, CHUNK_EVERY_MS)
}

beforeAll(async () => {
  await ensureRendererBuilt()
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-e2e-weights-'))
  fs.mkdirSync(artifactsDir, { recursive: true })
  mirror = await startHubStandIn(tmp, answer)
  const db = path.join(tmp, 'w.sqlite')
  const env = mirror.env
  const run = (args: string[]) =>
    execFileSync(process.execPath, [CLI, ...args, '--db', db], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8' })
  const rows = parse(fs.readFileSync(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv')), { columns: true }) as Record<string, string>[]
  fs.writeFileSync(path.join(tmp, 'news-100.csv'), stringify(rows.slice(0, 100), { header: true }))
  run(['import', path.join(tmp, 'news-100.csv')])
  // The ONNX files only, as the Embeddings panel would; not blocking, so this process's mirror can answer it.
  await promisify(execFile)(process.execPath, [CLI, 'models', 'pull', MODEL_ID, '--db', db], { cwd: repoRoot, env: { ...process.env, ...env } })
  serve = await startServe(db, 60_000, env)
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  await mirror?.close()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

describe('browser mode: the full fine-tune’s training weights', () => {
  it('offers the download with its size, shows its progress, then lets the run start', async () => {
    const { page, problems } = browser!
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto(serve!.url)
    await openDataset(page, 1)
    await page.getByTestId('finetune-toggle').click()
    await page.getByTestId('finetune-view').waitFor()
    await page.getByTestId('finetune-model').selectOption(MODEL_ID)
    await page.getByTestId('finetune-method').selectOption('full')

    const box = page.getByTestId('finetune-weights')
    await box.waitFor()
    expect(await box.getAttribute('data-state')).toBe('none')
    expect(await box.textContent()).toContain('sentence-transformers/all-MiniLM-L6-v2')
    const button = box.getByTestId('finetune-weights-download')
    expect(await button.textContent()).toBe('Download training weights (91 MB)')
    expect(await page.getByTestId('finetune-start').isDisabled()).toBe(true)
    await page.screenshot({ path: path.join(artifactsDir, 'finetune-weights-offer-1440x900.png') })
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.screenshot({ path: path.join(artifactsDir, 'finetune-weights-offer-1280x720.png') })

    await button.click()
    const progress = box.getByTestId('finetune-weights-progress')
    await progress.waitFor({ timeout: 30_000 })
    await expect.poll(() => progress.getByTestId('job-done').textContent(), { timeout: 30_000 }).toMatch(/^[1-9][\d.]* MB \/ 9\d MB$/)
    await page.screenshot({ path: path.join(artifactsDir, 'finetune-weights-progress-1280x720.png') })

    // Done: the box says the weights are here, and Start is enabled for the full method.
    await expect.poll(() => page.getByTestId('finetune-weights').getAttribute('data-state'), { timeout: 60_000 }).toBe('ready')
    expect(await page.getByTestId('finetune-weights').textContent()).toMatch(/on this machine \(from sentence-transformers\/all-MiniLM-L6-v2\)/)
    expect(await page.getByTestId('finetune-start').isDisabled()).toBe(false)
    const weights = path.join(tmp, 'cache', 'models', MODEL_ID, 'training', 'model.safetensors')
    expect(fs.statSync(weights).size).toBe(fs.statSync(path.join(source, 'model.safetensors')).size)
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.screenshot({ path: path.join(artifactsDir, 'finetune-weights-ready-1440x900.png') })
    expect(problems).toEqual([])
  }, 300_000)
})
