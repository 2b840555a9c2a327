/**
 * Translation links through the engine with the two real models, on 100 Tatoeba Chinese–English pairs (the text column
 * is English, the translations are in `cmn`): multilingual-e5-small puts nearly every Chinese sentence beside its
 * English row (short links, high bitext accuracy); all-MiniLM-L6-v2, trained on English, does not. The accuracy is
 * the one `eval bitext` computes on the same dataset columns.
 */
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_CALLER, jobResult, parseChannelInput, type ChannelInput, type ChannelName } from '../../src-main/contract'
import { createEngine, type Engine } from '../../src-main/engine/engine'
import { decodeTranslations, type DecodedTranslations } from '../../src-renderer/map/decode'
import { runCliAsync } from '../helpers/cli'
import { realModel } from '../helpers/real-models'
import { sharedData, tmpDir } from '../helpers/tmp'

const PAIRS = 100
const dir = tmpDir()
let engine: Engine
let datasetId: number
/** MiniLM's map and its links, as the engine gave them (the CLI test reads the same map). */
let minilmMap: { runId: number; links: DecodedTranslations } | undefined

const call = <C extends ChannelName>(channel: C, input: ChannelInput<C>) => engine.invoke(channel, parseChannelInput(channel, input), CLI_CALLER)

async function finished(jobId: number) {
  const job = await engine.runner.wait(jobId)
  if (job.state !== 'succeeded') throw new Error(`job ${jobId} ${job.state}: ${JSON.stringify(job.error)}`)
  return job
}

/** Embeds the dataset with a model, maps it, links the translations on that map; returns the map's run and the links. */
async function linkWith(model: string): Promise<{ runId: number; links: DecodedTranslations; n: number }> {
  await finished((await call('embed.start', { datasetId, model })).jobId)
  const analyzed = await finished((await call('analyze.start', { datasetId, k: 4 })).jobId)
  const runId = jobResult('analyze', engine.runner.view(analyzed)).runId
  const started = await call('translations.start', { datasetId, runId, column: 1 })
  const result = jobResult('translations', engine.runner.view(await finished(started.jobId)))
  expect(result.pairs).toBe(PAIRS)
  const bytes = await call('translations.get', { datasetId, runId, column: 1 })
  return { runId, links: decodeTranslations(bytes, PAIRS), n: PAIRS }
}

beforeAll(async () => {
  const all = parse(fs.readFileSync(path.join(sharedData, 'parallel_tatoeba', 'tatoeba_cmn_eng.csv')), { columns: true }) as Record<string, string>[]
  const file = path.join(dir, 'tatoeba_100.csv')
  fs.writeFileSync(file, stringify(all.slice(0, PAIRS), { header: true, columns: ['id', 'cmn', 'eng'] }))
  engine = await createEngine({ dbPath: path.join(dir, 'w.sqlite') })
  const started = await call('import.start', { path: file, options: { textColumn: 2 } })
  await finished(started.jobId)
  datasetId = started.datasetId
  await call('models.add', { path: realModel('multilingual-e5-small-q4'), name: 'e5-small' })
  await call('models.add', { path: realModel('all-MiniLM-L6-v2'), name: 'minilm' })
}, 120_000)

afterAll(async () => {
  await engine?.close()
})

describe('translation links on a map (real models)', () => {
  it('shows multilingual-e5-small aligning Chinese and English far better than all-MiniLM-L6-v2', { timeout: 300_000 }, async () => {
    const e5 = await linkWith('e5-small')
    const minilm = await linkWith('minilm')
    minilmMap = minilm
    const m5 = e5.links.header.metrics
    const mm = minilm.links.header.metrics
    console.log(
      `e5: accuracy ${m5.accuracy} / reverse ${m5.reverse_accuracy}, median link ${e5.links.header.medianLink.toFixed(4)}; ` +
        `MiniLM: ${mm.accuracy} / ${mm.reverse_accuracy}, median link ${minilm.links.header.medianLink.toFixed(4)}`,
    )
    expect(m5.accuracy).toBeGreaterThanOrEqual(0.85)
    expect(m5.reverse_accuracy).toBeGreaterThanOrEqual(0.85)
    expect(mm.accuracy).toBeLessThan(m5.accuracy - 0.3)
    expect(mm.reverse_accuracy).toBeLessThan(m5.reverse_accuracy - 0.3)
    // Good alignment is visible: e5's links are short, MiniLM's much longer.
    expect(e5.links.header.medianLink).toBeLessThan(0.05)
    expect(minilm.links.header.medianLink).toBeGreaterThan(3 * e5.links.header.medianLink)
    // The frame's per-pair data agrees with the header: a translation whose nearest row is its own counts as aligned.
    const aligned = e5.links.rows.reduce((s, r, q) => s + (e5.links.nearest[q] === r ? 1 : 0), 0)
    expect(aligned / PAIRS).toBeCloseTo(m5.reverse_accuracy, 10)
    expect(e5.links.header.modelId).toBe('e5-small')
    expect(e5.links.header.columnName).toBe('cmn')
    expect(e5.links.header.textColumnName).toBe('eng')

    // The same figure as the evaluation engine's bitext task on the same columns (eng → cmn), vectors reused.
    const evalJob = await finished(
      (await call('eval.start', { task: { kind: 'bitext', dataset: datasetId, source: 'eng', target: 'cmn' }, models: ['e5-small'], baseline: false })).jobId,
    )
    const [runId] = jobResult('evaluate', engine.runner.view(evalJob)).runIds
    const stored = await call('eval.get', { id: runId })
    expect(stored.metrics.accuracy).toBeCloseTo(m5.accuracy, 6)
    expect(stored.metrics.f1).toBeCloseTo(m5.f1, 6)
    expect(stored.metrics.reverse_accuracy).toBeCloseTo(m5.reverse_accuracy, 6)
  })

  it('has a CLI door: `embedmap translations` links the latest map and prints the same figures', { timeout: 120_000 }, async () => {
    const db = path.join(dir, 'w.sqlite')
    const r = await runCliAsync(['translations', '--dataset', String(datasetId), '--column', 'cmn', '--json', '--db', db])
    expect(r.status, r.stderr).toBe(0)
    const out = r.json<{ runId: number; pairs: number; metrics: Record<string, number>; medianLink: number }>()
    expect(out.runId).toBe(minilmMap!.runId)
    expect(out.pairs).toBe(PAIRS)
    expect(out.metrics.accuracy).toBeCloseTo(minilmMap!.links.header.metrics.accuracy, 6)
    expect(out.metrics.reverse_accuracy).toBeCloseTo(minilmMap!.links.header.metrics.reverse_accuracy, 6)
    const human = await runCliAsync(['translations', '--dataset', String(datasetId), '--column', 'nope', '--db', db])
    expect(human.status).toBe(2)
    expect(human.stderr).toMatch(/no column 'nope'.*id, cmn, eng/s)
  })

  it('refuses the text column itself and an unknown column, with a clear message', async () => {
    await expect(call('translations.start', { datasetId, column: 2 })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining("'eng'") })
    await expect(call('translations.start', { datasetId, column: 9 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(call('translations.get', { datasetId, column: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
