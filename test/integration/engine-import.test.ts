import fs from 'node:fs'
import path from 'node:path'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineEvent, Job } from '../../src-main/contract'
import { parseChannelInput, CLI_CALLER } from '../../src-main/contract'
import { createEngine, type Engine } from '../../src-main/engine/engine'
import { EmbedMapError } from '../../src-main/errors'
import { runCli } from '../helpers/cli'
import { sharedData, tmpDir } from '../helpers/tmp'

const dir = tmpDir()
let engine: Engine

beforeAll(async () => {
  engine = await createEngine({ dbPath: path.join(dir, 'engine.sqlite') })
})
afterAll(async () => {
  await engine.close()
})

async function importAndWait(file: string, options = {}) {
  const started = await engine.invoke('import.start', parseChannelInput('import.start', { path: file, options }), CLI_CALLER)
  const job = await engine.runner.wait(started.jobId)
  return { ...started, job }
}

function bigCsv(file: string, rows: number): void {
  const lines = ['id,text']
  for (let i = 0; i < rows; i++) lines.push(`${i},some text for row number ${i}`)
  fs.writeFileSync(file, lines.join('\n') + '\n')
}

/** The first n records of a real Chinese data set, with their exact text (parsed by the engine from UTF-8). */
const thucnews = path.join(sharedData, 'zh_thucnews_titles', 'thucnews_titles_test.csv')

describe('engine: import through the contract', () => {
  it('imports a real Chinese CSV and pages its rows with the text column and metadata', async () => {
    const { datasetId, job } = await importAndWait(thucnews)
    expect(job.state).toBe('succeeded')
    const d = await engine.invoke('datasets.get', { id: datasetId }, CLI_CALLER)
    expect(d.rowCount).toBe(10_000)
    expect(d.columns.map((c) => c.name)).toEqual(['id', 'text', 'label', 'category', 'category_en'])
    expect(d.columns[d.textColumn].name).toBe('text')
    expect(d.columns.find((c) => c.name === 'label')?.type).toBe('integer')
    const page = await engine.invoke('datasets.rows', parseChannelInput('datasets.rows', { id: datasetId, offset: 0, limit: 2 }), CLI_CALLER)
    expect(page.total).toBe(10_000)
    expect(page.rows[0]).toMatchObject({
      idx: 0,
      line: 2,
      text: '词汇阅读是关键 08年考研暑期英语复习全指南',
      cells: ['0', '词汇阅读是关键 08年考研暑期英语复习全指南', '3', '教育', 'education'],
    })
    const deep = await engine.invoke('datasets.rows', parseChannelInput('datasets.rows', { id: datasetId, offset: 9_998, limit: 10 }), CLI_CALLER)
    expect(deep.rows.map((r) => r.idx)).toEqual([9_998, 9_999])
    const filtered = await engine.invoke('datasets.rows', parseChannelInput('datasets.rows', { id: datasetId, query: '考研' }), CLI_CALLER)
    expect(filtered.total).toBeGreaterThan(0)
    expect(filtered.rows.every((r) => r.text.includes('考研'))).toBe(true)
  })

  it('imports the same rows from a GBK-encoded copy, character for character', async () => {
    const utf8 = fs.readFileSync(thucnews, 'utf8').split('\n').slice(0, 301).join('\n') + '\n'
    const gbkFile = path.join(dir, 'thucnews-gbk.csv')
    fs.writeFileSync(gbkFile, iconv.encode(utf8, 'gbk'))
    const utf8File = path.join(dir, 'thucnews-utf8.csv')
    fs.writeFileSync(utf8File, utf8)
    const a = await importAndWait(gbkFile)
    const b = await importAndWait(utf8File)
    const da = await engine.invoke('datasets.get', { id: a.datasetId }, CLI_CALLER)
    expect(da.encoding).toMatch(/^(gbk|gb18030)$/)
    const ra = await engine.invoke('datasets.rows', parseChannelInput('datasets.rows', { id: a.datasetId, limit: 1000 }), CLI_CALLER)
    const rb = await engine.invoke('datasets.rows', parseChannelInput('datasets.rows', { id: b.datasetId, limit: 1000 }), CLI_CALLER)
    expect(ra.total).toBe(300)
    expect(ra.rows.map((r) => r.cells)).toEqual(rb.rows.map((r) => r.cells))
  })

  it('reports progress with a rate, and cancelling removes the partial dataset', async () => {
    const file = path.join(dir, 'cancel.csv')
    bigCsv(file, 400_000)
    const events: Job[] = []
    const unsubscribe = engine.subscribe((e: EngineEvent) => e.type === 'job' && events.push(e.job))
    const { jobId, datasetId } = await engine.invoke('import.start', parseChannelInput('import.start', { path: file }), CLI_CALLER)
    // Cancel once some rows are committed.
    for (let i = 0; i < 400 && engine.datasets.countRows(datasetId) < 10_000; i++) await new Promise((r) => setTimeout(r, 25))
    expect(engine.datasets.countRows(datasetId)).toBeGreaterThan(0)
    await engine.invoke('jobs.cancel', { id: jobId }, CLI_CALLER)
    const final = await engine.runner.wait(jobId)
    unsubscribe()
    expect(final.state).toBe('cancelled')
    expect(engine.datasets.get(datasetId)).toBeUndefined()
    expect(engine.datasets.countRows(datasetId)).toBe(0)
    const running = events.filter((j) => j.id === jobId && j.state === 'running')
    expect(running.some((j) => j.done > 0 && j.total !== null && j.total > j.done)).toBe(true)
    expect(running.some((j) => j.rate !== null && j.rate > 0 && j.etaSeconds !== null)).toBe(true)
  })

  it('refuses a second import of a file that is importing (CONFLICT naming the job)', async () => {
    const file = path.join(dir, 'twice.csv')
    bigCsv(file, 300_000)
    const first = await engine.invoke('import.start', parseChannelInput('import.start', { path: file }), CLI_CALLER)
    await expect(engine.invoke('import.start', parseChannelInput('import.start', { path: file }), CLI_CALLER)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`job ${first.jobId}`),
    })
    // From another process, through the CLI, while this one holds the lock.
    const r = runCli(['import', file, '--db', engine.dbPath])
    expect(r.status).toBe(4)
    expect(r.stderr).toContain('is already being imported')
    const done = await engine.runner.wait(first.jobId)
    expect(done.state).toBe('succeeded')
    expect(engine.datasets.get(first.datasetId)?.rowCount).toBe(300_000)
  })

  it('refuses bad input before writing anything', async () => {
    const before = (await engine.invoke('datasets.list', {}, CLI_CALLER)).length
    const jobsBefore = (await engine.invoke('jobs.list', { activeOnly: false }, CLI_CALLER)).length
    const empty = path.join(dir, 'empty.csv')
    fs.writeFileSync(empty, '')
    for (const bad of [empty, path.join(dir, 'missing.csv'), dir]) {
      const err = await engine.invoke('import.start', parseChannelInput('import.start', { path: bad }), CLI_CALLER).catch((e) => e)
      expect(err).toBeInstanceOf(EmbedMapError)
      expect(err.message).toContain(path.basename(bad))
      expect(err.hint).toBeTruthy()
    }
    expect((await engine.invoke('datasets.list', {}, CLI_CALLER)).length).toBe(before)
    expect((await engine.invoke('jobs.list', { activeOnly: false }, CLI_CALLER)).length).toBe(jobsBefore)
  })

  it('validates inputs at the boundary', () => {
    expect(() => parseChannelInput('datasets.rows', { id: -1 })).toThrow(/Invalid input for datasets.rows: id/)
    expect(() => parseChannelInput('import.start', { path: '' })).toThrow(/path/)
    expect(() => parseChannelInput('datasets.rows', { id: 1, limit: 100_000 })).toThrow(/limit/)
  })
})
