/**
 * Child process of parquet-vector-pages.test.ts: reads a Parquet file's vector column through the import's own
 * reader (sniff + createRecordReader, as the import job does) and compares every vector bit for bit with a raw
 * float32 file of the expected values, read alongside a batch at a time, and each row's `text` cell with the
 * fixture's "text <row>". Prints one JSON line: rows, mismatches, texts as written, resident memory before the
 * file is opened (after a warm-up file of the same shape), the largest after a batch and a GC, and the high-water
 * mark (from /proc, in MB).
 *   node --expose-gc --import tsx read-parquet-vectors.ts <warm-up.parquet> <file.parquet> <expected.f32> <dims>
 */
import fs from 'node:fs'
import { createRecordReader, sniffSource, type ParsedRecord } from '../../../src-main/import'

function statusMB(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

const [warmUpFile, file, expectedFile, dimsArg] = process.argv.slice(2)
const dims = Number(dimsArg)
// With --expose-gc each batch's garbage is collected before the next and the resident set is sampled then: its
// largest value is what is held live (what would grow with the row group), not how far garbage piles up between
// collections, which the high-water mark (VmHWM) also counts.
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

/** Reads a file through, as the import job does. */
async function readThrough(path: string, onBatch: (batch: ParsedRecord[]) => void): Promise<void> {
  const sniff = await sniffSource(path, {})
  for await (const batch of createRecordReader(sniff, {}).batches(undefined, 5000)) {
    onBatch(batch)
    gc()
    liveMB = Math.max(liveMB, statusMB('VmRSS'))
  }
}
let liveMB = 0

// A small file of the same shape first, so that the code and codecs loaded on first use are in the baseline.
await readThrough(warmUpFile, () => {})
gc()
const rssBeforeMB = statusMB('VmRSS')
liveMB = 0
const expected = fs.openSync(expectedFile, 'r')
const want = Buffer.alloc(5000 * dims * 4)
const textCol = 0 // text, vector
let rows = 0
let mismatches = 0
let firstMismatch: number | null = null
let textsAsWritten = 0
await readThrough(file, (batch) => {
  fs.readSync(expected, want, 0, batch.length * dims * 4, rows * dims * 4)
  for (let i = 0; i < batch.length; i++) {
    const v = batch[i].vector
    const got = v ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.alloc(0)
    if (!got.equals(want.subarray(i * dims * 4, (i + 1) * dims * 4))) {
      mismatches++
      firstMismatch ??= rows + i
    }
    if (batch[i].cells[textCol] === `text ${rows + i}`) textsAsWritten++
  }
  rows += batch.length
})
console.log(JSON.stringify({ rows, mismatches, firstMismatch, textsAsWritten, rssBeforeMB, liveRssMB: liveMB, peakRssMB: statusMB('VmHWM') }))
