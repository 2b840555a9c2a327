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

describe('DatasetsRepo.rowInserter', () => {
  it('stores every row of a batch exactly, across whole multi-row statements and the remainder', () => {
    const db = openStore(path.join(tmpDir(), 'insert.sqlite'))
    const repo = new DatasetsRepo(db)
    const id = repo.create({ name: 'd', sourcePath: '/y.csv', sourceSize: 1, sourceMtime: 1, format: 'csv', encoding: 'utf-8', delimiter: ',', textColumn: 1 })
    // 150 rows = two statements of 64 rows and 22 single rows; cells with quotes, commas, empty and CJK values
    const rows = Array.from({ length: 150 }, (_, idx) => ({
      idx,
      line: idx * 2 + 2,
      text: idx % 7 === 0 ? '' : `text "${idx}", 价格 ${idx}`,
      cells: [String(idx), idx % 7 === 0 ? '' : `text "${idx}", 价格 ${idx}`, idx % 3 ? 'x' : ''],
      flags: idx % 7 === 0 ? 1 : idx % 5 === 0 ? 2 : 0,
    }))
    db.transaction(() => repo.rowInserter(id)(rows))()
    const back = repo.rows(id, 0, 1000)
    expect(back.total).toBe(150)
    expect(back.rows.map((r) => [r.idx, r.line, r.text, r.cells, r.emptyText, r.ragged])).toEqual(
      rows.map((r) => [r.idx, r.line, r.text, r.cells, (r.flags & 1) !== 0, (r.flags & 2) !== 0]),
    )
  })
})
