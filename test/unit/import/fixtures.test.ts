import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { sniffSource } from '../../../src-main/import'
import {
  BIG5_ROWS,
  CP1252_ROWS,
  EMPTY_CELLS_ROWS,
  EUCKR_ROWS,
  fixtureFiles,
  GBK_ROWS,
  MULTILINE_ROWS,
  PIPE_ROWS,
  SEMICOLON_ROWS,
  SJIS_ROWS,
  TSV_ROWS,
  UTF8_ROWS,
} from '../../fixtures/import/make-fixtures'
import { errorOf, fx, readAll } from './helpers'

describe('fixture corpus', () => {
  it('the committed fixture files are what make-fixtures.ts writes', () => {
    for (const [name, bytes] of Object.entries(fixtureFiles())) {
      expect(readFileSync(fx(name)).equals(bytes), name).toBe(true)
    }
  })
})

describe('encodings: exact characters come out', () => {
  const cases: [file: string, encoding: string, hadBom: boolean, rows: string[][]][] = [
    ['utf8.csv', 'utf-8', false, UTF8_ROWS],
    ['utf8-bom.csv', 'utf-8', true, UTF8_ROWS],
    ['utf16le-bom.csv', 'utf-16le', true, UTF8_ROWS],
    ['utf16be-bom.csv', 'utf-16be', true, UTF8_ROWS],
    ['utf16le-nobom.csv', 'utf-16le', false, UTF8_ROWS],
    ['gbk.csv', 'gb18030', false, GBK_ROWS],
    ['big5.csv', 'big5', false, BIG5_ROWS],
    ['shift-jis.csv', 'shift_jis', false, SJIS_ROWS],
    ['euc-kr.csv', 'euc-kr', false, EUCKR_ROWS],
    ['windows-1252.csv', 'windows-1252', false, CP1252_ROWS],
  ]
  for (const [file, encoding, hadBom, rows] of cases) {
    it(`${file} → ${encoding}`, async () => {
      const { sniff, reader, records } = await readAll(fx(file))
      expect(sniff.encoding).toBe(encoding)
      expect(sniff.hadBom).toBe(hadBom)
      expect(sniff.format).toBe('csv')
      expect(sniff.delimiter).toBe(',')
      expect(sniff.columns.map((c) => c.name)).toEqual(rows[0])
      expect(sniff.sampleRows).toEqual(rows.slice(1))
      expect(reader.columns).toEqual(rows[0])
      expect(records.map((r) => r.cells)).toEqual(rows.slice(1))
      expect(records.map((r) => r.line)).toEqual(rows.slice(1).map((_, i) => i + 2))
      expect(records.map((r) => r.index)).toEqual(rows.slice(1).map((_, i) => i))
      expect(reader.ragged.count).toBe(0)
      expect(sniff.encodingConfidence).toBeGreaterThan(0)
    })
  }

  it('spot checks: the GBK, Big5 and Shift_JIS characters themselves', async () => {
    expect((await readAll(fx('gbk.csv'))).records[1].cells[1]).toBe('这家酒店的位置非常好，离地铁站只有五分钟的路程。')
    expect((await readAll(fx('big5.csv'))).records[0].cells[1]).toBe('這間飯店的位置非常好，離捷運站只有五分鐘的路程。')
    expect((await readAll(fx('shift-jis.csv'))).records[0].cells[1]).toBe('東京タワーの夜景はとてもきれいでした。')
    const u16 = await readAll(fx('utf16be-bom.csv'))
    expect(u16.records[0].cells[1]).toBe('Café crème, naïve façade — “smart quotes” and an emoji 🚀')
    // No BOM character leaks into the first header name.
    expect((await readAll(fx('utf8-bom.csv'))).sniff.columns[0].name).toBe('id')
  })

  it('a claimed encoding the bytes are not in → BAD_INPUT naming the line of the first bad byte', async () => {
    // gbk-claimed-utf8.csv: GBK bytes; lines 1-2 are ASCII, the first Chinese character is on line 3.
    const err = await errorOf(sniffSource(fx('gbk-claimed-utf8.csv'), { encoding: 'utf-8' }))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toContain('gbk-claimed-utf8.csv, line 3')
    expect(err.message).toContain('not in the encoding claimed (utf-8)')
    expect(err.details).toMatchObject({ file: fx('gbk-claimed-utf8.csv'), line: 3, encoding: 'utf-8' })
    expect(err.hint).toMatch(/GB18030/)
  })

  it('a claimed encoding that fits is used (GBK label → gb18030)', async () => {
    const { sniff, records } = await readAll(fx('gbk-claimed-utf8.csv'), { encoding: 'GBK' })
    expect(sniff.encoding).toBe('gb18030')
    expect(sniff.encodingConfidence).toBe(1)
    expect(records.map((r) => r.cells)).toEqual(GBK_ROWS.slice(1))
  })

  it('refuses an unknown encoding label and a BOM that contradicts the claimed encoding', async () => {
    expect((await errorOf(sniffSource(fx('utf8.csv'), { encoding: 'klingon' }))).message).toContain("'klingon' is not known")
    const err = await errorOf(sniffSource(fx('utf16le-bom.csv'), { encoding: 'utf-8' }))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toContain('UTF-16LE byte-order mark')
  })
})

describe('delimiters', () => {
  const cases: [file: string, delimiter: string, rows: string[][]][] = [
    ['semicolon.csv', ';', SEMICOLON_ROWS],
    ['pipe.csv', '|', PIPE_ROWS],
    ['tab-separated.txt', '\t', TSV_ROWS],
    ['data.tsv', '\t', TSV_ROWS],
  ]
  for (const [file, delimiter, rows] of cases) {
    it(`${file} → ${JSON.stringify(delimiter)}`, async () => {
      const { sniff, records } = await readAll(fx(file))
      expect(sniff.delimiter).toBe(delimiter)
      expect(sniff.columns.map((c) => c.name)).toEqual(rows[0])
      expect(records.map((r) => r.cells)).toEqual(rows.slice(1))
    })
  }

  it('semicolon file with decimal commas: prices stay text ("1,50"), not split', async () => {
    const { sniff } = await readAll(fx('semicolon.csv'))
    expect(sniff.columns.map((c) => c.type)).toEqual(['text', 'text', 'text'])
    expect(sniff.sampleRows[0]).toEqual(['Apfel', '1,50', 'frisch, knackig und süß'])
  })

  it('a forced delimiter wins over detection', async () => {
    const { sniff, records } = await readAll(fx('semicolon.csv'), { delimiter: ',' })
    expect(sniff.delimiter).toBe(',')
    expect(records[0].cells[0]).toBe('Apfel;1')
  })
})

describe('quoting, line ends, ragged rows, empty cells', () => {
  for (const file of ['multiline-lf.csv', 'multiline-crlf.csv']) {
    it(`${file}: embedded newlines and doubled quotes come out exactly, with start lines`, async () => {
      const { records, sniff } = await readAll(fx(file))
      expect(records.map((r) => r.cells)).toEqual(MULTILINE_ROWS.slice(1))
      expect(records[0].cells[1]).toBe('first line\nsecond line')
      expect(records[1].cells[1]).toBe('she said "hi" → "hello"')
      expect(records[4].cells[1]).toBe('windows\r\nline break inside')
      expect(records[5].cells[1]).toBe('ends with a quote "')
      // Physical lines: header 1; row1 2-3; row2 4; row3 5-7; row4 8; row5 9-10; row6 11.
      expect(records.map((r) => r.line)).toEqual([2, 4, 5, 8, 9, 11])
      expect(sniff.suggestedTextColumn).toBe(1)
    })
  }

  it('cr-only.csv (old Mac line ends)', async () => {
    const { records } = await readAll(fx('cr-only.csv'))
    expect(records.map((r) => r.cells)).toEqual([
      ['1', 'old mac line'],
      ['2', 'quoted\rinside'],
      ['3', 'last'],
    ])
    expect(records.map((r) => r.line)).toEqual([2, 3, 5])
  })

  it('quotes-mid-field.csv: stray quotes are kept as text', async () => {
    const { records } = await readAll(fx('quotes-mid-field.csv'))
    // `"ab"c` (text after a closing quote): csv-parse with relax_quotes keeps it as written; Python's csv
    // module would give `abc`. Either is a guess at a malformed field; keeping every character loses nothing.
    expect(records.map((r) => r.cells[1])).toEqual(['a 5" screen', '"ab"c', 'x""y', 'a"b'])
    expect(records.map((r) => r.line)).toEqual([2, 3, 4, 5])
  })

  it('ragged.csv: short rows padded, long rows extended with extra_N, all reported with their lines, none dropped', async () => {
    const { sniff, reader, records } = await readAll(fx('ragged.csv'))
    expect(sniff.columns.map((c) => c.name)).toEqual(['id', 'text', 'label', 'extra_1', 'extra_2'])
    expect(reader.columns).toEqual(['id', 'text', 'label', 'extra_1', 'extra_2'])
    expect(records.map((r) => [r.line, r.cells])).toEqual([
      [2, ['1', 'complete row', 'a', '', '']],
      [3, ['2', 'short row', '', '', '']],
      [4, ['3', 'long row', 'b', 'EXTRA1', 'EXTRA2']],
      [5, ['4', 'quoted, with comma', 'c', '', '']],
      [6, ['5', '', '', '', '']],
      [7, ['6', 'multi\nline', 'd', 'EXTRA3', '']],
      [9, ['7', 'last', 'e', '', '']],
    ])
    expect(records.map((r) => r.ragged)).toEqual([
      undefined,
      { expected: 3, got: 2 },
      { expected: 3, got: 5 },
      undefined,
      { expected: 3, got: 1 },
      { expected: 3, got: 4 },
      undefined,
    ])
    expect(reader.ragged).toEqual({
      count: 4,
      examples: [
        { line: 3, expected: 3, got: 2 },
        { line: 4, expected: 3, got: 5 },
        { line: 6, expected: 3, got: 1 },
        { line: 7, expected: 3, got: 4 },
      ],
    })
  })

  it('empty-cells.csv: empty and blank text cells are kept as they are', async () => {
    const { records, sniff } = await readAll(fx('empty-cells.csv'))
    expect(records.map((r) => r.cells)).toEqual(EMPTY_CELLS_ROWS.slice(1))
    expect(sniff.columns).toEqual([
      { name: 'id', type: 'integer', medianLength: 1 },
      // non-empty values: 'has text' (8), 'more text here' (14) → lower median 8
      { name: 'text', type: 'text', medianLength: 8 },
      { name: 'label', type: 'text', medianLength: 1 },
    ])
  })
})

describe('header problems', () => {
  it('duplicate names: says which columns', async () => {
    const err = await errorOf(sniffSource(fx('header-duplicate.csv')))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toBe(`${fx('header-duplicate.csv')}, line 1: columns 1 and 5 are both named 'id'`)
    expect(err.hint).toBeTruthy()
    expect(err.details).toMatchObject({ line: 1, columns: [1, 5], name: 'id' })
  })

  it('empty name: says which column', async () => {
    const err = await errorOf(sniffSource(fx('header-empty-name.csv')))
    expect(err.message).toBe(`${fx('header-empty-name.csv')}, line 1: column 3 has an empty name in the header row`)
    expect(err.details).toMatchObject({ line: 1, columns: [3] })
  })

  it('no header (ids, labels and sentences in line 1): refused', async () => {
    const err = await errorOf(sniffSource(fx('no-header.csv')))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toContain('line 1 looks like data, not a header')
    expect(err.message).toContain('add a header row')
    expect(err.details).toMatchObject({ file: fx('no-header.csv'), line: 1 })
  })

  it('no header (one column of sentences): refused; the check can be turned off', async () => {
    const err = await errorOf(sniffSource(fx('no-header-sentences.csv')))
    expect(err.message).toContain('line 1 looks like data, not a header')
    const { sniff, records } = await readAll(fx('no-header-sentences.csv'), { headerCheck: false })
    expect(sniff.columns[0].name).toBe('The hotel was close to the station and the staff were very friendly.')
    expect(records).toHaveLength(3)
  })

  it('header only: refused (no data rows)', async () => {
    const err = await errorOf(sniffSource(fx('header-only.csv')))
    expect(err.message).toContain('has a header row but no data rows')
  })
})

describe('files that are not tables', () => {
  it('empty file (0 bytes) and a file of only a BOM and blank lines', async () => {
    for (const f of ['empty.csv', 'blank.csv']) {
      const err = await errorOf(sniffSource(fx(f)))
      expect(err.code).toBe('BAD_INPUT')
      expect(err.message).toBe(`${fx(f)}: is empty`)
      expect(err.hint).toBeTruthy()
    }
  })

  it('binary: PNG by magic number, control characters', async () => {
    const png = await errorOf(sniffSource(fx('tiny.png')))
    expect(png.code).toBe('BAD_INPUT')
    expect(png.message).toContain('looks like a binary file (a PNG image)')
    const ctl = await errorOf(sniffSource(fx('control-chars.csv')))
    expect(ctl.message).toContain('looks like a binary file (')
    expect(ctl.message).toContain('control characters')
  })

  it('missing path → NOT_FOUND; a folder → BAD_INPUT; both name the path', async () => {
    const missing = await errorOf(sniffSource(fx('does-not-exist.csv')))
    expect(missing.code).toBe('NOT_FOUND')
    expect(missing.message).toContain(fx('does-not-exist.csv'))
    const dir = await errorOf(sniffSource(fx('')))
    expect(dir.code).toBe('BAD_INPUT')
    expect(dir.message).toContain('is a folder')
  })

  it('unterminated quote at EOF → BAD_INPUT naming the line where the quote opened', async () => {
    const err = await errorOf(sniffSource(fx('unterminated-quote.csv')))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toBe(`${fx('unterminated-quote.csv')}, line 4: a quote (") opens a field here and is never closed`)
    expect(err.details).toMatchObject({ line: 4, reason: 'unterminated-quote' })
  })
})

describe('JSON Lines', () => {
  it('data.jsonl: values stringified, keys in order of first appearance, blank line skipped, lines kept', async () => {
    const { sniff, reader, records } = await readAll(fx('data.jsonl'))
    expect(sniff.format).toBe('jsonl')
    expect(sniff.delimiter).toBeUndefined()
    expect(reader.columns).toEqual(['id', 'text', 'score', 'ok', 'tags', 'meta'])
    expect(records.map((r) => [r.line, r.cells])).toEqual([
      // The reader starts from the sniff's columns (all six keys were in the head), so every row has six cells.
      [1, ['1', 'hello "world"', '0.5', 'true', '', '']],
      [2, ['2', '第二行 with 中文', '', '', '["a","b"]', '{"k":1}']],
      [4, ['3', '', '2', '', '', '']],
    ])
    expect(sniff.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'],
      ['text', 'text'],
      ['score', 'number'],
      ['ok', 'boolean'],
      ['tags', 'text'],
      ['meta', 'text'],
    ])
    expect(sniff.suggestedTextColumn).toBe(1)
  })

  it('bad.jsonl: BAD_INPUT naming line 3', async () => {
    const err = await errorOf(sniffSource(fx('bad.jsonl')))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toMatch(new RegExp(`^${fx('bad.jsonl').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 3: this line is not valid JSON`))
    expect(err.details).toMatchObject({ line: 3 })
  })

  it('not-object.jsonl: an array line is refused with its line', async () => {
    const err = await errorOf(sniffSource(fx('not-object.jsonl')))
    expect(err.message).toContain('line 2: this line is an array, not a JSON object')
  })
})

describe('text column choice', () => {
  it('suggests the longest text column and honours a choice by name or index', async () => {
    expect((await sniffSource(fx('utf8.csv'))).suggestedTextColumn).toBe(1)
    expect((await sniffSource(fx('utf8.csv'), { textColumn: 'lang' })).suggestedTextColumn).toBe(2)
    expect((await sniffSource(fx('utf8.csv'), { textColumn: 0 })).suggestedTextColumn).toBe(0)
    expect((await sniffSource(fx('utf8.csv'), { textColumn: 'LANG' })).suggestedTextColumn).toBe(2)
    expect((await sniffSource(fx('utf8.csv'), { textColumn: '2' })).suggestedTextColumn).toBe(2)
  })

  it('an unknown column name → BAD_INPUT listing the columns', async () => {
    const err = await errorOf(sniffSource(fx('utf8.csv'), { textColumn: 'body' }))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toContain("there is no column named 'body'")
    expect(err.message).toContain("0: 'id', 1: 'text', 2: 'lang'")
    expect(err.details).toMatchObject({ columns: ['id', 'text', 'lang'] })
    expect((await errorOf(sniffSource(fx('utf8.csv'), { textColumn: 7 }))).message).toContain('there is no column 7')
  })
})
