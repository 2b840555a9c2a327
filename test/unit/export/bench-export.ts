/**
 * Export benchmark (not a test): time and peak memory of exporting N synthetic rows (default 1,000,000) with
 * all the extras, fed in chunks of 5,000 rows like the store would, each format in its own child process so
 * that every peak RSS is that format's alone.
 *
 *   npx tsx test/unit/export/bench-export.ts                      # csv, jsonl, parquet, parquet + 384-d vectors
 *   npx tsx test/unit/export/bench-export.ts --rows 200000 --cases parquet,parquet-vec
 *   npx tsx test/unit/export/bench-export.ts --cases parquet --group-rows 20000   # Parquet row group size (default 50,000)
 *   PYARROW_PYTHON=/path/to/python [PYTHONPATH=…] npx tsx test/unit/export/bench-export.ts   # also read each Parquet file with pyarrow
 *
 * Cases: source (only makes the rows: the synthetic source's own cost), csv, jsonl, parquet (hyparquet-writer, what exportRows uses), parquet-vec (same + vector column),
 * parquet-wasm / parquet-wasm-vec (the alternative: apache-arrow record batches streamed through
 * parquet-wasm's transformParquetStream; for comparison only, needs `npm install --no-save parquet-wasm@0.8.0
 * apache-arrow@21.2.0`).
 *
 * Peak RSS: process.resourceUsage().maxRSS of the child (whole process: Node itself is ~50–90 MB of it), and the
 * baseline RSS just before the export starts. Output files go to a temp folder and are deleted.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { exportRows, GROUP_ROWS, type ExportChunk, type ExportColumn, type ExtraColumn } from '../../../src-main/export'
import { seededRandom } from '../../../src-main/analyze/common'

const CHUNK = 5000
const COLUMNS: ExportColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'text', type: 'text' },
  { name: 'score', type: 'number' },
  { name: 'flag', type: 'boolean' },
  { name: 'when', type: 'date' },
  { name: 'category', type: 'text' },
]
const EXTRAS: ExtraColumn[] = ['cluster', 'cluster_label', 'anomaly_score', 'is_anomaly', 'x', 'y']
const WORDS = 'the quick brown fox jumps over a lazy dog, "quoted" text; 中文 评论 很好 =formula -dash review product great bad okay'.split(' ')

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt
}

/** Deterministic rows, made chunk by chunk (never all held). */
async function* rows(n: number, dims: number): AsyncGenerator<ExportChunk> {
  const rnd = seededRandom(12345)
  for (let at = 0; at < n; at += CHUNK) {
    const m = Math.min(CHUNK, n - at)
    const c: ExportChunk = {
      cells: new Array(m),
      cluster: new Int32Array(m),
      clusterLabel: new Array(m),
      anomalyScore: new Float32Array(m),
      isAnomaly: new Uint8Array(m),
      x: new Float32Array(m),
      y: new Float32Array(m),
      vectors: dims > 0 ? new Float32Array(m * dims) : undefined,
    }
    for (let i = 0; i < m; i++) {
      const id = at + i + 1
      const words = 8 + Math.floor(rnd() * 30)
      let text = ''
      for (let w = 0; w < words; w++) text += (w ? ' ' : '') + WORDS[Math.floor(rnd() * WORDS.length)]
      c.cells[i] = [String(id), text, (rnd() * 200 - 100).toFixed(3), rnd() < 0.5 ? 'true' : 'false', `2024-0${1 + (id % 9)}-1${id % 10}`, `cat${id % 17}`]
      const k = id % 12
      c.cluster![i] = k - 1
      c.clusterLabel![i] = `topic ${k}`
      c.anomalyScore![i] = rnd()
      c.isAnomaly![i] = rnd() < 0.05 ? 1 : 0
      c.x![i] = rnd() * 20 - 10
      c.y![i] = rnd() * 20 - 10
    }
    if (dims > 0) for (let j = 0; j < m * dims; j++) c.vectors![j] = rnd() - 0.5
    yield c
    await new Promise((r) => setImmediate(r)) // like a store reading pages
  }
}

interface CaseResult {
  name: string
  rows: number
  seconds: number
  bytes: number
  baselineRssMB: number
  peakRssMB: number
}

async function runCase(name: string, n: number, dir: string): Promise<CaseResult> {
  const dims = name.endsWith('-vec') ? Number(arg('dims', '384')) : 0
  const groupRows = Number(arg('group-rows', String(GROUP_ROWS)))
  const format = name.startsWith('parquet') ? 'parquet' : name.startsWith('source') ? 'csv' : (name as 'csv' | 'jsonl')
  const out = join(dir, `${name}.${format}`)
  let writeOnce: (() => Promise<{ rows: number; bytes: number }>) | undefined
  if (name.startsWith('source')) {
    // only makes the rows: the cost of the synthetic source itself, to subtract from the others
    writeOnce = async () => {
      let rowsSeen = 0
      for await (const c of rows(n, dims)) rowsSeen += c.cells.length
      writeFileSync(out, '')
      return { rows: rowsSeen, bytes: 0 }
    }
  } else if (name.startsWith('parquet-wasm')) writeOnce = await parquetWasmWriter(out, n, dims)
  else {
    // load everything the export uses before taking the baseline
    await exportRows({ format, out, columns: COLUMNS, extraColumns: EXTRAS, vectorDims: dims || undefined, rows: rows(10, dims) })
  }
  global.gc?.()
  const baseline = process.memoryUsage.rss()
  const t0 = performance.now()
  const res = writeOnce
    ? await writeOnce()
    : await exportRows({
        format,
        out,
        columns: COLUMNS,
        extraColumns: EXTRAS,
        vectorDims: dims || undefined,
        rows: rows(n, dims),
        parquet: { rowGroupRows: groupRows },
      })
  const seconds = (performance.now() - t0) / 1000
  if (res.rows !== n) throw new Error(`${name}: wrote ${res.rows} rows, expected ${n}`)
  const pyarrow = process.env.PYARROW_PYTHON
  if (pyarrow && format === 'parquet') {
    const script = `import pyarrow.parquet as pq, sys\nt = pq.read_table(sys.argv[1])\nassert t.num_rows == ${n}, t.num_rows\nprint('pyarrow ok', t.num_rows, 'rows', pq.read_metadata(sys.argv[1]).num_row_groups, 'row groups;', t.schema.field('vector').type if 'vector' in t.schema.names else '', t.column('id')[${n - 1}], t.column('x').type)`
    const r = spawnSync(pyarrow, ['-c', script, out], { encoding: 'utf8' })
    process.stderr.write(`  ${name}: ${r.error ? String(r.error) : (r.stdout ?? '').trim() || (r.stderr ?? '').trim()}\n`)
  }
  return {
    name,
    rows: res.rows,
    seconds: +seconds.toFixed(2),
    bytes: statSync(out).size,
    baselineRssMB: Math.round(baseline / 2 ** 20),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }
}

/** The alternative, for comparison: arrow record batches (50k rows) → IPC → parquet-wasm's streaming writer. */
async function parquetWasmWriter(out: string, n: number, dims: number): Promise<() => Promise<{ rows: number; bytes: number }>> {
  const pw = await import('parquet-wasm/node' as string)
  const arrow = await import('apache-arrow' as string)
  const { createWriteStream } = await import('node:fs')
  const { Writable } = await import('node:stream')
  return async () => {
    let count = 0
    const GROUP = 50_000
    async function* batches() {
      let cols: { cells: string[][]; cl: number[]; lab: string[]; sc: number[]; an: boolean[]; x: number[]; y: number[]; v: Float32Array[] } = fresh()
      function fresh() {
        return { cells: [], cl: [], lab: [], sc: [], an: [], x: [], y: [], v: [] }
      }
      const toBatch = () => {
        const c = cols
        const col = (j: number) => c.cells.map((r) => r[j])
        const vecType = new arrow.FixedSizeList(dims || 1, new arrow.Field('element', new arrow.Float32(), false))
        const data: Record<string, unknown> = {
          id: arrow.vectorFromArray(
            col(0).map((v) => BigInt(v)),
            new arrow.Int64(),
          ),
          text: arrow.vectorFromArray(col(1), new arrow.Utf8()),
          score: arrow.vectorFromArray(col(2).map(Number), new arrow.Float64()),
          flag: arrow.vectorFromArray(
            col(3).map((v) => v === 'true'),
            new arrow.Bool(),
          ),
          when: arrow.vectorFromArray(col(4), new arrow.Utf8()),
          category: arrow.vectorFromArray(col(5), new arrow.Utf8()),
          cluster: arrow.vectorFromArray(Int32Array.from(c.cl)),
          cluster_label: arrow.vectorFromArray(c.lab, new arrow.Utf8()),
          anomaly_score: arrow.vectorFromArray(Float32Array.from(c.sc)),
          is_anomaly: arrow.vectorFromArray(c.an, new arrow.Bool()),
          x: arrow.vectorFromArray(Float32Array.from(c.x)),
          y: arrow.vectorFromArray(Float32Array.from(c.y)),
        }
        if (dims)
          data.vector = arrow.vectorFromArray(
            c.v.map((v) => Array.from(v)),
            vecType,
          )
        const table = new arrow.Table(data)
        const wasmTable = pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'))
        const out = wasmTable.recordBatches()
        cols = fresh()
        return out
      }
      for await (const ch of rows(n, dims)) {
        for (let i = 0; i < ch.cells.length; i++) {
          cols.cells.push(ch.cells[i])
          cols.cl.push(ch.cluster![i])
          cols.lab.push(ch.clusterLabel![i])
          cols.sc.push(ch.anomalyScore![i])
          cols.an.push(ch.isAnomaly![i] === 1)
          cols.x.push(ch.x![i])
          cols.y.push(ch.y![i])
          if (dims) cols.v.push(ch.vectors!.slice(i * dims, (i + 1) * dims))
          count++
          if (cols.cells.length === GROUP) yield* toBatch()
        }
      }
      if (cols.cells.length) yield* toBatch()
    }
    const it = batches()
    const source = new ReadableStream({
      async pull(ctrl) {
        const r = await it.next()
        if (r.done) ctrl.close()
        else ctrl.enqueue(r.value)
      },
    })
    const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).build()
    const bytesStream: ReadableStream = await pw.transformParquetStream(source, props)
    await bytesStream.pipeTo(Writable.toWeb(createWriteStream(out)))
    return { rows: count, bytes: statSync(out).size }
  }
}

async function main(): Promise<void> {
  const n = Number(arg('rows', '1000000'))
  const only = arg('case', '')
  if (only) {
    const dir = mkdtempSync(join(tmpdir(), 'embedmap-bench-export-'))
    try {
      const r = await runCase(only, n, dir)
      process.stdout.write(JSON.stringify(r) + '\n')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    return
  }
  const cases = arg('cases', 'csv,jsonl,parquet,parquet-vec').split(',')
  const self = fileURLToPath(import.meta.url)
  console.log(`Exporting ${n.toLocaleString('en')} rows (6 columns + 6 extras, ~130 chars of text per row) in chunks of ${CHUNK}; Node ${process.version}`)
  console.log(
    'case'.padEnd(18),
    'seconds'.padStart(8),
    'rows/s'.padStart(10),
    'file MB'.padStart(9),
    'baseline RSS MB'.padStart(16),
    'peak RSS MB'.padStart(12),
  )
  for (const c of cases) {
    const r = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        self,
        '--case',
        c,
        '--rows',
        String(n),
        '--dims',
        arg('dims', '384'),
        '--group-rows',
        arg('group-rows', String(GROUP_ROWS)),
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 24,
      },
    )
    const line = r.stdout.trim().split('\n').at(-1) ?? ''
    if (r.status !== 0 || !line.startsWith('{')) {
      console.log(c.padEnd(18), `failed (exit ${r.status}) ${line}`)
      continue
    }
    const x = JSON.parse(line) as CaseResult
    console.log(
      (c.endsWith('-vec') ? `${c} (${arg('dims', '384')}-d)` : c).padEnd(18),
      x.seconds.toFixed(2).padStart(8),
      Math.round(x.rows / x.seconds)
        .toLocaleString('en')
        .padStart(10),
      (x.bytes / 2 ** 20).toFixed(1).padStart(9),
      String(x.baselineRssMB).padStart(16),
      String(x.peakRssMB).padStart(12),
    )
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
