/**
 * "Embed and map" as one action through the real engine: an embed job started with analyzeAfter is
 * followed by an analysis of exactly the set it filled; without the flag no analysis starts.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseChannelInput, type Job, CLI_CALLER } from '../../src-main/contract'
import { createEngine, type Engine } from '../../src-main/engine/engine'
import { writeTinyModel } from '../helpers/tiny-model'
import { sharedData, tmpDir } from '../helpers/tmp'

const dir = tmpDir()
let engine: Engine
let datasetId: number
const model = path.join(dir, 'tiny-model')

async function waitFor<T>(what: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const t0 = Date.now()
  for (;;) {
    const v = what()
    if (v !== undefined) return v
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

beforeAll(async () => {
  const lines = fs
    .readFileSync(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv'), 'utf8')
    .split('\n')
    .slice(0, 301)
  const file = path.join(dir, 'ag300.csv')
  fs.writeFileSync(file, lines.join('\n') + '\n')
  writeTinyModel(model)
  engine = await createEngine({ dbPath: path.join(dir, 'w.sqlite') })
  const started = await engine.invoke('import.start', parseChannelInput('import.start', { path: file }), CLI_CALLER)
  expect((await engine.runner.wait(started.jobId)).state).toBe('succeeded')
  datasetId = started.datasetId
}, 60_000)

afterAll(async () => {
  await engine?.close()
})

describe('embed.start with analyzeAfter', () => {
  it('analyzes the filled set when the embedding succeeds, once', async () => {
    const seen: Job[] = []
    const off = engine.subscribe((e) => {
      if (e.type === 'job') seen.push(e.job)
    })
    const { jobId } = await engine.invoke('embed.start', parseChannelInput('embed.start', { datasetId, model, analyzeAfter: true }), CLI_CALLER)
    const embedded = await engine.runner.wait(jobId)
    expect(embedded.state).toBe('succeeded')
    const setId = (embedded.result as { setId: number }).setId
    const analyzeId = await waitFor(() => engine.jobs.list({}).find((j) => j.kind === 'analyze' && j.datasetId === datasetId)?.id)
    expect((await engine.runner.wait(analyzeId)).state).toBe('succeeded')
    const summary = await engine.invoke('analysis.summary', parseChannelInput('analysis.summary', { datasetId }), CLI_CALLER)
    expect(summary.setId).toBe(setId)
    expect(summary.rows).toBe(300)
    // each listed outlier carries what its reason compares: its own neighbourhood distance against the typical row's
    const a = summary.anomalies
    expect(a.method).toBe('knn-text')
    expect(a.typical.meanNeighborDistance).toBeGreaterThan(0)
    expect(a.typical.textSurprisal).toBeGreaterThan(0)
    expect(a.top.length).toBeGreaterThan(0)
    expect(a.top[0].meanNeighborDistance).toBeGreaterThan(0)
    expect(a.top[0].score).toBeLessThan(1)
    // the end of the embed job was reported several times, but only one analysis started
    expect(seen.filter((j) => j.id === jobId && j.state === 'succeeded').length).toBeGreaterThanOrEqual(1)
    expect(engine.jobs.list({}).filter((j) => j.kind === 'analyze').length).toBe(1)
    off()
  }, 180_000)

  it('starts no analysis without the flag', async () => {
    const before = engine.jobs.list({}).filter((j) => j.kind === 'analyze').length
    const { jobId } = await engine.invoke('embed.start', parseChannelInput('embed.start', { datasetId, model }), CLI_CALLER)
    expect((await engine.runner.wait(jobId)).state).toBe('succeeded')
    await new Promise((r) => setTimeout(r, 500))
    expect(engine.jobs.list({}).filter((j) => j.kind === 'analyze').length).toBe(before)
  }, 120_000)
})
