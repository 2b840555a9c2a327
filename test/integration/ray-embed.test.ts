import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Embedder } from '../../src-main/embed'
import { JobsRepo } from '../../src-main/store/jobs-repo'
import { runCliAsync, startCli } from '../helpers/cli'
import { freePort } from '../helpers/infinity-server'
import { startRayCluster, type RayCluster } from '../helpers/ray-cluster'
import { realModel } from '../helpers/real-models'
import { sharedData, tmpDir } from '../helpers/tmp'

/**
 * `embedmap embed --engine ray` against a real Ray cluster started here on loopback (2 CPUs, `ray stop --force`
 * at the end, also when a test fails), with the real all-MiniLM-L6-v2: vectors equal local embedding, a model
 * worker killed with SIGKILL mid-job, cancel then re-run (only the missing shards go out again), EmbedMap itself killed
 * with SIGKILL mid-job (the re-run follows the Ray job still running), a bad address.
 */
const dir = tmpDir()
const db = path.join(dir, 'ray.sqlite')
const ROWS = 240
const SHARD = 40
const SHARDS = ROWS / SHARD
const modelDir = realModel('all-MiniLM-L6-v2')

let cluster: RayCluster | undefined
let local: Float32Array
const datasets: number[] = []

const cli = (args: string[]) => runCliAsync([...args, '--db', db])
const rayArgs = (datasetId: number) => [
  'embed',
  '--dataset',
  String(datasetId),
  '--model',
  modelDir,
  '--engine',
  'ray',
  '--ray-address',
  cluster!.address,
  '--shard-rows',
  String(SHARD),
  '--batch-size',
  '20',
  '--db',
  db,
]

function q<T>(sql: string, ...args: unknown[]): T {
  const d = new Database(db, { readonly: true })
  try {
    return d.prepare(sql).get(...args) as T
  } finally {
    d.close()
  }
}
const vectorCount = (datasetId: number) =>
  q<{ n: number }>(`SELECT count(*) AS n FROM embeddings e JOIN embedding_sets s ON s.id = e.set_id WHERE s.dataset_id = ?`, datasetId).n

/** Every row has exactly one vector, equal to local embedding (cosine ≥ 0.9999); returns the smallest cosine. */
function checkAgainstLocal(datasetId: number): number {
  const d = new Database(db, { readonly: true })
  try {
    const rows = d
      .prepare(`SELECT e.row_idx AS idx, e.vector AS v FROM embeddings e JOIN embedding_sets s ON s.id = e.set_id WHERE s.dataset_id = ? ORDER BY e.row_idx`)
      .all(datasetId) as { idx: number; v: Buffer }[]
    expect(rows.length).toBe(ROWS)
    expect(new Set(rows.map((r) => r.idx)).size).toBe(ROWS)
    let min = 1
    for (const r of rows) {
      const v = new Float32Array(new Uint8Array(r.v).buffer)
      const l = local.subarray(r.idx * 384, (r.idx + 1) * 384)
      let dot = 0
      let nv = 0
      let nl = 0
      for (let j = 0; j < 384; j++) {
        dot += v[j] * l[j]
        nv += v[j] * v[j]
        nl += l[j] * l[j]
      }
      min = Math.min(min, dot / Math.sqrt(nv * nl))
    }
    return min
  } finally {
    d.close()
  }
}

async function waitFor(what: string, ok: () => boolean, timeoutMs: number, child?: ReturnType<typeof startCli>): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    if (child && child.exitCode !== null) throw new Error(`the embed command ended (${child.exitCode}) before ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function exitOf(child: ReturnType<typeof startCli>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d) => (stdout += d))
  child.stderr!.on('data', (d) => (stderr += d))
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })))
}

beforeAll(async () => {
  const all = fs.readFileSync(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv'), 'utf8').split('\n')
  const csv = path.join(dir, 'ag-news-rows.csv')
  fs.writeFileSync(csv, all.slice(0, ROWS + 1).join('\n') + '\n')
  const started = startRayCluster({ numCpus: 2 }).then((c) => (cluster = c))
  for (let i = 0; i < 3; i++) {
    const imported = await cli(['import', csv, '--text-column', 'text', '--new', '--json'])
    expect(imported.status, imported.stderr).toBe(0)
    datasets.push(imported.json().dataset.id)
  }
  const d = new Database(db, { readonly: true })
  const texts = (d.prepare(`SELECT text FROM rows WHERE dataset_id = ? ORDER BY idx`).all(datasets[0]) as { text: string }[]).map((r) => r.text)
  d.close()
  const e = await Embedder.load(modelDir, { device: 'cpu' })
  local = (await e.embed(texts, { kind: 'clustering' })).vectors
  await e.close()
  await started
  console.log(`[ray-embed] ray start took ${cluster!.startSeconds.toFixed(1)} s`)
}, 240_000)

afterAll(async () => {
  if (!cluster) return
  cluster.stop()
  // No raylet, GCS or worker of ours may outlive the test.
  const ours = () =>
    fs
      .readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(cluster!.tempDir)
        } catch {
          return false
        }
      })
  await waitFor('the Ray processes to end', () => ours().length === 0, 20_000)
}, 120_000)

describe('embed --engine ray on a real local cluster', () => {
  it('a wrong address fails with a clear message and writes nothing', async () => {
    const port = await freePort()
    const r = await runCliAsync([
      'embed',
      '--dataset',
      String(datasets[2]),
      '--model',
      modelDir,
      '--engine',
      'ray',
      '--ray-address',
      `127.0.0.1:${port}`,
      '--db',
      db,
    ])
    expect(r.status).not.toBe(0)
    expect(r.stderr).toMatch(new RegExp(`No Ray cluster answers at http://127\\.0\\.0\\.1:${port}: connection refused`))
    expect(r.stderr).toMatch(/ray start --head|--ray-address/)
    expect(q<{ n: number }>(`SELECT count(*) AS n FROM embedding_sets WHERE dataset_id = ?`, datasets[2]).n).toBe(0)
    expect(vectorCount(datasets[2])).toBe(0)
  })

  it('gives the vectors of local embedding, even when a model worker is killed mid-job', async () => {
    const child = startCli([...rayArgs(datasets[0]), '--json'])
    const done = exitOf(child)
    // Kill (SIGKILL) a model actor once the first shard is in: Ray restarts the actor and retries its batches.
    await waitFor('the first shard', () => vectorCount(datasets[0]) > 0, 150_000, child)
    const before = vectorCount(datasets[0])
    const pids = cluster!.modelWorkerPids()
    expect(pids.length, 'a running Ray Data model worker').toBeGreaterThan(0)
    process.kill(pids[0], 'SIGKILL')
    const r = await done
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(before).toBeLessThan(ROWS) // the kill happened while rows were still missing
    const out = JSON.parse(r.stdout)
    expect(out.job.result.ray).toMatchObject({ shardsSubmitted: SHARDS, shardsTotal: SHARDS })
    expect(out.job.result.ray.submissions).toHaveLength(1)
    expect(out.embeddingSet.vectorCount).toBe(ROWS)
    expect(out.embeddingSet.status).toBe('ready')
    const min = checkAgainstLocal(datasets[0])
    console.log(`[ray-embed] min cosine to local ${min.toFixed(7)}`)
    expect(min).toBeGreaterThanOrEqual(0.9999)
  }, 200_000)

  it('after a cancel, a re-run submits only the missing shards', async () => {
    const id = datasets[1]
    const child = startCli(rayArgs(id))
    const done = exitOf(child)
    await waitFor('the first shard', () => vectorCount(id) > 0, 150_000, child)
    const job = q<{ id: number }>(`SELECT id FROM jobs WHERE kind = 'embed' AND dataset_id = ? ORDER BY id DESC LIMIT 1`, id).id
    // What `embedmap jobs cancel` does from another process (its CLI start-up alone would outlast this small job).
    const w = new Database(db)
    new JobsRepo(w).requestCancel(job)
    w.close()
    const r = await done
    expect(r.status).not.toBe(0)
    expect(q<{ state: string }>(`SELECT state FROM jobs WHERE id = ?`, job).state).toBe('cancelled')
    const kept = vectorCount(id)
    expect(kept % SHARD).toBe(0) // whole shards only
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(ROWS)
    const again = await cli([...rayArgs(id).slice(0, -2), '--json'])
    expect(again.status, again.stderr).toBe(0)
    expect(again.json().job.result.ray).toMatchObject({ shardsSubmitted: (ROWS - kept) / SHARD, shardsTotal: SHARDS })
    expect(checkAgainstLocal(id)).toBeGreaterThanOrEqual(0.9999)
  }, 200_000)

  it('after kill -9 of EmbedMap mid-job, the same command follows the Ray job still running instead of submitting another', async () => {
    const id = datasets[2]
    const child = startCli(rayArgs(id))
    const exited = exitOf(child)
    await waitFor('the first shard', () => vectorCount(id) > 0, 150_000, child)
    child.kill('SIGKILL')
    await exited
    const job = q<{ id: number; state: string }>(`SELECT id, state FROM jobs WHERE kind = 'embed' AND dataset_id = ? ORDER BY id DESC LIMIT 1`, id)
    expect(vectorCount(id)).toBeLessThan(ROWS)

    const again = await cli([...rayArgs(id).slice(0, -2), '--json'])
    expect(again.status, again.stderr).toBe(0)
    const out = again.json()
    expect(out.job.id).toBe(job.id) // the interrupted job resumed, not a new one
    expect(out.embeddingSet.vectorCount).toBe(ROWS)
    // One Ray job for this EmbedMap job on the cluster: the resumed attempt followed it (or found it finished).
    const rayJobs = (await (await fetch(`${cluster!.address}/api/jobs/`)).json()) as { submission_id?: string; status: string }[]
    const ours = rayJobs.filter((j) => j.submission_id?.startsWith(`embedmap-job${job.id}-`))
    expect(ours.map((j) => j.status)).toEqual(['SUCCEEDED'])
    expect(out.job.result.ray.submissions.every((s: string) => s === ours[0].submission_id)).toBe(true)
    expect(checkAgainstLocal(id)).toBeGreaterThanOrEqual(0.9999)
  }, 200_000)
})
