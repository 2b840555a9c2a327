/**
 * Parquet / Arrow import with precomputed vectors, through the engine's contract: a lossless round trip on real data
 * embedded by the real all-MiniLM-L6-v2 (export with vectors → import as vectors → analysis → search), files written
 * by pyarrow (float16/float64/fixed-size lists, Feather, JSON arrays in CSV), and the refusals that leave nothing.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_CALLER, parseChannelInput, type ChannelName } from '../../src-main/contract'
import { createEngine, type Engine } from '../../src-main/engine/engine'
import { EmbeddingsRepo } from '../../src-main/store/embeddings-repo'
import { realModel } from '../helpers/real-models'
import { sharedData, tmpDir } from '../helpers/tmp'

const dir = tmpDir()
const python = process.env.EMBEDMAP_VENV
  ? path.join(process.env.EMBEDMAP_VENV, 'bin', 'python')
  : path.join(os.homedir(), '.cache', 'embedmap-venv', 'bin', 'python')
let engine: Engine

beforeAll(async () => {
  engine = await createEngine({ dbPath: path.join(dir, 'engine.sqlite') })
})
afterAll(async () => {
  await engine.close()
})

function call<C extends ChannelName>(channel: C, input: unknown) {
  return engine.invoke(channel, parseChannelInput(channel, input), CLI_CALLER)
}

async function importAndWait(file: string, options: Record<string, unknown> = {}) {
  const started = await call('import.start', { path: file, options: { allowDuplicate: true, ...options } })
  const job = await engine.runner.wait(started.jobId)
  return { ...started, job }
}

function vectorsOf(setId: number, rows: number, dims: number): Float32Array {
  return new EmbeddingsRepo(engine.db).readMatrix(setId, rows, dims).matrix
}

async function analysisOf(datasetId: number) {
  for (let i = 0; i < 200; i++) {
    const job = engine.jobs.list({}).find((j) => j.kind === 'analyze' && j.datasetId === datasetId)
    if (job) return engine.runner.wait(job.id)
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`no analysis started for dataset ${datasetId}`)
}

/** Writes the pyarrow fixtures; returns their paths. */
function pyarrowFixtures(): Record<string, string> {
  const out = path.join(dir, 'py')
  fs.mkdirSync(out, { recursive: true })
  const script = `
import json, sys, numpy as np, pyarrow as pa, pyarrow.parquet as pq, pyarrow.feather as pf
out = sys.argv[1]
rng = np.random.default_rng(7)
v = rng.standard_normal((30, 12)).astype('float32')
texts = [f'row {i} about {"cats" if i % 2 else "dogs"}' for i in range(30)]
def table(col):
    return pa.table({'id': list(range(30)), 'text': texts, 'emb': col})
pq.write_table(table(pa.array(list(v.astype('float16')), type=pa.list_(pa.float16()))), f'{out}/f16.parquet', compression='zstd', row_group_size=7)
pq.write_table(table(pa.array(list(v.astype('float64')), type=pa.list_(pa.float64()))), f'{out}/f64.parquet', compression='gzip')
fsl = pa.FixedSizeListArray.from_arrays(pa.array(v.ravel()), 12)
pf.write_feather(table(fsl), f'{out}/fsl.feather', compression='uncompressed', chunksize=8)
pf.write_feather(table(fsl), f'{out}/lz4.feather', compression='lz4')
nested = table(fsl).append_column('meta', pa.array([{'a': i} for i in range(30)]))
pq.write_table(nested, f'{out}/nested.parquet')
bad = [list(r) for r in v]
bad[17] = bad[17][:11]
pq.write_table(table(pa.array(bad, type=pa.list_(pa.float32()))), f'{out}/ragged.parquet')
with open(f'{out}/json.csv', 'w') as f:
    f.write('id,text,emb\\n')
    for i in range(30):
        f.write(f'{i},"{texts[i]}","{json.dumps([float(x) for x in v[i]])}"\\n')
np.save(f'{out}/v.npy', v)
`
  execFileSync(python, ['-c', script, out], { stdio: 'pipe' })
  const raw = fs.readFileSync(path.join(out, 'v.npy'))
  // .npy: a header padded to 64 bytes then the float32 data.
  const headerLen = raw.readUInt16LE(8)
  fs.writeFileSync(path.join(out, 'v.f32'), raw.subarray(10 + headerLen))
  return Object.fromEntries(
    ['f16.parquet', 'f64.parquet', 'fsl.feather', 'lz4.feather', 'nested.parquet', 'ragged.parquet', 'json.csv', 'v.f32'].map((f) => [f, path.join(out, f)]),
  )
}

function unit(v: Float32Array, dims: number): Float32Array {
  const out = new Float32Array(v.length)
  for (let i = 0; i < v.length / dims; i++) {
    let s = 0
    for (let d = 0; d < dims; d++) s += v[i * dims + d] ** 2
    for (let d = 0; d < dims; d++) out[i * dims + d] = v[i * dims + d] / Math.sqrt(s)
  }
  return out
}

describe('Parquet import with vectors: a lossless round trip on real data', () => {
  it('64 AG News rows embedded with all-MiniLM-L6-v2 → Parquet with vectors → imported as vectors: byte-equal, analysed, searchable', async () => {
    const csv = path.join(dir, 'ag64.csv')
    const lines = fs.readFileSync(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv'), 'utf8').split('\n')
    fs.writeFileSync(csv, lines.slice(0, 65).join('\n') + '\n')
    const first = await importAndWait(csv, { textColumn: 'text' })
    expect(first.job.state).toBe('succeeded')
    const embed = await call('embed.start', { datasetId: first.datasetId, model: realModel('all-MiniLM-L6-v2') })
    expect((await engine.runner.wait(embed.jobId)).state).toBe('succeeded')
    const [set] = await call('embeddings.list', { datasetId: first.datasetId })
    const pq = path.join(dir, 'ag64.parquet')
    const exp = await call('export.start', { datasetId: first.datasetId, format: 'parquet', vectors: true, out: pq })
    expect((await engine.runner.wait(exp.jobId)).state).toBe('succeeded')

    const preview = await call('import.preview', { path: pq })
    expect(preview.format).toBe('parquet')
    expect(preview.rowCount).toBe(64)
    expect(preview.vectorColumns).toEqual([{ idx: 6, name: 'vector', element: 'float32', dims: 384 }])
    expect(preview.vectorColumn).toBe(6)
    expect(preview.columns[preview.suggestedTextColumn].name).toBe('text')

    const second = await importAndWait(pq, { vectorsModel: set.modelId })
    expect(second.job.state).toBe('succeeded')
    const d = await call('datasets.get', { id: second.datasetId })
    const original = await call('datasets.get', { id: first.datasetId })
    expect(d.format).toBe('parquet')
    expect(d.columns.map((c) => [c.name, c.type])).toEqual(original.columns.map((c) => [c.name, c.type]))
    expect(d.columns[d.textColumn].name).toBe('text')
    const rowsA = await call('datasets.rows', { id: first.datasetId, limit: 100 })
    const rowsB = await call('datasets.rows', { id: second.datasetId, limit: 100 })
    expect(rowsB.rows.map((r) => r.cells)).toEqual(rowsA.rows.map((r) => r.cells))

    const [imported] = await call('embeddings.list', { datasetId: second.datasetId })
    expect(imported).toMatchObject({
      status: 'ready',
      dims: 384,
      vectorCount: 64,
      modelId: set.modelId,
      imported: { column: 'vector' },
      searchDisabledReason: null,
    })
    const a = vectorsOf(set.id, 64, 384)
    const b = vectorsOf(imported.id, 64, 384)
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true)

    const analysis = await analysisOf(second.datasetId)
    expect(analysis.state).toBe('succeeded')
    const hits = await call('search.semantic', { datasetId: second.datasetId, query: 'stock markets and oil prices', k: 5 })
    expect(hits.hits.length).toBe(5)
    // The same model embeds the query: the same neighbours as a search of the originally embedded set.
    const hitsA = await call('search.semantic', { datasetId: first.datasetId, query: 'stock markets and oil prices', k: 5 })
    expect(hits.hits.map((h) => h.row)).toEqual(hitsA.hits.map((h) => h.row))
  }, 120_000)
})

describe('files written by pyarrow, and bad input', () => {
  let f: Record<string, string>
  let v: Float32Array
  beforeAll(() => {
    f = pyarrowFixtures()
    v = new Float32Array(new Uint8Array(fs.readFileSync(f['v.f32'])).buffer)
  })

  it('float16 Parquet lists (ZSTD), a Feather fixed-size list and JSON arrays in a CSV are detected and stored normalized', async () => {
    const want = unit(v, 12)
    for (const [file, element, tol] of [
      ['f16.parquet', 'float16', 2e-3],
      ['fsl.feather', 'float32', 1e-6],
      ['json.csv', 'json', 1e-6],
    ] as const) {
      const preview = await call('import.preview', { path: f[file] })
      expect(preview.vectorColumns, file).toEqual([{ idx: 2, name: 'emb', element, dims: 12 }])
      expect(preview.columns[preview.suggestedTextColumn].name).toBe('text')
      const r = await importAndWait(f[file])
      expect(r.job.state, file).toBe('succeeded')
      const d = await call('datasets.get', { id: r.datasetId })
      expect(d.columns.map((c) => c.name)).toEqual(['id', 'text'])
      const [set] = await call('embeddings.list', { datasetId: r.datasetId })
      expect(set.vectorCount).toBe(30)
      // Unknown model: kept, but search is off with a reason the CLI and app show.
      expect(set.searchDisabledReason).toMatch(/cannot be embedded the same way/)
      const got = vectorsOf(set.id, 30, 12)
      let worst = 0
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]))
      expect(worst, file).toBeLessThan(tol)
      expect((await analysisOf(r.datasetId)).state).toBe('succeeded')
      await expect(call('search.semantic', { datasetId: r.datasetId, query: 'cats' })).rejects.toMatchObject({ code: 'CONFLICT' })
    }
  }, 60_000)

  it('--no-vectors keeps a float list as JSON text; float64 lists with a free-text model name kept as a label', async () => {
    const r = await importAndWait(f['fsl.feather'], { vectors: false })
    const d = await call('datasets.get', { id: r.datasetId })
    expect(d.columns.map((c) => c.name)).toEqual(['id', 'text', 'emb'])
    expect(await call('embeddings.list', { datasetId: r.datasetId })).toEqual([])
    const named = await importAndWait(f['f64.parquet'], { vectorsModel: 'text-embedding-3-small' })
    const [set] = await call('embeddings.list', { datasetId: named.datasetId })
    expect(set.imported).toEqual({ column: 'emb', model: 'text-embedding-3-small' })
    expect(set.searchDisabledReason).toMatch(/text-embedding-3-small/)
    const got = vectorsOf(set.id, 30, 12)
    const want = unit(v, 12)
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6)
    await analysisOf(named.datasetId)
  }, 30_000)

  it('refuses nested columns, LZ4 Arrow batches, damaged files and a vector of the wrong length, leaving nothing', async () => {
    const before = (await call('datasets.list', {})).length
    await expect(call('import.preview', { path: f['nested.parquet'] })).rejects.toThrow(/nested column 'meta' \(struct\).*flat columns/)
    await expect(importAndWait(f['lz4.feather'])).rejects.toThrow(/compressed \(LZ4 or ZSTD\)/)
    const cut = path.join(dir, 'cut.parquet')
    const whole = fs.readFileSync(f['f64.parquet'])
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 100))
    await expect(call('import.preview', { path: cut })).rejects.toThrow(/not a readable Parquet file/)
    await expect(call('import.preview', { path: f['json.csv'], options: { vectors: 'text' } })).resolves.toMatchObject({ vectorColumn: 1 })
    const ragged = await importAndWait(f['ragged.parquet'])
    expect(ragged.job.state).toBe('failed')
    expect(ragged.job.error?.message).toMatch(/row 18: the vector in column 'emb' has 11 dimensions, the rows before it 12/)
    expect((await call('datasets.list', {})).length).toBe(before)
    await expect(call('import.start', { path: f['f64.parquet'], options: { vectorsModel: 'all-MiniLM-L6-v2', allowDuplicate: true } })).rejects.toThrow(
      /12 dimensions, but all-MiniLM-L6-v2 makes 384/,
    )
  }, 30_000)
})
