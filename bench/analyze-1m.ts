/**
 * The whole analyze step at 1,000,000 rows through the real command (`embedmap analyze`), measured as a
 * separate process: wall time per stage (from the job's stored notes) and peak RSS (goal < 4 GB).
 *
 * Data: 1M rows imported by `embedmap import` from a CSV whose texts are the 7,600 AG News test rows
 * with a row number appended (so each text is distinct), and 1M vectors = 20,000 real MiniLM vectors
 * tiled with Gaussian noise (bench/analyze-data.ts), written straight into an embedding set: embedding
 * 1M rows on 2 CPU cores would take hours and is measured by the embed benchmark instead. No peer runs
 * here: umap-learn + sklearn at 1M rows do not finish in the time this machine has (umap-learn alone
 * took 59 s at 20k).
 *
 *   npm run bench -- analyze --1m [--rows N]
 * Results: bench/results/analyze-1m.json.
 */
import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openStore } from '../src-main/store/connection'
import { EmbeddingsRepo } from '../src-main/store/embeddings-repo'
import { benchVectors } from './analyze-data'
import { machineInfo, measure, writeResults } from './measure'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const log = (...a: unknown[]) => console.error('[analyze-1m]', ...a)
const CLI = path.join(root, 'bin', 'embedmap.js')

function writeCsv(file: string, rows: number): void {
  const news = parse(fs.readFileSync(path.join(root, '..', 'shared', 'data', 'en_ag_news_test', 'ag_news_test.csv')), { columns: true }) as {
    text: string
    label: string
  }[]
  const out = fs.openSync(file, 'w')
  fs.writeSync(out, 'id,text,label\n')
  let chunk = ''
  for (let i = 0; i < rows; i++) {
    const r = news[i % news.length]
    chunk += `${i},"${r.text.replaceAll('"', '""')} (${i})",${r.label}\n`
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk)
      chunk = ''
    }
  }
  fs.writeSync(out, chunk)
  fs.closeSync(out)
}

function writeVectors(dbFile: string, rows: number): string {
  const { X, source } = benchVectors(rows, log)
  const db = openStore(dbFile)
  try {
    const sets = new EmbeddingsRepo(db)
    const setId = sets.findOrCreate({
      datasetId: 1,
      modelId: 'bench-tiled-minilm',
      modelVersion: 'bench',
      dims: X.d,
      params: { variant: 'fp32', kind: 'passage', configKey: 'bench' },
    })
    const batch = 10_000
    for (let i0 = 0; i0 < rows; i0 += batch) {
      const i1 = Math.min(rows, i0 + batch)
      const idx = Array.from({ length: i1 - i0 }, (_, j) => i0 + j)
      db.transaction(() => sets.insertVectors(setId, idx, X.data.subarray(i0 * X.d, i1 * X.d), X.d))()
    }
    sets.markReady(setId)
  } finally {
    db.close()
  }
  return source
}

export async function main(args: string[]): Promise<void> {
  const at = args.indexOf('--rows')
  const rows = at >= 0 ? Number(args[at + 1]) : 1_000_000
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-bench-analyze-1m-'))
  const dbFile = path.join(tmp, 'bench.sqlite')
  try {
    const csv = path.join(tmp, 'rows.csv')
    writeCsv(csv, rows)
    const imp = await measure(process.execPath, [CLI, 'import', csv, '--db', dbFile, '--json'])
    if (imp.exitCode !== 0) throw new Error(`import failed: ${imp.stderr.slice(-2000)}`)
    log(`imported ${rows} rows in ${imp.wallSeconds.toFixed(1)} s`)
    const t0 = performance.now()
    const source = writeVectors(dbFile, rows)
    log(`wrote ${rows} vectors in ${((performance.now() - t0) / 1000).toFixed(1)} s (${source})`)

    const run = await measure(process.execPath, [CLI, 'analyze', '--dataset', '1', '--db', dbFile, '--json'])
    if (run.exitCode !== 0) throw new Error(`analyze failed (${run.exitCode}): ${run.stderr.slice(-3000)}`)
    const summary = JSON.parse(run.stdout)
    const db = openStore(dbFile, { readonly: true })
    const job = db.prepare(`SELECT params, notes FROM analysis_runs ORDER BY id DESC LIMIT 1`).get() as { params: string; notes: string }
    db.close()
    const result = {
      machine: machineInfo(),
      date: new Date().toISOString(),
      rows,
      vectors: source,
      command: 'embedmap analyze --dataset 1 (defaults: k auto 2-20, anomaly knn-text, UMAP n_neighbors 15)',
      wallSeconds: Math.round(run.wallSeconds * 10) / 10,
      peakRssMB: Math.round(run.peakRssMB),
      goalPeakRssMB: 4096,
      k: summary.k,
      silhouette: summary.silhouette,
      anomalies: { method: summary.anomalies.method, flagged: summary.anomalies.flaggedCount },
      duplicates: { groups: summary.duplicates.groupCount },
      projection: summary.projection,
      notes: JSON.parse(job.notes),
    }
    log(`analyze: ${result.wallSeconds} s, peak RSS ${result.peakRssMB} MB, k = ${result.k}`)
    console.log(JSON.stringify(result, null, 2))
    log(`wrote ${writeResults('analyze-1m', result)}`)
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}
