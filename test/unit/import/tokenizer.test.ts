import { describe, expect, it } from 'vitest'
import { parse as csvParseSync } from 'csv-parse/sync'
import { CsvTokenizer, CsvTokenizerError } from '../../../src-main/import/csv-tokenizer'
import { toCsv } from '../../fixtures/import/make-fixtures'

interface Rec {
  fields: string[]
  line: number
}

function tokenize(chunks: string[], delimiter = ',', maxFieldBytes = 1 << 24): Rec[] {
  const out: Rec[] = []
  const tok = new CsvTokenizer({ delimiter, maxFieldBytes, onRecord: (fields, line) => out.push({ fields, line }) })
  for (const c of chunks) tok.push(c)
  tok.end()
  return out
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function splitRandomly(s: string, rand: () => number, max = 7): string[] {
  const out: string[] = []
  let i = 0
  while (i < s.length) {
    const n = 1 + Math.floor(rand() * max)
    out.push(s.slice(i, i + n))
    i += n
  }
  return out
}

const ALPHABET = ['a', 'b', ' ', ',', '"', '\n', '\r\n', '\r', '中', '🚀', ';', '\t', 'é', '""']

function randomField(rand: () => number): string {
  const len = Math.floor(rand() * 8)
  let s = ''
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)]
  return s
}

describe('CsvTokenizer', () => {
  it('splits plain lines and reports 1-based start lines', () => {
    expect(tokenize(['a,b,c\n1,2,3\n4,5,6'])).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['1', '2', '3'], line: 2 },
      { fields: ['4', '5', '6'], line: 3 },
    ])
  })

  it('keeps quoted delimiters, embedded LF/CRLF and doubled quotes exactly', () => {
    const text = 'id,text\r\n1,"a,b"\r\n2,"line1\nline2"\r\n3,"say ""hi"""\r\n4,"crlf\r\ninside"\r\n5,x\r\n'
    expect(tokenize([text])).toEqual([
      { fields: ['id', 'text'], line: 1 },
      { fields: ['1', 'a,b'], line: 2 },
      { fields: ['2', 'line1\nline2'], line: 3 },
      { fields: ['3', 'say "hi"'], line: 5 },
      { fields: ['4', 'crlf\r\ninside'], line: 6 },
      { fields: ['5', 'x'], line: 8 },
    ])
  })

  it('treats quotes inside unquoted fields as text and appends text after a closing quote (like Python csv)', () => {
    expect(tokenize(['a 5" screen,"ab"c,x""y,"a""b"\n']).map((r) => r.fields)).toEqual([['a 5" screen', 'abc', 'x""y', 'a"b']])
  })

  it('skips empty lines but counts them', () => {
    expect(tokenize(['a\n\n\r\nb\n\n'])).toEqual([
      { fields: ['a'], line: 1 },
      { fields: ['b'], line: 4 },
    ])
  })

  it('accepts LF, CRLF and lone CR line ends, mixed', () => {
    expect(tokenize(['a,1\rb,2\r\nc,3\nd,"x\ry"\re,5'])).toEqual([
      { fields: ['a', '1'], line: 1 },
      { fields: ['b', '2'], line: 2 },
      { fields: ['c', '3'], line: 3 },
      { fields: ['d', 'x\ry'], line: 4 },
      { fields: ['e', '5'], line: 6 },
    ])
  })

  it('keeps empty fields and a trailing empty field', () => {
    expect(tokenize([',a,,\n""\n'])).toEqual([
      { fields: ['', 'a', '', ''], line: 1 },
      { fields: [''], line: 2 },
    ])
  })

  it('names the line where an unterminated quote opened', () => {
    const text = 'id,text\n1,ok\n2,"open\nstill open\n3,more\n'
    let err: unknown
    try {
      tokenize([text])
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(CsvTokenizerError)
    expect((err as CsvTokenizerError).kind).toBe('unterminated-quote')
    expect((err as CsvTokenizerError).line).toBe(3)
  })

  it('refuses a field larger than the limit, naming the line where it starts, also when fed in small chunks', () => {
    const big = 'x'.repeat(5000)
    for (const text of [`id,text\n1,ok\n2,${big}\n`, `id,text\n1,ok\n2,"${big}"\n`, `id,text\n1,ok\n2,"a\n${big}"\n`]) {
      for (const chunks of [[text], text.match(/[\s\S]{1,300}/g) ?? []]) {
        let err: unknown
        try {
          tokenize(chunks, ',', 4096)
        } catch (e) {
          err = e
        }
        expect(err).toBeInstanceOf(CsvTokenizerError)
        expect((err as CsvTokenizerError).kind).toBe('field-too-large')
        expect((err as CsvTokenizerError).line).toBe(3)
      }
    }
  })

  it('counts the limit in UTF-8 bytes for non-ASCII text', () => {
    // 2,000 CJK characters = 6,000 UTF-8 bytes > 4,096, although only 2,000 characters.
    expect(() => tokenize([`a\n${'中'.repeat(2000)}\n`], ',', 4096)).toThrow(CsvTokenizerError)
    expect(tokenize([`a\n${'中'.repeat(1000)}\n`], ',', 4096)).toHaveLength(2)
  })

  it('gives the same records however the text is cut into chunks (every split point)', () => {
    const text = 'id,text,n\r\n1,"a,""b""\r\nc",x\r\n\r\n2,plain,"q"\r3,"\r\n",z\n4,"end""'
    const whole = (() => {
      try {
        return tokenize([text + '"\n'])
      } catch (e) {
        return e
      }
    })()
    for (let i = 0; i <= text.length + 2; i++) {
      const t = text + '"\n'
      expect(tokenize([t.slice(0, i), t.slice(i)])).toEqual(whole)
    }
  })

  it('matches whole-string parsing on random CSV cut into random chunks (2,000 cases; every split point for 300)', () => {
    const rand = rng(42)
    for (let n = 0; n < 2000; n++) {
      const rows: string[][] = []
      const nRows = 1 + Math.floor(rand() * 5)
      for (let r = 0; r < nRows; r++) {
        const nf = 1 + Math.floor(rand() * 4)
        rows.push(Array.from({ length: nf }, () => randomField(rand)))
      }
      const eol = ['\n', '\r\n', '\r'][Math.floor(rand() * 3)]
      const text = toCsv(rows, ',', eol)
      const whole = tokenize([text])
      expect(tokenize(splitRandomly(text, rand))).toEqual(whole)
      if (n < 300) for (let i = 0; i <= text.length; i++) expect(tokenize([text.slice(0, i), '', text.slice(i)])).toEqual(whole)
      // Round trip: what toCsv wrote comes back, except rows that are a single empty field (blank lines).
      const expected = rows.filter((r) => !(r.length === 1 && r[0] === ''))
      expect(whole.map((r) => r.fields)).toEqual(expected)
    }
  })

  it('agrees with csv-parse on random well-formed CSV with one line-end style', () => {
    const rand = rng(7)
    for (let n = 0; n < 500; n++) {
      const eol = n % 2 ? '\n' : '\r\n'
      const rows: string[][] = []
      for (let r = 0; r < 1 + Math.floor(rand() * 6); r++) rows.push(Array.from({ length: 2 + Math.floor(rand() * 3) }, () => randomField(rand)))
      const text = toCsv(rows, ',', eol)
      const theirs = csvParseSync(text, { relax_column_count: true, skip_empty_lines: true, record_delimiter: eol }) as string[][]
      expect(tokenize([text]).map((r) => r.fields)).toEqual(theirs)
    }
  })
})
