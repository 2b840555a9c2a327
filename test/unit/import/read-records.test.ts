import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRecordReader, sniffSource } from '../../../src-main/import'
import type { ParsedRecord } from '../../../src-main/import'
import { errorOf, fx, readAll } from './helpers'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedmap-import-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const tmp = (name: string) => join(dir, name)

/** `n` CSV lines `i,row number i,label` (line i+2 holds row i). */
function rows(n: number, from = 0): string {
  let s = ''
  for (let i = from; i < from + n; i++) s += `${i},row number ${i} with some padding text,${i % 3}\n`
  return s
}

async function collect(gen: AsyncGenerator<ParsedRecord[]>): Promise<ParsedRecord[][]> {
  const out: ParsedRecord[][] = []
  for await (const b of gen) out.push(b)
  return out
}

describe('createRecordReader: streaming', () => {
  it('yields batches of batchSize (last one shorter), indexes and lines in order', async () => {
    const f = tmp('batches.csv')
    writeFileSync(f, 'id,text,label\n' + rows(12_345))
    const sniff = await sniffSource(f)
    const reader = createRecordReader(sniff)
    expect(reader.columns).toEqual(['id', 'text', 'label'])
    expect(reader.estimateTotalRows()).toBe(0)
    const batches: ParsedRecord[][] = []
    for await (const b of reader.batches(undefined, 5000)) {
      batches.push(b)
      if (batches.length === 1) {
        // While reading: records so far scaled by the bytes left (rows are all about the same size here).
        expect(Math.abs(reader.estimateTotalRows() - 12_345)).toBeLessThan(12_345 * 0.1)
      }
    }
    expect(reader.estimateTotalRows()).toBe(12_345)
    expect(batches.map((b) => b.length)).toEqual([5000, 5000, 2345])
    const all = batches.flat()
    expect(all.every((r, i) => r.index === i && r.line === i + 2 && r.cells[0] === String(i))).toBe(true)
    expect(reader.recordsRead).toBe(12_345)
    expect(reader.bytesRead).toBe(sniff.sizeBytes)
  })

  it('sniffing reads only the head: junk after the first 5 MB does not matter to it (the reader then refuses it)', async () => {
    const f = tmp('junk-tail.csv')
    const good = 'id,text,label\n' + rows(100_000) // ~5 MB
    writeFileSync(f, Buffer.concat([Buffer.from(good), Buffer.alloc(1000, 0xff)]))
    const sniff = await sniffSource(f)
    expect(sniff.encoding).toBe('utf-8')
    expect(sniff.sampleRows).toHaveLength(20)
    const err = await errorOf(collect(createRecordReader(sniff).batches()))
    expect(err.message).toContain('line 100002: bytes that are not valid utf-8')
  })

  it('can only be iterated once', async () => {
    const reader = createRecordReader(await sniffSource(fx('utf8.csv')))
    await collect(reader.batches())
    await expect(collect(reader.batches())).rejects.toThrow(/only be called once/)
  })

  it('stops with CANCELLED when the signal aborts', async () => {
    const f = tmp('abort.csv')
    writeFileSync(f, 'id,text,label\n' + rows(50_000))
    const reader = createRecordReader(await sniffSource(f))
    const ac = new AbortController()
    let seen = 0
    const err = await errorOf(
      (async () => {
        for await (const b of reader.batches(ac.signal, 1000)) {
          seen += b.length
          ac.abort()
        }
      })(),
    )
    expect(err.code).toBe('CANCELLED')
    expect(seen).toBe(1000)
  })

  it('a field over the limit (50 MB, generated here) → BAD_INPUT naming the line its record starts on, in bounded memory', () => {
    // Run in a child process so its peak RSS can be measured against a baseline run of the same script.
    const big = tmp('big-field.csv')
    const fd = openSync(big, 'w')
    writeSync(fd, 'id,text\n0,short\n1,"starts on line 3\n')
    const block = Buffer.alloc(1 << 20, 'a')
    for (let i = 0; i < 50; i++) writeSync(fd, block)
    writeSync(fd, '"\n2,after\n')
    closeSync(fd)
    const script = tmp('read.mts')
    const entry = resolve(__dirname, '../../../src-main/import/index.ts')
    writeFileSync(
      script,
      `import { sniffSource, createRecordReader } from ${JSON.stringify(entry)}
let out = {}
try {
  const s = await sniffSource(process.argv[2])
  let n = 0
  for await (const b of createRecordReader(s).batches()) n += b.length
  out = { rows: n }
} catch (e) { out = { code: e.code, message: e.message, line: e.details?.line } }
console.log(JSON.stringify({ ...out, maxRssMB: process.resourceUsage().maxRSS / 1024 }))
`,
    )
    const run = (file: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', script, file], { cwd: resolve(__dirname, '../../..'), encoding: 'utf8' })
          .trim()
          .split('\n')
          .pop() ?? '{}',
      )
    const baseline = run(fx('utf8.csv'))
    expect(baseline.rows).toBe(6)
    const res = run(big)
    expect(res.code).toBe('BAD_INPUT')
    expect(res.line).toBe(3)
    expect(res.message).toBe(`${big}, line 3: the record starting here is larger than 16 MiB`)
    // Holding the whole 50 MB field (or file) would cost well over 100 MB more than the baseline.
    expect(res.maxRssMB - baseline.maxRssMB).toBeLessThan(64)
  }, 60_000)

  it('a smaller limit is honoured (maxFieldBytes, applied by csv-parse to the whole record)', async () => {
    const f = tmp('limit.csv')
    writeFileSync(f, `id,text\n1,${'x'.repeat(100)}\n2,${'y'.repeat(3000)}\n`)
    const sniff = await sniffSource(f, { headerCheck: true })
    const err = await errorOf(collect(createRecordReader(sniff, { maxFieldBytes: 2048 }).batches()))
    expect(err.message).toBe(`${f}, line 3: the record starting here is larger than 2 KiB`)
    expect(err.details).toMatchObject({ line: 3, reason: 'record-too-large', maxFieldBytes: 2048 })
    // A record whose quoted field spans lines is named by the line it starts on.
    const g = tmp('limit-multiline.csv')
    writeFileSync(g, `id,text\r\n1,ok\r\n\r\n2,"a\r\nb\r\n${'z'.repeat(3000)}"\r\n3,after\r\n`)
    const err2 = await errorOf(collect(createRecordReader(await sniffSource(g), { maxFieldBytes: 2048 }).batches()))
    expect(err2.message).toBe(`${g}, line 4: the record starting here is larger than 2 KiB`)
  })

  it('invalid UTF-8 after the sniffed head → BAD_INPUT naming its line', async () => {
    const f = tmp('bad-utf8-late.csv')
    const head = 'id,text,label\n' + rows(8000) // ~430 KB: more than the 256 KiB the sniffer reads
    writeFileSync(f, Buffer.concat([Buffer.from(head), Buffer.from('8000,bad byte \xff here,1\n', 'latin1'), Buffer.from(rows(10, 8001))]))
    const sniff = await sniffSource(f)
    expect(sniff.encoding).toBe('utf-8')
    const err = await errorOf(collect(createRecordReader(sniff).batches()))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toContain(`${f}, line 8002: bytes that are not valid utf-8`)
    expect(err.details).toMatchObject({ line: 8002, encoding: 'utf-8' })
  })

  it('invalid UTF-8 in a later chunk of a CRLF file with multi-line fields, a CRLF split between chunks → its line', async () => {
    const f = tmp('bad-utf8-crlf.csv')
    // Lines: header 1; then records of two physical lines each ("…\r\nsecond").
    let text = 'id,text\r\n'
    let line = 2
    const CHUNK = 256 * 1024
    for (let i = 0; text.length < CHUNK - 200; i++, line += 2) text += `${i},"row ${i} first\r\nsecond"\r\n`
    // Pad the last record so that the CR of its CRLF is the last byte of the first 256 KiB chunk.
    const pad = CHUNK - 1 - (text.length + '9999,"'.length + '"'.length)
    text += `9999,"${'p'.repeat(pad)}"\r\n`
    line += 1
    expect(Buffer.byteLength(text)).toBe(CHUNK + 1)
    expect(text.charCodeAt(CHUNK - 1)).toBe(13)
    // The bad byte is on the line after the padded record.
    writeFileSync(f, Buffer.concat([Buffer.from(text), Buffer.from('10000,bad \xff\r\n', 'latin1')]))
    const sniff = await sniffSource(f)
    const err = await errorOf(collect(createRecordReader(sniff).batches()))
    expect(err.message).toContain(`${f}, line ${line}: bytes that are not valid utf-8`)
  })

  it('invalid GB18030 bytes after the head → BAD_INPUT naming its line', async () => {
    const f = tmp('bad-gbk-late.csv')
    const text = 'id,text\n' + Array.from({ length: 6000 }, (_, i) => `${i},这家酒店的服务很好，房间也很干净，下次还会再来。第${i}行`).join('\n') + '\n'
    // 0x81 0x20: a lead byte followed by a space is not valid GB18030.
    writeFileSync(f, Buffer.concat([iconv.encode(text, 'gb18030'), Buffer.from([0x39, 0x2c, 0x81, 0x20, 0x0a]), iconv.encode('7,尾\n', 'gb18030')]))
    const sniff = await sniffSource(f)
    expect(sniff.encoding).toBe('gb18030')
    const err = await errorOf(collect(createRecordReader(sniff).batches()))
    expect(err.message).toContain(`${f}, line 6002: bytes that are not valid gb18030`)
  })

  it('an unterminated quote after the head → BAD_INPUT naming the line where it opened', async () => {
    const f = tmp('late-quote.csv')
    writeFileSync(f, 'id,text,label\n' + rows(8000) + '8000,"opens here\n' + rows(5, 8001))
    const err = await errorOf(readAll(f))
    expect(err.message).toBe(`${f}, line 8002: a quote (") opens a field here and is never closed`)
  })

  it('long rows after the head grow the columns (extra_1 …) and are reported', async () => {
    const f = tmp('late-ragged.csv')
    writeFileSync(f, 'id,text,label\n' + rows(8000) + '8000,long,x,EXTRA\n8001,short\n')
    const { sniff, reader, records } = await readAll(f)
    expect(sniff.columns.map((c) => c.name)).toEqual(['id', 'text', 'label'])
    expect(reader.columns).toEqual(['id', 'text', 'label', 'extra_1'])
    expect(records).toHaveLength(8002)
    expect(records[7999].cells).toEqual(['7999', 'row number 7999 with some padding text', '1']) // earlier rows keep 3 cells
    expect(records[8000].cells).toEqual(['8000', 'long', 'x', 'EXTRA'])
    expect(records[8001].cells).toEqual(['8001', 'short', '', ''])
    expect(reader.ragged).toEqual({
      count: 2,
      examples: [
        { line: 8002, expected: 3, got: 4 },
        { line: 8003, expected: 3, got: 2 },
      ],
    })
  })

  it('a first record longer than the 256 KiB head is still sniffed (looks further, up to 4 MiB)', async () => {
    const f = tmp('long-first.csv')
    const long = 'word '.repeat(80_000) // 400 KB
    writeFileSync(f, `id,text\n1,"${long}"\n2,short\n`)
    const { sniff, records } = await readAll(f)
    expect(sniff.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'],
      ['text', 'text'],
    ])
    expect(sniff.sampleRows.length).toBe(2)
    expect(records.map((r) => r.cells[1].length)).toEqual([long.length, 5])
  })

  it('JSON Lines: keys first seen after the head become new columns', async () => {
    const f = tmp('late-keys.jsonl')
    const lines = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ id: i, text: `line ${i} with some padding text to make it longer` }))
    lines.push(JSON.stringify({ id: 6000, text: 'new key', source: 'late' }))
    writeFileSync(f, lines.join('\n') + '\n')
    const { sniff, reader, records } = await readAll(f)
    expect(sniff.columns.map((c) => c.name)).toEqual(['id', 'text'])
    expect(reader.columns).toEqual(['id', 'text', 'source'])
    expect(records[6000]).toEqual({ index: 6000, line: 6001, cells: ['6000', 'new key', 'late'] })
    expect(records[0].cells).toEqual(['0', 'line 0 with some padding text to make it longer'])
  })

  it('JSON Lines: a bad line after the head → BAD_INPUT with its line number', async () => {
    const f = tmp('late-bad.jsonl')
    const lines = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ id: i, text: `line ${i} with some padding text to make it longer` }))
    lines.push('{"id": 6000, "text": oops}')
    writeFileSync(f, lines.join('\n') + '\n')
    const err = await errorOf(readAll(f))
    expect(err.message).toContain(`${f}, line 6001: this line is not valid JSON`)
  })

  it('UTF-16 and GB18030 versions of a multi-chunk file read back identically', async () => {
    // Emoji are 4-byte sequences in GB18030 (and surrogate pairs in UTF-16): some straddle chunk boundaries.
    const rowsZh = Array.from({ length: 20_000 }, (_, i) => `${i},"第${i}行：这家酒店的服务很好，""房间""也很干净。\n第二行🚀",${i % 2}`)
    const text = 'id,text,label\n' + rowsZh.join('\r\n') + '\r\n'
    const files: [string, Buffer, string][] = [
      ['zh-utf8.csv', Buffer.from(text), 'utf-8'],
      ['zh-utf16le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]), 'utf-16le'],
      ['zh-utf16be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]), 'utf-16be'],
      ['zh-gb18030.csv', iconv.encode(text, 'gb18030'), 'gb18030'],
    ]
    for (const [name, bytes, enc] of files) {
      writeFileSync(tmp(name), bytes)
      const { sniff, records } = await readAll(tmp(name))
      expect(sniff.encoding).toBe(enc)
      expect(records).toHaveLength(20_000)
      expect(records[12_345].cells).toEqual(['12345', '第12345行：这家酒店的服务很好，"房间"也很干净。\n第二行🚀', '1'])
      expect(records.every((r, i) => r.cells[1].endsWith('第二行🚀') && r.cells[0] === String(i))).toBe(true)
      expect(records[12_345].line).toBe(2 + 12_345 * 2)
    }
  })
})
