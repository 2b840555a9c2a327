/**
 * STS quality through the user-facing command: `embedmap similarity --pairs` on the STS Benchmark dev
 * split (English, with the English model) and the Chinese STS-B valid split (with the multilingual
 * model) gives the same Spearman correlation as sentence-transformers on the same weights (within
 * 0.005). Each model is checked on the language it is for; the two other pairings would run the same
 * code path again at twice the CI time.
 */
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { realModel, reference, type RealModelId } from '../helpers/real-models'
import { spearman } from '../helpers/stats'
import { sharedData, tmpDir } from '../helpers/tmp'

const dir = tmpDir()

/** The evaluation split as its own pairs file (what a user would hand to the command). */
function splitFile(source: string, split: string, name: string): { file: string; gold: number[] } {
  const rows = parse(fs.readFileSync(source), { columns: true }) as Record<string, string>[]
  const picked = rows.filter((r) => r.split === split)
  const file = path.join(dir, name)
  fs.writeFileSync(
    file,
    stringify(
      picked.map((r) => ({ sentence1: r.sentence1, sentence2: r.sentence2, score: r.score })),
      { header: true },
    ),
  )
  return { file, gold: picked.map((r) => Number(r.score)) }
}

const splits = {
  en_dev: splitFile(path.join(sharedData, 'en_stsb', 'stsb_en_train_dev.csv'), 'dev', 'stsb-en-dev.csv'),
  zh_valid: splitFile(path.join(sharedData, 'zh_stsb', 'stsb_zh_train_valid.csv'), 'valid', 'stsb-zh-valid.csv'),
}

const PAIRINGS: [RealModelId, 'en_dev' | 'zh_valid'][] = [
  ['all-MiniLM-L6-v2', 'en_dev'],
  ['multilingual-e5-small-q4', 'zh_valid'],
]

describe('STS through `embedmap similarity`', () => {
  it.each(PAIRINGS)(
    '%s on %s: Spearman within 0.005 of sentence-transformers',
    (id, split) => {
      const { file, gold } = splits[split]
      expect(gold.length).toBe(split === 'en_dev' ? 1500 : 1458)
      const r = runCli([
        'similarity',
        '--pairs',
        file,
        '--a',
        'sentence1',
        '--b',
        'sentence2',
        '--model',
        realModel(id),
        '--variant',
        'fp32',
        '--device',
        'cpu',
        '--json',
        '--db',
        path.join(dir, 'w.sqlite'),
      ])
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      const out = r.json<{ count: number; scores: number[] }>()
      expect(out.count).toBe(gold.length)
      const rho = spearman(out.scores, gold)
      const expected = reference(id).sts[split]
      console.log(`${id} ${split}: Spearman ${rho.toFixed(4)} (sentence-transformers ${expected})`)
      expect(Math.abs(rho - expected)).toBeLessThanOrEqual(0.005)
    },
    600_000,
  )
})
