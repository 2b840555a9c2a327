import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { realModel } from '../helpers/real-models'
import { sharedData, tmpDir } from '../helpers/tmp'

/**
 * `embedmap models recommend` with the two real test models on a Chinese and an English dataset (small real slices):
 * the languages are detected, a task is chosen from the columns, both models are measured and the choice is explained
 * with the measured metric. Chinese news titles must go to multilingual e5, not the English-only MiniLM.
 */
const dir = tmpDir()
const db = path.join(dir, 'w.sqlite')

const cli = (...args: string[]) => {
  const r = runCli(['--db', db, '--json', ...args])
  expect(r.status, r.stderr).toBe(0)
  return r.json()
}

function slice(file: string, keep: (r: Record<string, string>) => boolean, cols: string[], name: string): string {
  const rows = (parse(fs.readFileSync(file), { columns: true }) as Record<string, string>[]).filter(keep)
  const out = path.join(dir, name)
  fs.writeFileSync(
    out,
    stringify(
      rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c]]))),
      { header: true },
    ),
  )
  return out
}

beforeAll(() => {
  // The two real models as local folders (their ids in the catalog are taken, hence the names).
  cli('models', 'add', realModel('all-MiniLM-L6-v2'), '--name', 'minilm')
  cli('models', 'add', realModel('multilingual-e5-small-q4'), '--name', 'e5-small')
  // 20 THUCNews titles per category (200 rows, 10 classes).
  const perClass = new Map<string, number>()
  const zh = slice(
    path.join(sharedData, 'zh_thucnews_titles', 'thucnews_titles_test.csv'),
    (r) => {
      const n = perClass.get(r.category) ?? 0
      perClass.set(r.category, n + 1)
      return n < 20
    },
    ['text', 'category'],
    'thucnews.csv',
  )
  // The first 200 STS-B training pairs (graded 0–5 scores).
  let taken = 0
  const en = slice(path.join(sharedData, 'en_stsb', 'stsb_en_train_dev.csv'), () => taken++ < 200, ['sentence1', 'sentence2', 'score'], 'stsb.csv')
  cli('import', zh, '--text-column', 'text')
  cli('import', en, '--text-column', 'sentence1')
})

describe('embedmap models recommend', { timeout: 240_000 }, () => {
  it('recommends multilingual e5 for Chinese news titles, with the measured accuracy as the reason', () => {
    const r = cli('models', 'recommend', '--dataset', '1')
    expect(r.languages.main).toBe('zh')
    expect(r.task).toMatchObject({ kind: 'classification', dataset: 1, text: 'text', label: 'category' })
    expect(r.candidates[0]).toMatchObject({ modelId: 'e5-small' })
    expect(r.ranking.map((x: { modelId: string }) => x.modelId)).toEqual(['e5-small', 'minilm'])
    expect(r.recommended).toBe('e5-small')
    expect(r.ranking[0].mainScore).toBeGreaterThan(r.ranking[1].mainScore + 0.1)
    expect(r.reason).toMatch(/^e5-small is recommended: best accuracy on your rows \(0\.\d{3} vs 0\.\d{3} for minilm\)/)
    expect(r.reason).toContain(r.ranking[0].mainScore.toFixed(3))
    // Asked again: the stored results answer at once, no second evaluation.
    const again = cli('models', 'recommend', '--dataset', '1')
    expect(again.jobId).toBeNull()
    expect(again.ranking.map((x: { id: number }) => x.id)).toEqual(r.ranking.map((x: { id: number }) => x.id))
  })

  it('measures STS on English pairs with a score column and explains the choice', () => {
    const r = cli('models', 'recommend', '--dataset', '2')
    expect(r.languages.main).toBe('en')
    expect(r.task).toMatchObject({ kind: 'sts', dataset: 2, a: 'sentence1', b: 'sentence2', score: 'score' })
    expect(r.ranking).toHaveLength(2)
    for (const x of r.ranking) expect(x.mainMetric).toBe('cosine_spearman')
    const [top, second] = r.ranking
    expect(top.mainScore).toBeGreaterThanOrEqual(second.mainScore)
    expect(r.recommended).toBe(top.modelId)
    expect(r.reason).toContain(`${top.modelId} is recommended: best Spearman correlation on your pairs (${top.mainScore.toFixed(3)} vs`)
    expect(r.reason).toMatch(/runner-up/)
  })
})
