import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { writeTinyModel } from '../helpers/tiny-model'
import { sharedData, tmpDir } from '../helpers/tmp'

/**
 * Evaluation on an imported dataset instead of files, through the real CLI: the same numbers as from the file, and
 * vectors the model already stored for the dataset (an embed for the map) reused rather than embedded again.
 */
const dir = tmpDir()
const db = path.join(dir, 'w.sqlite')
let file: string
let model: string
const ROWS = 200

const cli = (...args: string[]) => {
  const r = runCli(['--db', db, '--json', ...args])
  expect(r.status, r.stderr).toBe(0)
  return r.json()
}

beforeAll(() => {
  // 200 real AG News rows, 50 per class: title, description and the class label.
  const all = parse(fs.readFileSync(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv')), { columns: true }) as Record<string, string>[]
  const perClass = new Map<string, Record<string, string>[]>()
  for (const r of all) {
    const list = perClass.get(r.category) ?? []
    if (list.length < ROWS / 4) list.push(r)
    perClass.set(r.category, list)
  }
  const rows = [...perClass.values()].flat().map((r) => ({ title: r.title, description: r.description, category: r.category }))
  file = path.join(dir, 'news.csv')
  fs.writeFileSync(file, stringify(rows, { header: true }))
  model = path.join(dir, 'tiny-model')
  writeTinyModel(model)
  const imported = cli('import', file, '--text-column', 'description')
  expect(imported.rowCount ?? imported.dataset?.rowCount ?? ROWS).toBe(ROWS)
})

describe('embedmap eval … --dataset', { timeout: 120_000 }, () => {
  it('gives the same numbers as the same columns read from the file', () => {
    // No TF-IDF baseline here: its k-means over a vocabulary-sized space is slow, and it is tested with files elsewhere.
    const args = ['--text', 'description', '--label', 'category', '--model', model, '--no-baseline']
    const fromDataset = cli('eval', 'clustering', '--dataset', '1', ...args)
    const fromFile = cli('eval', 'clustering', '--file', file, ...args)
    expect(fromDataset.data).toBe(`${ROWS} rows`)
    expect(fromDataset.results.map((r: { modelId: string }) => r.modelId)).toEqual(['tiny-model'])
    expect(fromDataset.results[0].metrics.v_measure).toBeCloseTo(fromFile.results[0].metrics.v_measure, 10)
    // Nothing stored yet for this model: every text was embedded.
    expect(fromDataset.vectors).toEqual([{ modelId: 'tiny-model', embedded: ROWS, reused: 0 }])
  })

  it('reuses the vectors an embed stored for the dataset: no text embedded again, the same scores', () => {
    cli('embed', '--dataset', '1', '--model', model)
    const reused = cli('eval', 'classification', '--dataset', '1', '--text', 'description', '--label', 'category', '--model', model, '--no-baseline')
    expect(reused.vectors).toEqual([{ modelId: 'tiny-model', embedded: 0, reused: ROWS }])
    // Speed is still measured (on a sample), so the comparison keeps its cost column.
    expect(reused.results[0].costs.sentencesPerSecond).toBeGreaterThan(0)
    const fresh = cli('eval', 'classification', '--file', file, '--text', 'description', '--label', 'category', '--model', model, '--no-baseline')
    expect(fresh.vectors).toEqual([{ modelId: 'tiny-model', embedded: ROWS, reused: 0 }])
    expect(reused.results[0].metrics.accuracy).toBeCloseTo(fresh.results[0].metrics.accuracy, 10)
    expect(reused.results[0].metrics.f1).toBeCloseTo(fresh.results[0].metrics.f1, 10)
  })

  it('runs retrieval from a query column and its relevant-document column', () => {
    const r = cli('eval', 'retrieval', '--dataset', '1', '--query-text', 'title', '--doc-text', 'description', '--model', model)
    expect(r.data).toMatch(/^\d+ queries × \d+ documents$/)
    expect(r.results.map((x: { modelId: string }) => x.modelId)).toEqual(['bm25', 'tiny-model'])
    // BM25 finds a headline's own lead well.
    expect(r.results[0].mainScore).toBeGreaterThan(0.5)
    // The stored map vectors were made with the clustering prompt, not the passage prompt: none is reused for retrieval.
    expect(r.vectors[0].reused).toBe(0)
  })

  it('names the dataset and the missing column', () => {
    const r = runCli(['--db', db, 'eval', 'pairs', '--dataset', '1', '--a', 'title', '--b', 'nope', '--label', 'category', '--model', model])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('dataset 1 (news.csv)')
    expect(r.stderr).toContain('nope')
  })

  it('refuses a dataset that does not exist', () => {
    const r = runCli(['--db', db, 'eval', 'clustering', '--dataset', '9', '--text', 'description', '--label', 'category'])
    expect(r.status).toBe(3)
    expect(r.stderr).toContain('no dataset 9')
  })
})
