import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CATEGORY_MISSING, parseChannelInput, CLI_CALLER } from '../../../src-main/contract'
import { createEngine, type Engine } from '../../../src-main/engine/engine'
import { decodeColumn } from '../../../src-renderer/map/decode'
import { sharedData, tmpDir } from '../../helpers/tmp'

/** datasets.column over the real engine: the first 300 AG News rows, with a few cells blanked to test "missing". */
const SOURCE = path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv')
const ROWS = 300
const BLANK_LABEL = new Set([5, 17, 250])
const BLANK_CATEGORY = new Set([3, 299])

const dir = tmpDir()
let engine: Engine
let datasetId: number
let records: Record<string, string>[]

beforeAll(async () => {
  const source = (parse(fs.readFileSync(SOURCE), { columns: true }) as Record<string, string>[]).slice(0, ROWS)
  records = source.map((r, i) => ({ ...r, label: BLANK_LABEL.has(i) ? '' : r.label, category: BLANK_CATEGORY.has(i) ? '' : r.category }))
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`
  const header = ['id', 'label', 'category', 'text']
  const csv = [header.join(','), ...records.map((r) => header.map((h) => quote(r[h])).join(','))].join('\n') + '\n'
  const file = path.join(dir, 'ag_news_300.csv')
  fs.writeFileSync(file, csv)
  engine = await createEngine({ dbPath: path.join(dir, 'w.sqlite') })
  const started = await engine.invoke('import.start', parseChannelInput('import.start', { path: file, options: { textColumn: 3 } }), CLI_CALLER)
  const job = await engine.runner.wait(started.jobId)
  expect(job.state).toBe('succeeded')
  datasetId = started.datasetId
}, 60_000)

afterAll(async () => {
  await engine?.close()
})

async function column(name: string) {
  const d = await engine.invoke('datasets.get', { id: datasetId }, CLI_CALLER)
  const col = d.columns.find((c) => c.name === name)!
  const bytes = await engine.invoke('datasets.column', parseChannelInput('datasets.column', { id: datasetId, column: col.idx }), CLI_CALLER)
  expect(bytes).toBeInstanceOf(Uint8Array)
  return { col, values: decodeColumn(bytes) }
}

describe('engine: datasets.column', () => {
  it('sends a text column as codes into a dictionary, most frequent first, with missing cells marked', async () => {
    const { col, values } = await column('category')
    expect(col.type).toBe('text')
    if (!('codes' in values)) throw new Error('expected a categorical frame')
    expect(values.header.n).toBe(ROWS)
    const expectedCounts = new Map<string, number>()
    for (const r of records) if (r.category !== '') expectedCounts.set(r.category, (expectedCounts.get(r.category) ?? 0) + 1)
    expect(new Set(values.header.categories)).toEqual(new Set(expectedCounts.keys()))
    expect(values.header.counts).toEqual(values.header.categories.map((c) => expectedCounts.get(c)))
    expect([...values.header.counts]).toEqual([...values.header.counts].sort((a, b) => b - a))
    expect(values.header.missing).toBe(BLANK_CATEGORY.size)
    records.forEach((r, i) => {
      if (r.category === '') expect(values.codes[i]).toBe(CATEGORY_MISSING)
      else expect(values.header.categories[values.codes[i]]).toBe(r.category)
    })
  })

  it('sends a numeric column as Float32 with NaN for missing cells, and its range', async () => {
    const { col, values } = await column('label')
    expect(col.type).toBe('integer')
    if (!('values' in values)) throw new Error('expected a numeric frame')
    expect(values.values).toBeInstanceOf(Float32Array)
    expect(values.values).toHaveLength(ROWS)
    records.forEach((r, i) => {
      if (r.label === '') expect(values.values[i]).toBeNaN()
      else expect(values.values[i]).toBe(Number(r.label))
    })
    const present = records.filter((r) => r.label !== '').map((r) => Number(r.label))
    expect(values.header).toMatchObject({ missing: BLANK_LABEL.size, min: Math.min(...present), max: Math.max(...present), unit: 'number' })
  })

  it('refuses a column the dataset does not have', async () => {
    await expect(engine.invoke('datasets.column', { id: datasetId, column: 99 }, CLI_CALLER)).rejects.toThrow(/no column 99/)
  })
})
