/**
 * `npm run bench -- eval`: retrieval evaluation of SciFact (2,825 documents × 809 queries) with all-MiniLM-L6-v2,
 * EmbedMap's whole `embedmap eval retrieval` command vs mteb's own run (sentence-transformers + mteb's SciFact task on
 * the same files and weights) in the same benchmark run. Both report embedding time apart from search and scoring;
 * the peer runs as its users run it (warm-up excluded, its native BLAS: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed
 * from its environment only, torch's default threads). Also checks that the two give the same metrics (1e-3).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { machineInfo, measure, writeResults } from './measure'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const scifact = path.resolve(root, '../shared/data/en_scifact_retrieval')
const modelsDir = process.env.EMBEDMAP_TEST_MODELS ?? path.join(os.homedir(), '.cache', 'embedmap-test-models')
const venvPython = path.join(process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv'), 'bin', 'python')

/** Runs the peer with its own BLAS settings: the two OpenBLAS overrides of this machine are removed, for it only. */
function runPeer(args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const env = { ...process.env }
  delete env.OPENBLAS_CORETYPE
  delete env.OPENBLAS_L2_SIZE
  return new Promise((resolve, reject) => {
    const child = spawn(venvPython, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ stdout, stderr, code }))
  })
}

export async function main(args: string[]): Promise<void> {
  const modelId = args.find((a) => a.startsWith('--model='))?.split('=')[1] ?? 'all-MiniLM-L6-v2'
  const modelDir = path.join(modelsDir, modelId)
  if (!fs.existsSync(modelDir)) throw new Error(`${modelDir} is missing: run \`npm run models:test\` first.`)
  const files = ['queries', 'corpus', 'qrels'].map((f) => path.join(scifact, `${f}.csv`))
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-bench-eval-'))
  try {
    const cli = path.join(root, 'bin', 'embedmap.js')
    const db = path.join(dir, 'w.sqlite')
    const ours = await measure(process.execPath, [
      cli,
      'eval',
      'retrieval',
      '--queries',
      files[0],
      '--corpus',
      files[1],
      '--qrels',
      files[2],
      '--model',
      modelDir,
      '--no-baseline',
      '--no-matryoshka',
      '--device',
      'cpu',
      '--db',
      db,
      '--json',
    ])
    if (ours.exitCode !== 0) throw new Error(ours.stderr || ours.stdout)
    const run = JSON.parse(ours.stdout).results[0]
    // The job's own clock: embedding (texts / measured speed) and the rest of the task (exact search, scoring).
    const embedSeconds = run.costs.texts / run.costs.sentencesPerSecond
    const oursRow = {
      engine: 'EmbedMap (embedmap eval retrieval)',
      wallSeconds: ours.wallSeconds,
      taskSeconds: run.costs.seconds,
      embedSeconds,
      scoreSeconds: run.costs.seconds - embedSeconds,
      peakRssMB: ours.peakRssMB,
      metrics: run.metrics as Record<string, number>,
    }
    const peer = await runPeer([path.join(root, 'bench/peers/eval_mteb.py'), modelDir, ...files])
    if (peer.code !== 0) throw new Error(peer.stderr)
    const p = JSON.parse(peer.stdout.trim().split('\n').pop()!)
    const peerRow = {
      engine: `mteb ${p.mteb} + sentence-transformers`,
      taskSeconds: p.seconds,
      embedSeconds: p.embedSeconds,
      scoreSeconds: p.scoreSeconds,
      ...p,
    }
    const deltas = Object.fromEntries(Object.keys(p.metrics).map((k) => [k, Math.abs(oursRow.metrics[k] - p.metrics[k])]))
    const maxDelta = Math.max(...Object.values(deltas))
    const results = {
      machine: machineInfo(),
      data: 'SciFact: 809 queries × 2,825 documents',
      model: modelId,
      ours: oursRow,
      peer: peerRow,
      ratio: {
        task: oursRow.taskSeconds / peerRow.taskSeconds,
        embed: oursRow.embedSeconds / peerRow.embedSeconds,
        score: oursRow.scoreSeconds / peerRow.scoreSeconds,
      },
      metricDeltas: deltas,
      parity: maxDelta <= 1e-3,
    }
    const out = writeResults(`eval-${modelId}`, results)
    console.log(JSON.stringify({ ratio: results.ratio, maxDelta, parity: results.parity, ours: oursRow, peer: peerRow }, null, 2))
    console.log(`written to ${out}`)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
