/**
 * Whole-pipeline benchmark against the leading peer, Embedding Atlas (Apple, PyPI `embedding-atlas`):
 * the same CSV of AG News texts through
 *
 *   ours:  embedmap run FILE --model DIR --text-column text --out OUT   (import, embedding, kNN, UMAP,
 *          k sweep + k-means, cluster labels, anomalies, duplicates, export)
 *   peer:  embedding-atlas FILE --text text --model DIR --export-application OUT.zip   (load, embedding
 *          with sentence-transformers, kNN, UMAP, export of the standalone web app)
 *
 * with the same model folder (all-MiniLM-L6-v2 from ~/.cache/embedmap-test-models), at each --rows size
 * (default 5000,20000; AG News has 7,600 rows: past that the rows are repeated with " (copy N)" appended,
 * so every text is distinct). Each tool's stderr lines are timestamped to record what it did when
 * (stages). Goal: our time ≤ 0.5× the peer's at every size.
 *
 * Fairness: the peer runs from its own overlay venv (scripts/bench/setup_atlas_venv.sh) with
 * OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset, with a fresh cache folder per run (XDG_CACHE_HOME: its
 * projection cache would otherwise skip the work), every core for torch/numba; its UMAP without a seed
 * (its default: parallel SGD). Both tools first do one small warm-up run (500 rows) so numba's on-disk
 * cache and the OS file cache are warm for both; compilation that numba does not cache is part of every
 * run of the peer's CLI, as its users get it.
 *
 *   npm run bench -- pipeline [--rows=5000,20000] [--reps=1]
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { NATIVE_BLAS_ENV, machineInfo, median, writeResults } from './measure'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const AG_NEWS = process.env.EMBEDMAP_AG_NEWS ?? path.resolve(root, '..', 'shared', 'data', 'en_ag_news_test', 'ag_news_test.csv')
const MODEL_DIR = path.join(process.env.EMBEDMAP_TEST_MODELS ?? path.join(os.homedir(), '.cache', 'embedmap-test-models'), 'all-MiniLM-L6-v2')
const ATLAS_VENV = process.env.EMBEDMAP_ATLAS_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-atlas-venv')
const ATLAS = path.join(ATLAS_VENV, 'bin', 'embedding-atlas')
const log = (...a: unknown[]) => console.error('[pipeline]', ...a)
const round = (x: number, p = 2) => Math.round(x * 10 ** p) / 10 ** p

interface TimedRun {
  seconds: number
  exitCode: number | null
  peakRssMB: number
  /** stderr/stdout lines with the seconds since start at which they appeared (progress bars collapsed). */
  lines: Array<{ t: number; line: string }>
}

/** Runs a command, timestamping every output line (a \r-redrawn progress bar keeps its last state per second). */
function timedRun(cmd: string, args: string[], env: Record<string, string | undefined>): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env }
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete childEnv[k]
      else childEnv[k] = v
    }
    const t0 = performance.now()
    const child = spawn(cmd, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    const lines: TimedRun['lines'] = []
    let peakKb = 0
    const take = (chunk: Buffer) => {
      const t = round((performance.now() - t0) / 1000, 1)
      for (const raw of chunk.toString('utf8').split(/[\r\n]+/)) {
        const line = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trim()
        if (!line) continue
        const prev = lines[lines.length - 1]
        // progress bars redraw the same line: keep one per second
        if (prev && Math.floor(prev.t) === Math.floor(t) && prev.line.slice(0, 12) === line.slice(0, 12)) prev.line = line
        else lines.push({ t, line })
      }
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))
        if (m) peakKb = Math.max(peakKb, Number(m[1]))
      } catch {
        // exited
      }
    }, 100)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearInterval(timer)
      resolve({ seconds: (performance.now() - t0) / 1000, exitCode: code, peakRssMB: Math.round(peakKb / 1024), lines })
    })
  })
}

/** The first `rows` AG News rows (repeated with " (copy N)" past 7,600), columns id, category, text. */
function writeSource(file: string, rows: number): void {
  const base = parse(fs.readFileSync(AG_NEWS, 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>
  const out: Array<{ id: number; category: string; text: string }> = []
  for (let i = 0; i < rows; i++) {
    const r = base[i % base.length]
    const copy = Math.floor(i / base.length)
    out.push({ id: i, category: r.category, text: copy === 0 ? r.text : `${r.text} (copy ${copy + 1})` })
  }
  const q = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`
  fs.writeFileSync(file, ['id,category,text', ...out.map((r) => [r.id, r.category, r.text].map(q).join(','))].join('\n') + '\n')
}

/** Stage boundaries: the first line matching each pattern, in seconds since start. */
function stages(lines: TimedRun['lines'], marks: Array<[string, RegExp]>, total: number): Record<string, number> {
  const at: Array<[string, number]> = []
  for (const [name, re] of marks) {
    const hit = lines.find((l) => re.test(l.line))
    if (hit) at.push([name, hit.t])
  }
  const out: Record<string, number> = {}
  for (let i = 0; i < at.length; i++) out[at[i][0]] = round((i + 1 < at.length ? at[i + 1][1] : total) - at[i][1], 1)
  return out
}

const OUR_MARKS: Array<[string, RegExp]> = [
  ['import', /^1\/4 importing/],
  ['embed', /^2\/4 embedding/],
  ['analyze (kNN, UMAP, k sweep, labels, anomalies, duplicates)', /^3\/4 analyzing/],
  ['export (rows, clusters, anomalies, duplicates)', /^4\/4 exporting/],
]
const PEER_MARKS: Array<[string, RegExp]> = [
  ['start-up + load', /./],
  ['embed', /batches|embedding|Batches|it\/s\]/i],
  ['kNN + UMAP', /Running UMAP|nearest|UMAP\(/i],
  ['export application', /export|Export|writ/i],
]

async function runOurs(src: string, dir: string, tag: string): Promise<TimedRun> {
  const r = await timedRun(
    process.execPath,
    [
      path.join(root, 'bin/embedmap.js'),
      'run',
      src,
      '--db',
      path.join(dir, `${tag}.sqlite`),
      '--model',
      MODEL_DIR,
      '--text-column',
      'text',
      '--device',
      'cpu',
      '--out',
      path.join(dir, `${tag}-out`),
    ],
    {},
  )
  if (r.exitCode !== 0)
    throw new Error(
      `embedmap run failed (${r.exitCode}):\n${r.lines
        .slice(-20)
        .map((l) => l.line)
        .join('\n')}`,
    )
  return r
}

async function runPeer(src: string, dir: string, tag: string): Promise<TimedRun> {
  const cache = path.join(dir, `${tag}-cache`)
  const r = await timedRun(ATLAS, [src, '--text', 'text', '--model', MODEL_DIR, '--export-application', path.join(dir, `${tag}-atlas.zip`)], {
    ...NATIVE_BLAS_ENV,
    XDG_CACHE_HOME: cache,
    PYTHONWARNINGS: 'ignore',
    HF_HUB_OFFLINE: '1',
    TOKENIZERS_PARALLELISM: 'true',
  })
  if (r.exitCode !== 0)
    throw new Error(
      `embedding-atlas failed (${r.exitCode}):\n${r.lines
        .slice(-20)
        .map((l) => l.line)
        .join('\n')}`,
    )
  return r
}

export async function main(args: string[]): Promise<void> {
  const sizes = (args.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? '5000,20000').split(',').map(Number)
  const reps = Math.max(1, Number(args.find((a) => a.startsWith('--reps='))?.split('=')[1] ?? 1))
  if (!fs.existsSync(ATLAS)) throw new Error(`${ATLAS} missing: run scripts/bench/setup_atlas_venv.sh`)
  if (!fs.existsSync(path.join(MODEL_DIR, 'model.onnx'))) throw new Error(`${MODEL_DIR} missing: run npm run bench:setup`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-bench-pipeline-'))
  const versions = await timedRun(path.join(ATLAS_VENV, 'bin', 'python'), ['-c', PEER_VERSIONS], NATIVE_BLAS_ENV)
  const results: Record<string, unknown> = {
    benchmark: 'pipeline',
    date: new Date().toISOString(),
    machine: machineInfo(),
    model: MODEL_DIR,
    source: 'AG News test (../shared/data/en_ag_news_test), columns id, category, text; rows past 7,600 repeated with " (copy N)"',
    method: `both CLIs as whole processes, ${reps} rep(s) per size interleaved (median), after one 500-row warm-up run of each; shared 2-core VM: absolute times are noisy, compare within the run`,
    peerRuntime: JSON.parse(versions.lines.map((l) => l.line).join('') || '{}'),
    sizes: [] as unknown[],
  }
  try {
    const warm = path.join(dir, 'warm.csv')
    writeSource(warm, 500)
    log('warm-up runs (500 rows)')
    await runOurs(warm, dir, 'warm-ours')
    await runPeer(warm, dir, 'warm-peer')
    for (const rows of sizes) {
      const src = path.join(dir, `ag-news-${rows}.csv`)
      writeSource(src, rows)
      const ours: TimedRun[] = []
      const peer: TimedRun[] = []
      for (let rep = 0; rep < reps; rep++) {
        ours.push(await runOurs(src, dir, `ours-${rows}-${rep}`))
        log(`${rows} rows: EmbedMap ${ours[rep].seconds.toFixed(1)} s`)
        peer.push(await runPeer(src, dir, `peer-${rows}-${rep}`))
        log(`${rows} rows: Embedding Atlas ${peer[rep].seconds.toFixed(1)} s`)
      }
      const o = median(ours.map((r) => r.seconds))
      const p = median(peer.map((r) => r.seconds))
      const row = {
        rows,
        embedmap: {
          seconds: round(o),
          runs: ours.map((r) => round(r.seconds)),
          peakRssMB: Math.max(...ours.map((r) => r.peakRssMB)),
          stages: stages(ours[ours.length - 1].lines, OUR_MARKS, ours[ours.length - 1].seconds),
          did: 'import, embedding (onnxruntime), exact kNN, UMAP, k sweep 2–20 by silhouette + k-means, cluster keywords, anomaly scores, duplicates, export of rows/clusters/anomalies/duplicates CSV + summary',
        },
        embeddingAtlas: {
          seconds: round(p),
          runs: peer.map((r) => round(r.seconds)),
          peakRssMB: Math.max(...peer.map((r) => r.peakRssMB)),
          stages: stages(peer[peer.length - 1].lines, PEER_MARKS, peer[peer.length - 1].seconds),
          log: peer[peer.length - 1].lines.slice(0, 60).map((l) => ({ t: l.t, line: l.line.slice(0, 200) })),
          did: 'load, embedding (sentence-transformers, torch), kNN + UMAP (umap-learn, no seed), export of the standalone web application',
        },
        ratio: round(o / p, 3),
        goal: 'ratio ≤ 0.5',
      }
      ;(results.sizes as unknown[]).push(row)
      console.log(`${rows} rows: EmbedMap ${o.toFixed(1)} s vs Embedding Atlas ${p.toFixed(1)} s → ${row.ratio}× (goal ≤ 0.5)`)
      writeResults('pipeline', results)
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  log(`wrote ${writeResults('pipeline', results)}`)
}

const PEER_VERSIONS = `
import json, importlib.metadata as m, os, torch
from threadpoolctl import threadpool_info
import numpy, numba
print(json.dumps({"embedding-atlas": m.version("embedding-atlas"), "torch": torch.__version__, "torchThreads": torch.get_num_threads(),
  "sentence-transformers": m.version("sentence-transformers"), "umap-learn": m.version("umap-learn"), "numba": numba.__version__,
  "numbaThreads": numba.get_num_threads(), "numpy": numpy.__version__,
  "threadpools": [{k: p.get(k) for k in ("internal_api", "version", "num_threads", "architecture")} for p in threadpool_info()],
  "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}}))
`
