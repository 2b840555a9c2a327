import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTextRecordReader, sniffSource, textSourceOf, type ParsedRecord, type RecordReader, type TextSource } from '../../../src-main/import'
import { OffThreadTextReader } from '../../../src-main/import/reader-off-thread'
import { errorOf } from './helpers'

/**
 * The import job's off-thread reader (parsing in a worker while the job writes) must hand out exactly what the
 * inline reader does: the same batches, columns, ragged report and counts, and the same errors. Here its worker
 * runs from source through tsx (the CLI's bundle runs the bundled one).
 */
const root = resolve(__dirname, '../../..')
const startWorker = () =>
  new Worker(join(root, 'src-main/jobs/worker-bootstrap.mjs'), { workerData: { __entry: pathToFileURL(join(root, 'src-main/import/reader-worker.ts')).href } })

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedmap-reader-thread-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function source(file: string): Promise<TextSource> {
  const s = textSourceOf(await sniffSource(file))
  if (!s) throw new Error('not a text source')
  return s
}

/** The records without the JSON of their cells, which only the off-thread reader makes (checked equal to it). */
function plain(batches: ParsedRecord[][]): ParsedRecord[][] {
  return batches.map((b) =>
    b.map(({ cellsJson, ...r }) => {
      if (cellsJson !== undefined) expect(cellsJson).toBe(JSON.stringify(r.cells))
      return r
    }),
  )
}

async function drain(reader: RecordReader, batchSize: number): Promise<{ batches: ParsedRecord[][]; estimates: number[] }> {
  const batches: ParsedRecord[][] = []
  const estimates: number[] = []
  for await (const b of reader.batches(undefined, batchSize)) {
    batches.push(b)
    estimates.push(reader.estimateTotalRows())
  }
  return { batches, estimates }
}

describe('OffThreadTextReader', () => {
  it('gives the inline reader’s batches, columns, ragged report and counts (ragged and over-long rows, quoted newlines)', async () => {
    const f = join(dir, 'mixed.csv')
    let text = 'id,text,label\n'
    for (let i = 0; i < 12_000; i++) {
      if (i % 997 === 0) text += `${i},"two\nlines ${i}",x,extra\n`
      else if (i % 1201 === 0) text += `${i},short\n`
      else text += `${i},row ${i} with "quotes" inside,${i % 5}\n`
    }
    writeFileSync(f, text)
    const src = await source(f)
    const inline = createTextRecordReader(src)
    const expected = await drain(inline, 1000)
    const threaded = new OffThreadTextReader(startWorker, src, {})
    const got = await drain(threaded, 1000)
    expect(got.batches.length).toBe(12)
    expect(got.batches.flat().every((r) => r.cellsJson === JSON.stringify(r.cells))).toBe(true)
    expect(plain(got.batches)).toEqual(expected.batches)
    expect(threaded.columns).toEqual(['id', 'text', 'label', 'extra_1'])
    expect(threaded.columns).toEqual(inline.columns)
    expect(threaded.ragged).toEqual(inline.ragged)
    expect(threaded.ragged.count).toBeGreaterThan(20)
    expect(threaded.recordsRead).toBe(12_000)
    expect(threaded.bytesRead).toBe(inline.bytesRead)
    expect(got.estimates[got.estimates.length - 1]).toBe(12_000)
  })

  it('reads JSON Lines, adding the keys that appear later', async () => {
    const f = join(dir, 'rows.jsonl')
    const lines: string[] = []
    for (let i = 0; i < 5000; i++) lines.push(JSON.stringify(i < 4000 ? { id: i, text: `t ${i}` } : { id: i, text: `t ${i}`, late: i }))
    writeFileSync(f, lines.join('\n') + '\n')
    const src = await source(f)
    const inline = createTextRecordReader(src)
    const expected = await drain(inline, 700)
    const threaded = new OffThreadTextReader(startWorker, src, {})
    expect(plain((await drain(threaded, 700)).batches)).toEqual(expected.batches)
    expect(threaded.columns).toEqual(inline.columns)
    expect(threaded.columns).toContain('late')
  })

  it('hands out the batches before a bad byte, then the same BAD_INPUT error naming its line', async () => {
    const f = join(dir, 'bad-late.csv')
    let head = 'id,text\n'
    for (let i = 0; i < 12_000; i++) head += `${i},row ${i} padded with some text\n`
    writeFileSync(f, Buffer.concat([Buffer.from(head), Buffer.from('12000,bad \xff byte\n', 'latin1')]))
    const src = await source(f)
    const seen: number[] = []
    const threaded = new OffThreadTextReader(startWorker, src, {})
    const err = await errorOf(
      (async () => {
        for await (const b of threaded.batches(undefined, 1000)) seen.push(b.length)
      })(),
    )
    const inlineSeen: number[] = []
    const inlineErr = await errorOf(
      (async () => {
        for await (const b of createTextRecordReader(src).batches(undefined, 1000)) inlineSeen.push(b.length)
      })(),
    )
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toBe(inlineErr.message)
    expect(err.message).toContain(`${f}, line 12002: bytes that are not valid utf-8`)
    expect(err.details).toEqual(inlineErr.details)
    // What was parsed before the failing chunk came through, in order, as it does inline.
    expect(seen.length).toBeGreaterThan(3)
    expect(seen).toEqual(inlineSeen)
  })

  it('stops with CANCELLED when the signal aborts, and ends its worker', async () => {
    const f = join(dir, 'cancel.csv')
    let text = 'id,text\n'
    for (let i = 0; i < 50_000; i++) text += `${i},row ${i}\n`
    writeFileSync(f, text)
    let worker: Worker | undefined
    const threaded = new OffThreadTextReader(() => (worker = startWorker()), await source(f), {})
    const abort = new AbortController()
    let batches = 0
    const err = await errorOf(
      (async () => {
        for await (const _ of threaded.batches(abort.signal, 1000)) if (++batches === 2) abort.abort()
      })(),
    )
    expect(err.code).toBe('CANCELLED')
    expect(batches).toBe(2)
    const exited = await new Promise<boolean>((r) => {
      worker!.once('exit', () => r(true))
      setTimeout(() => r(false), 5000)
    })
    expect(exited || worker!.threadId === -1).toBe(true)
  })
})
