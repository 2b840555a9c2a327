/**
 * The real data sets in the folders of /work/shared/data (see each README.md): every record must come out, with the
 * exact text. Expected counts and content hashes were computed independently with Python's csv module:
 *
 *   python3 -c "import csv,glob,hashlib
 *   for f in sorted(glob.glob('/work/shared/data/*\/*.csv')):
 *       r = list(csv.reader(open(f, newline='', encoding='utf-8')))
 *       print(f, len(r) - 1, hashlib.sha256('\x1e'.join('\x1f'.join(x) for x in r[1:]).encode()).hexdigest()[:16])"
 *
 * (the counts also match the row counts the READMEs state). A data file without a recorded entry is checked
 * against csv-parse's count instead. Skipped where /work/shared/data is absent.
 */
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { parse } from 'csv-parse'
import { afterAll, describe, expect, it } from 'vitest'
import { sniffSource } from '../../../src-main/import'
import { errorOf, readAll } from './helpers'
import { sharedData } from '../../helpers/tmp'

const DATA = sharedData

/** [path under DATA, rows (header excluded), sha256 prefix of rows joined by \x1f / \x1e, suggested text column]. */
const EXPECTED: Record<string, [rows: number, hash: string, textColumn: string]> = {
  'en_ag_news_test/ag_news_test.csv': [7600, '83f69bce9f849d8a', 'text'],
  'en_scifact_retrieval/corpus.csv': [2825, 'ab51ebc71565df10', 'text'],
  'en_scifact_retrieval/qrels.csv': [919, '92c5d8689af8ef3a', 'doc_id'], // no text column: the longest one
  'en_scifact_retrieval/queries.csv': [809, '69c864ba3336af32', 'text'],
  'en_stsb/stsb_en_train_dev.csv': [7249, '7d0806496ee2bd7d', 'sentence1'],
  'parallel_tatoeba/tatoeba_cmn_eng.csv': [1000, 'ce31a9d1525b2f22', 'eng'], // longest in characters
  'parallel_tatoeba/tatoeba_jpn_eng.csv': [1000, '1d3e7b98d5677e4a', 'eng'],
  'parallel_tatoeba/tatoeba_kor_eng.csv': [1000, 'a962f121dc36b2cc', 'eng'],
  'zh_bq_dev/bq_dev.csv': [10000, '6d16c352519aaec0', 'sentence1'],
  'zh_chnsenticorp_htl/chnsenticorp_htl_all.csv': [7765, 'bd39740d95729dcd', 'text'],
  'zh_lcqmc_dev/lcqmc_dev.csv': [8802, '1bab224af972a145', 'sentence1'],
  'zh_stsb/stsb_zh_train_valid.csv': [6689, 'e6e11e9ec04066e1', 'sentence1'],
  'zh_thucnews_titles/thucnews_titles_test.csv': [10000, 'be235596fa0b7c4e', 'text'],
}

function dataFiles(): string[] {
  if (!existsSync(DATA)) return []
  const out: string[] = []
  for (const d of readdirSync(DATA, { withFileTypes: true })) {
    if (!d.isDirectory()) continue
    for (const f of readdirSync(join(DATA, d.name))) {
      if (/\.(csv|tsv|jsonl|ndjson)$/i.test(f)) out.push(`${d.name}/${f}`)
    }
  }
  return out.sort()
}

async function csvParseCount(path: string): Promise<number> {
  let n = 0
  const p = createReadStream(path).pipe(parse({ relax_column_count: true, skip_empty_lines: true, bom: true, relax_quotes: true }))
  for await (const _ of p) n++
  return n - 1
}

const files = dataFiles()
let tmp: string | undefined
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

describe('real data sets', () => {
  it('finds the data sets', () => {
    expect(files.length).toBeGreaterThanOrEqual(Object.keys(EXPECTED).length)
  })

  for (const rel of files) {
    it(`${rel}: every record, exact text`, async () => {
      const path = join(DATA, rel)
      const { sniff, reader, records } = await readAll(path)
      expect(sniff.encoding).toBe('utf-8')
      expect(reader.ragged.count).toBe(0)
      expect(records.every((r, i) => r.index === i && r.cells.length === reader.columns.length)).toBe(true)
      const known = EXPECTED[rel]
      if (known) {
        const [count, hash, textColumn] = known
        expect(records.length).toBe(count)
        const digest = createHash('sha256')
          .update(records.map((r) => r.cells.join('\x1f')).join('\x1e'))
          .digest('hex')
          .slice(0, 16)
        expect(digest).toBe(hash)
        expect(sniff.columns[sniff.suggestedTextColumn].name).toBe(textColumn)
      } else if (sniff.format === 'csv') {
        expect(records.length).toBe(await csvParseCount(path))
      }
    })
  }

  it('the "looks like data" check fires on every data set once its header line is removed', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'embedmap-nohdr-'))
    for (const rel of files.filter((f) => f.endsWith('.csv'))) {
      const text = readFileSync(join(DATA, rel), 'utf8')
      const stripped = join(tmp, basename(rel))
      writeFileSync(stripped, text.slice(text.indexOf('\n') + 1))
      const err = await errorOf(sniffSource(stripped))
      expect(err.code, rel).toBe('BAD_INPUT')
      expect(err.message, rel).toContain('line 1 looks like data, not a header')
    }
  })
})
