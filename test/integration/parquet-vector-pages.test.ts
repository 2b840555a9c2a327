/**
 * Parquet vector columns read page by page (src-main/import/columnar/parquet-float-lists.ts), on files written by
 * pyarrow: 100k × 384 float32 in ONE row group read in a child process bit for bit, in memory that does not grow
 * with the row group (against a quarter-size group); the page shapes pyarrow writes (dictionary, plain, BYTE_STREAM_SPLIT, data page v1/v2, small pages,
 * float16/float64, fixed-size lists; SNAPPY/GZIP/ZSTD/BROTLI/LZ4/none) read exactly; null and empty lists as today.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_CALLER, parseChannelInput } from '../../src-main/contract'
import { createEngine, type Engine } from '../../src-main/engine/engine'
import { createRecordReader, sniffSource } from '../../src-main/import'
import { repoRoot, tmpDir } from '../helpers/tmp'

const dir = tmpDir()
const python = path.join(process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv'), 'bin', 'python')
const BIG_ROWS = 100_000
const BIG_DIMS = 384
const SMALL_DIMS = 48

const fixtures = `
import sys, numpy as np, pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
rng = np.random.default_rng(11)
n, d = ${BIG_ROWS}, ${BIG_DIMS}
big = rng.standard_normal((n, d)).astype('float32')
vec = pa.FixedSizeListArray.from_arrays(pa.array(big.ravel()), d).cast(pa.list_(pa.float32()))
pq.write_table(pa.table({'text': [f'text {i}' for i in range(n)], 'vector': vec}), f'{out}/big.parquet', compression='zstd', row_group_size=n)
big.astype('<f4').tofile(f'{out}/big.f32')
q = n // 4
pq.write_table(pa.table({'text': [f'text {i}' for i in range(q)], 'vector': vec[:q]}), f'{out}/quarter.parquet', compression='zstd', row_group_size=q)
big[:q].astype('<f4').tofile(f'{out}/quarter.f32')
pq.write_table(pa.table({'text': [f'text {i}' for i in range(1000)], 'vector': vec[:1000]}), f'{out}/warm-up.parquet', compression='zstd')
m, k = 3000, ${SMALL_DIMS}
v = rng.standard_normal((m, k)).astype('float32')
v64 = rng.standard_normal((m, k))
def write(name, col, expected, **kw):
    pq.write_table(pa.table({'text': [f'row {i}' for i in range(m)], 'emb': col}), f'{out}/{name}.parquet', **kw)
    np.asarray(expected).astype('<f4').tofile(f'{out}/{name}.f32')
f32 = pa.array(list(v), type=pa.list_(pa.float32()))
write('dictionary-snappy-v1', f32, v, compression='snappy', data_page_version='1.0', use_dictionary=True)
write('plain-gzip-v2-small-pages', f32, v, compression='gzip', data_page_version='2.0', use_dictionary=False, data_page_size=1000, row_group_size=1000)
write('byte-stream-split-zstd', f32, v, compression='zstd', use_dictionary=False, use_byte_stream_split=['emb.list.element'])
write('fixed-size-brotli-v1-small-pages', pa.FixedSizeListArray.from_arrays(pa.array(v.ravel()), k), v, compression='brotli', data_page_version='1.0', use_dictionary=False, data_page_size=2000, row_group_size=700)
write('float16-lz4', pa.array(list(v.astype('float16')), type=pa.list_(pa.float16())), v.astype('float16'), compression='lz4')
write('float64-uncompressed', pa.array(list(v64), type=pa.list_(pa.float64())), v64, compression='none', use_dictionary=False)
rows = [list(map(float, r)) for r in v[:40]]
rows[5] = None
rows[9][3] = None
rows[11] = []
pq.write_table(pa.table({'text': [f'row {i}' for i in range(40)], 'emb': pa.array(rows, type=pa.list_(pa.float32()))}), f'{out}/nulls.parquet', data_page_size=500)
`

beforeAll(() => {
  fs.writeFileSync(path.join(dir, 'fixtures.py'), fixtures)
  execFileSync(python, [path.join(dir, 'fixtures.py'), dir], { stdio: 'pipe' })
}, 60_000)

/** Every row's vector (null where the reader gives none) and text, through the import's own reader. */
async function readVectors(file: string): Promise<{ vectors: (Float32Array | null)[]; texts: string[]; vectorColumn: number | null; dims: number | null }> {
  const sniff = await sniffSource(file, {})
  const vectors: (Float32Array | null)[] = []
  const texts: string[] = []
  for await (const batch of createRecordReader(sniff, {}).batches()) {
    for (const rec of batch) {
      vectors.push(rec.vector ?? null)
      texts.push(rec.cells[0])
    }
  }
  const vc = sniff.vectorColumn
  return { vectors, texts, vectorColumn: vc, dims: sniff.vectorColumns.find((c) => c.idx === vc)?.dims ?? null }
}

function expectedRows(name: string, dims: number): Float32Array[] {
  const all = new Float32Array(new Uint8Array(fs.readFileSync(path.join(dir, `${name}.f32`))).buffer)
  return Array.from({ length: all.length / dims }, (_, i) => all.subarray(i * dims, (i + 1) * dims))
}

const bytesOf = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)

describe('Parquet vector columns, page by page', () => {
  it('100k × 384 float32 in one row group: read bit for bit in memory that does not grow with the row group', () => {
    const script = path.join(repoRoot, 'test/integration/support/read-parquet-vectors.ts')
    const read = (name: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '--expose-gc',
            '--import',
            'tsx',
            script,
            path.join(dir, 'warm-up.parquet'),
            path.join(dir, `${name}.parquet`),
            path.join(dir, `${name}.f32`),
            String(BIG_DIMS),
          ],
          { cwd: repoRoot, encoding: 'utf8' },
        )
          .trim()
          .split('\n')
          .pop() ?? '{}',
      ) as { rows: number; mismatches: number; firstMismatch: number | null; textsAsWritten: number; rssBeforeMB: number; liveRssMB: number; peakRssMB: number }
    const big = read('big')
    const quarter = read('quarter')
    expect(big).toMatchObject({ rows: BIG_ROWS, mismatches: 0, firstMismatch: null, textsAsWritten: BIG_ROWS })
    expect(quarter).toMatchObject({ rows: BIG_ROWS / 4, mismatches: 0, firstMismatch: null, textsAsWritten: BIG_ROWS / 4 })
    // The column chunk decoded is 146 MB as float32 (37 MB for the quarter-size group). hyparquet decoded it whole,
    // as JS arrays of numbers: this child then grew by 1,450 MB (the CLI's import of the file peaked at 3.4 GB).
    // Page by page it holds a few pages and one batch of rows, so the growth is about the same for both groups
    // (about 80–120 MB here: freed buffers that malloc and V8 keep a while, and the group's text column).
    const decodedMB = (BIG_ROWS * BIG_DIMS * 4) / 2 ** 20
    const growth = (r: typeof big) => r.liveRssMB - r.rssBeforeMB
    const peak = (r: typeof big) => r.peakRssMB - r.rssBeforeMB
    console.log(
      `one row group of 384-d vectors, RSS growth while reading (live after GC / high-water): ${growth(quarter).toFixed(0)} / ${peak(quarter).toFixed(0)} MB at ${BIG_ROWS / 4} rows, ${growth(big).toFixed(0)} / ${peak(big).toFixed(0)} MB at ${BIG_ROWS} rows (chunk decoded: ${decodedMB.toFixed(0)} MB)`,
    )
    // Holding the chunk, even as float32, would add the difference of the decoded sizes (110 MB); measured 16–43 MB
    // (the larger group's text column, and noise).
    expect(growth(big) - growth(quarter)).toBeLessThan(((decodedMB * 3) / 4) * 0.75)
    expect(growth(big)).toBeLessThan(decodedMB * 1.5)
  }, 90_000)

  it.each([
    ['dictionary-snappy-v1'],
    ['plain-gzip-v2-small-pages'],
    ['byte-stream-split-zstd'],
    ['fixed-size-brotli-v1-small-pages'],
    ['float16-lz4'],
    ['float64-uncompressed'],
  ])('%s: every vector equals the source as float32, bit for bit', async (name) => {
    const { vectors, texts, vectorColumn, dims } = await readVectors(path.join(dir, `${name}.parquet`))
    const want = expectedRows(name, SMALL_DIMS)
    expect(vectorColumn).toBe(1)
    expect(dims).toBe(SMALL_DIMS)
    expect(vectors).toHaveLength(want.length)
    const differing = vectors.flatMap((v, i) => (v && bytesOf(v).equals(bytesOf(want[i])) ? [] : [i]))
    expect(differing).toEqual([])
    expect(texts.every((t, i) => t === `row ${i}`)).toBe(true)
  })

  it('a null list or a null item is no vector, an empty list an empty one; the import stops at the first with its row', async () => {
    const file = path.join(dir, 'nulls.parquet')
    const { vectors } = await readVectors(file)
    expect(vectors).toHaveLength(40)
    expect(vectors[5]).toBeNull()
    expect(vectors[9]).toBeNull()
    expect(vectors[11]).toEqual(new Float32Array(0))
    expect(vectors.filter((v) => v?.length === SMALL_DIMS)).toHaveLength(37)

    const engine: Engine = await createEngine({ dbPath: path.join(dir, 'engine.sqlite') })
    try {
      const input = parseChannelInput('import.start', { path: file, options: { allowDuplicate: true } })
      const started = await engine.invoke('import.start', input, CLI_CALLER)
      const job = await engine.runner.wait(started.jobId)
      expect(job.state).toBe('failed')
      expect(job.error?.message).toMatch(/row 6: column 'emb' holds no vector/)
    } finally {
      await engine.close()
    }
  })
})

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
