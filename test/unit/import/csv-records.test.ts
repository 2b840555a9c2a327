import { describe, expect, it } from 'vitest'
import { parse as csvParseSync } from 'csv-parse/sync'
import { CsvRecordError, CsvRecords } from '../../../src-main/import/csv-records'
import { countLineBreaks } from '../../../src-main/import/decode'
import { toCsv } from '../../fixtures/import/make-fixtures'
import { seededRandom } from '../../../src-main/analyze/common'

interface Rec {
  fields: string[]
  line: number
}

/** Parses `chunks` (text or bytes) with csv-parse through CsvRecords. */
function parseChunks(chunks: (string | Buffer)[], delimiter = ',', maxRecordBytes = 1 << 24): Rec[] {
  const out: Rec[] = []
  const csv = new CsvRecords({ delimiter, maxRecordBytes, onRecord: (fields, line) => out.push({ fields, line }) })
  for (const c of chunks) csv.write(c)
  csv.end()
  return out
}

function errorOf(f: () => unknown): CsvRecordError {
  try {
    f()
  } catch (err) {
    if (err instanceof CsvRecordError) return err
    throw err
  }
  throw new Error('expected a CsvRecordError')
}

/** Deterministic PRNG so failures reproduce. */
const rng = seededRandom

function splitRandomly<T extends string | Buffer>(s: T, rand: () => number, max = 7): T[] {
  const out: T[] = []
  let i = 0
  while (i < s.length) {
    const n = 1 + Math.floor(rand() * max)
    out.push(s.slice(i, i + n) as T)
    i += n
  }
  return out
}

const ALPHABET = ['a', 'b', ' ', ',', '"', '\n', '\r\n', '\r', '中', '🚀', ';', '\t', 'é', '""', '|']

function randomField(rand: () => number): string {
  const len = Math.floor(rand() * 8)
  let s = ''
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)]
  return s
}

describe('CsvRecords (csv-parse with start lines)', () => {
  it('splits plain lines and reports 1-based start lines', () => {
    expect(parseChunks(['a,b,c\n1,2,3\n4,5,6'])).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['1', '2', '3'], line: 2 },
      { fields: ['4', '5', '6'], line: 3 },
    ])
  })

  it('keeps quoted delimiters, embedded LF/CRLF/CR and doubled quotes exactly; lines are where records start', () => {
    const text = 'id,text\r\n1,"a,b"\r\n2,"line1\nline2"\r\n3,"say ""hi"""\r\n4,"crlf\r\ninside\r\ntwice"\r\n5,"cr\ronly"\r\n6,x\r\n'
    expect(parseChunks([text])).toEqual([
      { fields: ['id', 'text'], line: 1 },
      { fields: ['1', 'a,b'], line: 2 },
      { fields: ['2', 'line1\nline2'], line: 3 },
      { fields: ['3', 'say "hi"'], line: 5 },
      { fields: ['4', 'crlf\r\ninside\r\ntwice'], line: 6 },
      { fields: ['5', 'cr\ronly'], line: 9 },
      { fields: ['6', 'x'], line: 11 },
    ])
  })

  it("csv-parse's own info.lines counts a CRLF inside quotes as two lines (CsvRecords corrects for it)", () => {
    // If this starts failing, csv-parse fixed its count: drop the correction in csv-records.ts.
    const recs = csvParseSync('a\r\n"x\r\ny"\r\nb\r\n', { info: true, record_delimiter: ['\r\n', '\n', '\r'] }) as unknown as {
      record: string[]
      info: { lines: number }
    }[]
    expect(recs.map((r) => r.info.lines)).toEqual([1, 4, 5])
    expect(parseChunks(['a\r\n"x\r\ny"\r\nb\r\n']).map((r) => r.line)).toEqual([1, 2, 4])
  })

  it('quotes in the middle of unquoted fields are text; text after a closing quote is kept as written', () => {
    expect(parseChunks(['a 5" screen,"ab"c,x""y,"a""b",\'q\'\n']).map((r) => r.fields)).toEqual([['a 5" screen', '"ab"c', 'x""y', 'a"b', "'q'"]])
  })

  it('skips empty lines (LF, CRLF, CR) but counts them; a line of spaces or a quoted empty field is a record', () => {
    expect(parseChunks(['\n\na\n\n\r\nb\r\r  \n""\n\n'])).toEqual([
      { fields: ['a'], line: 3 },
      { fields: ['b'], line: 6 },
      { fields: ['  '], line: 8 },
      { fields: [''], line: 9 },
    ])
  })

  it('accepts LF, CRLF and lone CR line ends, mixed', () => {
    expect(parseChunks(['a,1\rb,2\r\nc,3\nd,"x\ry"\re,5'])).toEqual([
      { fields: ['a', '1'], line: 1 },
      { fields: ['b', '2'], line: 2 },
      { fields: ['c', '3'], line: 3 },
      { fields: ['d', 'x\ry'], line: 4 },
      { fields: ['e', '5'], line: 6 },
    ])
  })

  it('keeps empty fields, a trailing empty field, and ragged records', () => {
    expect(parseChunks([',a,,\n1\n1,2,3,4,5\n'])).toEqual([
      { fields: ['', 'a', '', ''], line: 1 },
      { fields: ['1'], line: 2 },
      { fields: ['1', '2', '3', '4', '5'], line: 3 },
    ])
  })

  it('other delimiters: tab, semicolon, pipe', () => {
    expect(parseChunks(['a\tb,c\t"d\te"\n'], '\t').map((r) => r.fields)).toEqual([['a', 'b,c', 'd\te']])
    expect(parseChunks(['a;1,50\n'], ';').map((r) => r.fields)).toEqual([['a', '1,50']])
    expect(parseChunks(['a|b\n'], '|').map((r) => r.fields)).toEqual([['a', 'b']])
  })

  it('names the line where the record with an unterminated quote starts', () => {
    const text = 'id,text\n1,"ok\nstill ok"\n\n2,"open\nstill open\n3,more\n'
    const err = errorOf(() => parseChunks([text]))
    expect(err.kind).toBe('unterminated-quote')
    expect(err.line).toBe(5)
    // Also with CRLF line ends and a CRLF inside an earlier quoted field, fed byte by byte.
    const crlf = text.replace(/\n/g, '\r\n')
    expect(errorOf(() => parseChunks(splitRandomly(Buffer.from(crlf), rng(1), 1))).line).toBe(5)
  })

  it('refuses a record larger than the limit, naming the line where it starts, also when fed in small chunks', () => {
    const big = 'x'.repeat(5000)
    const texts = [`id,text\n1,ok\n2,${big}\n`, `id,text\n1,ok\n2,"${big}"\n`, `id,text\n1,ok\n2,"a\n${big}"\n`, `id,text\r\n1,"o\r\nk"\r\n2,"a\r\n${big}"\r\n`]
    const lines = [3, 3, 3, 4]
    texts.forEach((text, k) => {
      for (const chunks of [[text], text.match(/[\s\S]{1,300}/g) ?? []]) {
        const err = errorOf(() => parseChunks(chunks, ',', 4096))
        expect(err.kind).toBe('record-too-large')
        expect(err.line).toBe(lines[k])
      }
    })
    expect(parseChunks([`a\n${'x'.repeat(4000)}\n`], ',', 4096)).toHaveLength(2)
  })

  it('an error thrown by onRecord comes out of write() and stops the parse', () => {
    const seen: number[] = []
    const csv = new CsvRecords({
      delimiter: ',',
      maxRecordBytes: 1 << 20,
      onRecord: (_f, line) => {
        seen.push(line)
        if (line === 2) throw new Error('stop here')
      },
    })
    expect(() => csv.write('a\nb\nc\nd\n')).toThrow('stop here')
    expect(seen).toEqual([1, 2])
    expect(() => csv.end()).toThrow('stop here')
  })

  it('data rows that all have another field count than the header cost csv-parse no error object each (second pass)', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `${i},text ${i},x,`).join('\n')
    const out: Rec[] = []
    const csv = new CsvRecords({ delimiter: ',', maxRecordBytes: 1 << 20, onRecord: (fields, line) => out.push({ fields, line }) })
    csv.write(`\n"id","te\r\nxt",label\r\n\n${rows}\n1,short\n`)
    csv.end()
    expect(out).toHaveLength(1002)
    expect(out[0]).toEqual({ fields: ['id', 'te\r\nxt', 'label'], line: 2 })
    expect(out[1]).toEqual({ fields: ['0', 'text 0', 'x', ''], line: 5 })
    expect(out[1000]).toEqual({ fields: ['999', 'text 999', 'x', ''], line: 1004 })
    expect(out[1001]).toEqual({ fields: ['1', 'short'], line: 1005 })
    // Only the last, short record differs from the first data record.
    expect(csv.unevenRecords).toBe(1)
  })

  it('the header alone, or handed out only at the end, is not lost or repeated', () => {
    expect(parseChunks(['id,text'])).toEqual([{ fields: ['id', 'text'], line: 1 }])
    expect(parseChunks(['id,text\n1'])).toEqual([
      { fields: ['id', 'text'], line: 1 },
      { fields: ['1'], line: 2 },
    ])
    expect(parseChunks(['\r\n\r\n"a\nb"\r\n', 'c'])).toEqual([
      { fields: ['a\nb'], line: 3 },
      { fields: ['c'], line: 5 },
    ])
    // An error after the header, in the chunk that holds the header, is found again by the second pass.
    expect(errorOf(() => parseChunks(['a,b\n1,"x\n\n2,y\n'])).line).toBe(2)
    expect(errorOf(() => parseChunks(['a,b\n1,xy\n2,"' + 'z'.repeat(100) + '"\n'], ',', 50))).toMatchObject({ kind: 'record-too-large', line: 3 })
    expect(errorOf(() => parseChunks(['"a,b\n1,xy\n']))).toMatchObject({ kind: 'unterminated-quote', line: 1 })
  })

  it('gives the same records however the bytes are cut (every split point, multi-byte characters included)', () => {
    const text = 'id,text,n\r\n1,"a,""b""\r\nc",中x\r\n\r\n2,plain,"q"\r3,"\r\n",z🚀\n\n4,"end"""\n5,é,"\r"\r\n'
    const whole = parseChunks([text])
    expect(whole.map((r) => r.line)).toEqual([1, 2, 5, 6, 9, 10])
    const bytes = Buffer.from(text)
    for (let i = 0; i <= bytes.length; i++) {
      expect(parseChunks([bytes.subarray(0, i), bytes.subarray(i)])).toEqual(whole)
      if (i <= text.length) expect(parseChunks([text.slice(0, i), '', text.slice(i)])).toEqual(whole)
    }
  })

  it('random CSV (mixed line ends, blank lines, any delimiter), cut at random: exact fields and physical start lines (2,000 cases)', () => {
    const rand = rng(42)
    const delimiters = [',', '\t', ';', '|']
    for (let n = 0; n < 2000; n++) {
      const delimiter = delimiters[n % 4]
      let text = ''
      const expected: Rec[] = []
      const nRows = 1 + Math.floor(rand() * 6)
      for (let r = 0; r < nRows; r++) {
        if (rand() < 0.2) text += ['\n', '\r\n', '\r'][Math.floor(rand() * 3)] // a blank line
        const fields = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => randomField(rand))
        const eol = ['\n', '\r\n', '\r'][Math.floor(rand() * 3)]
        const start = text.length
        text += toCsv([fields], delimiter, eol)
        // A row that is one empty field is a blank line: no record.
        if (!(fields.length === 1 && fields[0] === '')) expected.push({ fields, line: 1 + countLineBreaks(text.slice(0, start)) })
      }
      // A lone CR ending a row followed by a blank LF line is one CRLF: the oracle counts the same way.
      const got = parseChunks(n % 2 ? splitRandomly(Buffer.from(text), rand, 9) : splitRandomly(text, rand), delimiter)
      expect(got, JSON.stringify(text)).toEqual(expected)
    }
  })
})
