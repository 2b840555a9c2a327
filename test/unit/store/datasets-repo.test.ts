import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../../src-main/store/connection'
import { DatasetsRepo } from '../../../src-main/store/datasets-repo'
import { tmpDir } from '../../helpers/tmp'

describe('DatasetsRepo.rows filter', () => {
  const db = openStore(path.join(tmpDir(), 'rows.sqlite'))
  const repo = new DatasetsRepo(db)
  const id = repo.create({ name: 'd', sourcePath: '/x.csv', sourceSize: 1, sourceMtime: 1, format: 'csv', encoding: 'utf-8', delimiter: ',', textColumn: 0 })
  const texts = ['Oil prices rise', 'cheap OIL', '50% off today', 'a_b test', 'aXb test', '石油价格上涨', 'plain']
  repo.rowInserter(id)(texts.map((text, idx) => ({ idx, line: idx + 2, text, cells: [text], flags: 0 })))
  const find = (q: string) => repo.rows(id, 0, 100, q).rows.map((r) => r.text)

  it('matches substrings ignoring ASCII case, and CJK text', () => {
    expect(find('oil')).toEqual(['Oil prices rise', 'cheap OIL'])
    expect(find('价格')).toEqual(['石油价格上涨'])
    expect(repo.rows(id, 0, 100, 'oil').total).toBe(2)
  })

  it('treats % and _ in the query literally', () => {
    expect(find('%')).toEqual(['50% off today'])
    expect(find('a_b')).toEqual(['a_b test'])
  })
})
