import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseChannelInput } from '../../src-main/contract'
import { EmbedMapError } from '../../src-main/errors'
import { sniffSource } from '../../src-main/import'
import { runCli } from '../helpers/cli'
import { repoRoot, tmpDir } from '../helpers/tmp'

/** Issue 9, bounded inputs: every case on real bytes, through the sniffer and the real `embedmap` binary. */
const dir = tmpDir('embedmap-import-bounds-')
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, content)
  return file
}

async function sniffError(file: string, opts = {}): Promise<EmbedMapError> {
  const err = await sniffSource(file, opts).then(
    () => null,
    (e: unknown) => e,
  )
  if (!(err instanceof EmbedMapError)) throw new Error(`expected an EmbedMapError, got ${String(err)}`)
  return err
}

/** Runs the CLI with every process's peak RSS recorded (test/helpers/max-rss.cjs); returns the largest, in MB. */
function runCliMeasured(args: string[]) {
  const log = path.join(dir, `rss-${Date.now()}-${Math.random()}.log`)
  const t0 = performance.now()
  const r = runCli(args, { NODE_OPTIONS: `--require ${path.join(repoRoot, 'test', 'helpers', 'max-rss.cjs')}`, EMBEDMAP_RSS_LOG: log })
  const ms = performance.now() - t0
  const peaks = fs
    .readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => Number(l.split(' ')[1]) / 1024)
  return { ...r, ms, peakMb: Math.max(...peaks) }
}

describe('column limit', () => {
  // 100,000 columns in 888 KB, as in the issue: it took 4.2 GB and 19.6 s to import.
  const wide = (() => {
    const header = Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',')
    const row = Array.from({ length: 100_000 }, () => 'a').join(',')
    return write('wide.csv', `${header}\n${row}\n`)
  })()

  it('refuses a 100,000-column CSV in the sniffer, naming the file, the count and the limit', async () => {
    expect(fs.statSync(wide).size).toBeGreaterThan(800_000)
    const err = await sniffError(wide)
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toBe(`${wide}, line 1: this record has more columns than the limit of 10,000 (it has 100,000 columns)`)
    expect(err.hint).toMatch(/--max-columns/)
  })

  it('refuses it through the CLI quickly and under 300 MB RSS', () => {
    const r = runCliMeasured(['import', wide, '--db', path.join(dir, 'wide.sqlite')])
    console.log(`100,000-column CSV (${fs.statSync(wide).size} bytes): exit ${r.status} in ${r.ms.toFixed(0)} ms, peak RSS ${r.peakMb.toFixed(0)} MB`)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('wide.csv, line 1: this record has more columns than the limit of 10,000 (it has 100,000 columns)')
    expect(r.peakMb).toBeLessThan(300)
    expect(r.ms).toBeLessThan(15_000)
  })

  it('refuses a ragged record far past the head that would grow the file past the limit', async () => {
    const lines = ['id,text,label']
    for (let i = 0; i < 20_000; i++) lines.push(`${i},row number ${i} with a little text,x`)
    lines.push(['1', 'wide', ...Array.from({ length: 20_000 }, () => 'y')].join(','))
    const file = write('ragged-wide.csv', lines.join('\n') + '\n')
    const r = runCli(['import', file, '--db', path.join(dir, 'ragged-wide.sqlite')])
    expect(r.stderr).toMatch(/ragged-wide\.csv, line 20002: this record has more columns than the limit of 10,000 \(it has 20,002 columns\)/)
    expect(r.status).not.toBe(0)
  })

  it('refuses JSON Lines whose keys add up past the limit, and takes a raised limit', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify(Object.fromEntries(Array.from({ length: 500 }, (_, k) => [`k${i}_${k}`, 'v']))))
    const file = write('many-keys.jsonl', lines.join('\n') + '\n')
    const err = await sniffError(file)
    expect(err.message).toMatch(/many-keys\.jsonl, line 21: this record brings the file to more columns than the limit of 10,000/)
    expect((await sniffSource(file, { maxColumns: 20_000 })).columns).toHaveLength(15_000)
  })

  it('bounds the limits themselves in the contract: maxFieldBytes at 256 MiB, maxColumns at 100,000', () => {
    expect(() => parseChannelInput('import.start', { path: 'x.csv', options: { maxFieldBytes: 2 ** 30 } })).toThrow(/maxFieldBytes/)
    expect(parseChannelInput('import.start', { path: 'x.csv', options: { maxFieldBytes: 256 * 2 ** 20 } }).options.maxFieldBytes).toBe(256 * 2 ** 20)
    expect(() => parseChannelInput('import.start', { path: 'x.csv', options: { maxColumns: 1_000_000 } })).toThrow(/maxColumns/)
    const r = runCli(['import', wide, '--max-field-mb', '1024', '--db', path.join(dir, 'ceiling.sqlite')])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/maxFieldBytes/)
  })
})

describe('deeply nested JSON Lines', () => {
  it('gives BAD_INPUT with the file and line for 100,000 levels, not a stack overflow', async () => {
    const n = 100_000
    const file = write('deep.jsonl', `{"text":"fine"}\n{"text":"deep","v":${'['.repeat(n)}${']'.repeat(n)}}\n`)
    const err = await sniffError(file)
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toBe(`${file}, line 2: this line nests objects or arrays more than 256 levels deep`)
    const r = runCli(['import', file, '--db', path.join(dir, 'deep.sqlite')])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('deep.jsonl, line 2: this line nests objects or arrays more than 256 levels deep')
    expect(r.stderr).not.toMatch(/Maximum call stack/)
  })

  it('still imports moderately nested values as JSON text', async () => {
    const file = write('nested-ok.jsonl', `{"text":"a","meta":{"tags":[["x"],["y"]]}}\n{"text":"b","meta":null}\n`)
    const s = await sniffSource(file)
    expect(s.sampleRows[0]).toEqual(['a', '{"tags":[["x"],["y"]]}'])
  })
})

describe('binary sniffing', () => {
  it('imports a CSV whose header starts with MZ through the CLI, and sniffs other magic letters as text', async () => {
    const body = 'A1,a first line of real text\nA2,a second line of real text\n'
    const r = runCli(['import', write('mz.csv', `MZ,text\n${body}`), '--db', path.join(dir, 'magic.sqlite'), '--json'])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.json().dataset.rowCount).toBe(2)
    for (const [name, header] of [
      ['id3.csv', 'ID3,text'],
      ['riff.csv', 'RIFF,text'],
      ['bzh.csv', 'BZh,text'],
      ['gif.csv', 'GIF8,text'],
      ['pdf.csv', '%PDF-,text'],
    ]) {
      const s = await sniffSource(write(name, `${header}\n${body}`))
      expect(
        s.columns.map((c) => c.name),
        name,
      ).toEqual([header.split(',')[0], 'text'])
    }
  })

  it('still refuses real binaries that start with those letters', async () => {
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'), Buffer.alloc(200)])
    expect((await sniffError(write('prog.csv', exe))).message).toMatch(/a Windows executable/)
    const mp3 = Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x1f\x76', 'latin1'), Buffer.alloc(100, 0xff)])
    expect((await sniffError(write('song.csv', mp3))).message).toMatch(/an MP3 file/)
    const bz = Buffer.concat([Buffer.from('BZh91AY&SY', 'latin1'), Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1])])
    expect((await sniffError(write('data.csv', bz))).message).toMatch(/bzip2/)
  })
})

describe('text-column suggestion on a ragged file', () => {
  it('does not pick extra_1, which only one long row has', async () => {
    const lines = ['id,title,label']
    for (let i = 0; i < 50; i++) lines.push(`${i},short title ${i},L${i % 3}`)
    lines.push(`50,one more title,L2,${'a long spilled-over field '.repeat(20)}`)
    const file = write('ragged.csv', lines.join('\n') + '\n')
    const s = await sniffSource(file)
    expect(s.columns.map((c) => c.name)).toEqual(['id', 'title', 'label', 'extra_1'])
    expect(s.columns[s.suggestedTextColumn].name).toBe('title')
  })
})
