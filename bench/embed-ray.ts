/**
 * `npm run bench -- embed --engine ray [--rows N] [--shard-rows N] [--batch-size N]`: the Ray path against local
 * embedding on this machine, same rows, same model (fp32, CPU). Both are the whole `embedmap embed` command (start-up,
 * model load, storing vectors); the Ray side also exports shards, submits the job (Ray Data start, actor model load)
 * and takes the vector shards back. The local cluster's own start (`ray start`) is measured and reported apart: a user
 * embeds on a cluster that is already running. Goal: the Ray path adds at most 15 % on one node.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startRayCluster } from '../test/helpers/ray-cluster'
import { texts } from './embed'
import { machineInfo, measure, writeResults } from './measure'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const modelsDir = process.env.EMBEDMAP_TEST_MODELS ?? path.join(os.homedir(), '.cache', 'embedmap-test-models')

export async function main(args: string[]): Promise<void> {
  const opt = (name: string, def: string) =>
    args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : def)
  const n = Number(opt('rows', '4000'))
  const shardRows = opt('shard-rows', '1000')
  const batchSize = opt('batch-size', '512')
  const modelId = opt('model', 'all-MiniLM-L6-v2')
  const modelDir = path.join(modelsDir, modelId)
  if (!fs.existsSync(modelDir)) throw new Error(`${modelDir} is missing: run \`npm run models:test\` first.`)
  const cli = path.join(root, 'bin', 'embedmap.js')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-bench-ray-'))
  const cluster = await startRayCluster({ numCpus: os.cpus().length })
  try {
    const data = texts(n)
    const csv = path.join(dir, 'texts.csv')
    fs.writeFileSync(csv, 'text\n' + data.map((t) => `"${t.replace(/"/g, '""')}"`).join('\n') + '\n')
    let runs = 0
    const run = async (engine: 'local' | 'ray') => {
      const db = path.join(dir, `${engine}-${++runs}.sqlite`)
      const imp = await measure(process.execPath, [cli, 'import', csv, '--db', db, '--json'])
      if (imp.exitCode !== 0) throw new Error(imp.stderr || imp.stdout)
      const id = String(JSON.parse(imp.stdout).dataset.id)
      const extra =
        engine === 'ray' ? ['--engine', 'ray', '--ray-address', cluster.address, '--shard-rows', shardRows, '--batch-size', batchSize] : ['--device', 'cpu']
      const r = await measure(process.execPath, [cli, 'embed', '--dataset', id, '--model', modelDir, '--variant', 'fp32', ...extra, '--db', db, '--json'])
      if (r.exitCode !== 0) throw new Error(r.stderr || r.stdout)
      const out = JSON.parse(r.stdout)
      if (out.embeddingSet.vectorCount !== n) throw new Error(`${engine}: ${out.embeddingSet.vectorCount} vectors for ${n} rows`)
      const row = { engine, seconds: r.wallSeconds, sentencesPerSecond: n / r.wallSeconds, cpuSecondsOfCommand: r.cpuSeconds, peakRssMB: r.peakRssMB }
      console.log(`${engine}: ${row.sentencesPerSecond.toFixed(1)} sentences/s, ${row.seconds.toFixed(1)} s (whole command)`)
      return row
    }
    // Interleaved, local first and last, so machine load drifting during the run hits both sides.
    const local1 = await run('local')
    const ray = await run('ray')
    const local2 = await run('local')
    const localSeconds = (local1.seconds + local2.seconds) / 2
    const overhead = ray.seconds / localSeconds - 1
    const file = writeResults('embed-ray', {
      benchmark: 'embed --engine ray',
      date: new Date().toISOString(),
      machine: machineInfo(),
      model: modelId,
      sentences: n,
      shardRows: Number(shardRows),
      batchSize: Number(batchSize),
      cluster: { nodes: 1, cpus: os.cpus().length, gpus: 0, rayStartSeconds: cluster.startSeconds },
      data: 'AG News test texts and ChnSentiCorp hotel reviews, alternating (shared/data)',
      note: 'Whole `embedmap embed` commands; the Ray cluster runs on the same 2 cores (raylet, GCS, dashboard included) and was started before, not timed here. No GPU on this machine.',
      results: [local1, ray, local2],
      overhead,
      goal: { maxOverhead: 0.15 },
    })
    console.log(`Ray path overhead vs local: ${(overhead * 100).toFixed(1)} % (goal ≤ 15 %)\nwritten to ${file}`)
  } finally {
    cluster.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
