/**
 * `npm run bench -- import --parquet [--rows=N] [--dims=D]`: a Parquet file (written by pyarrow, ZSTD, 100k-row
 * groups; with --dims a float32 vector column) imported by the real CLI in one process, peak RSS measured, against
 * DuckDB loading the same file into a database in the same run (PyPI duckdb in the bench venv, default threads).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { machineInfo, measure, writeResults } from './measure'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const venvPython = path.join(process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv'), 'bin', 'python')

function arg(args: string[], name: string, fallback: number): number {
  const v = args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
  return v === undefined ? fallback : Number(v)
}

export async function main(args: string[]): Promise<void> {
  const rows = arg(args, 'rows', 1_000_000)
  const dims = arg(args, 'dims', 0)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-bench-parquet-'))
  try {
    const src = path.join(dir, 'short.parquet')
    const w = await measure(venvPython, [path.join(root, 'bench/peers/write_parquet.py'), src, String(rows), String(dims)])
    if (w.exitCode !== 0) throw new Error(`writing the Parquet source failed: ${w.stderr}`)
    const sizeMB = fs.statSync(src).size / 2 ** 20
    console.log(`source: ${rows.toLocaleString()} rows${dims ? ` with ${dims}-d vectors` : ''}, ${sizeMB.toFixed(1)} MB Parquet (ZSTD)`)

    const loadBefore = os.loadavg()[0]
    // With vectors the import alone is timed: the analysis that would follow is another benchmark.
    const ours = await measure(process.execPath, [
      path.join(root, 'bin/embedmap.js'),
      'import',
      src,
      '--db',
      path.join(dir, 'ours.sqlite'),
      '--json',
      ...(dims ? ['--no-analyze'] : []),
    ])
    if (ours.exitCode !== 0) throw new Error(`embedmap import failed: ${ours.stderr}${ours.stdout}`)
    const out = JSON.parse(ours.stdout) as { dataset: { rowCount: number }; vectors: { vectorCount: number } | null }
    if (out.dataset.rowCount !== rows) throw new Error(`embedmap imported ${out.dataset.rowCount} rows, expected ${rows}`)
    if (dims && out.vectors?.vectorCount !== rows) throw new Error(`embedmap stored ${out.vectors?.vectorCount} vectors, expected ${rows}`)

    const peer = await measure(venvPython, [path.join(root, 'bench/peers/import_parquet_duckdb.py'), src, path.join(dir, 'peer.duckdb')])
    if (peer.exitCode !== 0) throw new Error(`DuckDB failed: ${peer.stderr}`)
    const duck = JSON.parse(peer.stdout.trim().split('\n').pop()!) as { rows: number; seconds: number; duckdb: string; threads: number }
    if (duck.rows !== rows) throw new Error(`DuckDB loaded ${duck.rows} rows, expected ${rows}`)

    const result = {
      benchmark: 'import-parquet',
      date: new Date().toISOString(),
      machine: machineInfo(),
      // This machine is shared: both runs slow down alike under load, the ratio less than the absolute rates.
      loadAverage1m: { before: Number(loadBefore.toFixed(2)), after: Number(os.loadavg()[0].toFixed(2)) },
      rows,
      vectorDims: dims || null,
      sourceMB: Number(sizeMB.toFixed(1)),
      reader:
        'hyparquet 1.33.0 + hyparquet-compressors 1.1.2: flat columns a row group (100,000 rows) at a time; a vector column page by page (src-main/import/columnar/parquet-float-lists.ts)',
      embedmap: {
        wallSeconds: ours.wallSeconds,
        rowsPerSecond: Math.round(rows / ours.wallSeconds),
        peakRssMB: Math.round(ours.peakRssMB),
        note: 'whole CLI process: start-up, footer + row groups, type inference, SQLite writes (rows, and vectors when present), exit; with --dims the import runs with --no-analyze (the analysis is measured by bench analyze)',
      },
      peers: {
        duckdb: {
          version: duck.duckdb,
          threads: duck.threads,
          how: 'python: duckdb.connect(file).execute("CREATE TABLE t AS SELECT * FROM read_parquet(?)") — the whole process, start-up included',
          wallSeconds: peer.wallSeconds,
          rowsPerSecond: Math.round(rows / peer.wallSeconds),
          peakRssMB: Math.round(peer.peakRssMB),
        },
      },
      ratios: { speedVsDuckdb: Number((peer.wallSeconds / ours.wallSeconds).toFixed(3)) },
      goals: { peakRssMB: 500 },
    }
    const file = writeResults(dims ? `import-parquet-${dims}d` : 'import-parquet', result)
    console.log(
      `EmbedMap: ${result.embedmap.rowsPerSecond.toLocaleString()} rows/s, peak RSS ${result.embedmap.peakRssMB} MB (goal < 500 MB)\n` +
        `DuckDB ${duck.duckdb} (${duck.threads} threads): ${result.peers.duckdb.rowsPerSecond.toLocaleString()} rows/s, peak RSS ${result.peers.duckdb.peakRssMB} MB\n` +
        `speed ratio EmbedMap / DuckDB: ${result.ratios.speedVsDuckdb}×\nwritten to ${file}`,
    )
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
