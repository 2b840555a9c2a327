/**
 * The Ray engine of the embed job: the dataset's rows still without a vector go out as Parquet shards, one Ray job
 * embeds them (resources/ray/embedmap_ray_entry.py: Ray Data from_arrow_refs → map_batches over onnxruntime actors with
 * the same model, tokenizer, pooling and normalization as the local embedder), and every vector shard it finishes is
 * taken into the workspace in its own transaction while the job still runs.
 *
 * Resume: a shard is named by its row range and only whole shards are written back, so after a cancel, a failure or a
 * crash the rows still missing form the same shards as before, and a re-run submits only those. A Ray job still
 * running from a crashed attempt is followed instead of submitted again. Cancel maps onto the Ray job's stop.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RayEngine } from '../contract'
import type { Embedder } from '../embed'
import { RayJobsClient, TERMINAL, type RayJobStatus } from '../embed/ray/ray-jobs'
import { finishedShards, readVectorShard, shardFolders, vectorShardFile, writeInputShard, type ShardRef } from '../embed/ray/shards'
import { EmbedMapError } from '../errors'
import type { EmbeddingsRepo } from '../store/embeddings-repo'
import type { JobsRepo } from '../store/jobs-repo'
import type { JobContext } from './types'

const ENTRY = 'embedmap_ray_entry.py'
const POLL_MS = 500
/** How long a stopped job may take to end before the cancel returns anyway (Ray SIGKILLs it after ~3 s). */
const STOP_WAIT_MS = 20_000
/** A job that ended with rows still missing (it should not) is submitted again this many times. */
const MAX_SUBMISSIONS = 3

export interface RayRunResult {
  address: string
  rayVersion: string
  submissions: string[]
  shardsSubmitted: number
  shardsTotal: number
}

interface RayCheckpoint {
  submissionId?: string
  shards?: Record<string, number>
}

/** Where the entry script is: EMBEDMAP_RAY_ENTRY, the packaged app's resources, or the source tree. */
export function rayEntryScript(): string {
  const candidates = [
    process.env.EMBEDMAP_RAY_ENTRY,
    (process as { resourcesPath?: string }).resourcesPath && path.join((process as { resourcesPath?: string }).resourcesPath!, 'ray', ENTRY),
    fileURLToPath(new URL(`../../resources/ray/${ENTRY}`, import.meta.url)), // from src-main/jobs/, and from the bundle's out/main/
    fileURLToPath(new URL(`../../../resources/ray/${ENTRY}`, import.meta.url)), // from the CLI's bundle, .cache/cli/<key>/
    path.resolve('resources/ray', ENTRY),
  ].filter((p): p is string => !!p)
  const found = candidates.find((p) => fs.existsSync(p))
  if (!found) throw new EmbedMapError('INTERNAL', `the Ray entry script ${ENTRY} is missing (looked in ${candidates.join(', ')})`)
  return found
}

/** Checks the address answers as a Ray dashboard before anything is written; returns the cluster's Ray version. */
export async function connectRay(ray: RayEngine): Promise<{ client: RayJobsClient; version: string }> {
  const client = new RayJobsClient(ray.address)
  return { client, version: await client.version() }
}

/** The folder the shards go through: it must be readable and writable by this machine and every Ray node. */
export function shardRoot(dbFile: string, datasetId: number, setId: number): string {
  const base = process.env.EMBEDMAP_RAY_SHARED_DIR ?? path.join(path.dirname(path.resolve(dbFile)), `${path.basename(dbFile)}.ray`)
  return path.join(base, `dataset-${datasetId}-set-${setId}`)
}

export async function embedOnRay(
  ctx: JobContext<{ datasetId: number; ray?: RayEngine }>,
  deps: {
    client: RayJobsClient
    rayVersion: string
    embedder: Embedder
    kind: 'query' | 'passage' | 'clustering' | 'none'
    setId: number
    total: number
    sets: EmbeddingsRepo
    jobs: JobsRepo
  },
): Promise<RayRunResult> {
  const ray = ctx.params.ray!
  const { client, embedder, setId, total, sets, jobs } = deps
  const dims = embedder.info.dims
  const root = shardRoot(ctx.db.name, ctx.params.datasetId, setId)
  const { inDir, outDir } = shardFolders(root)
  fs.mkdirSync(inDir, { recursive: true })
  fs.mkdirSync(outDir, { recursive: true })
  const result: RayRunResult = { address: client.base, rayVersion: deps.rayVersion, submissions: [], shardsSubmitted: 0, shardsTotal: 0 }
  const checkpoint = (ctx.job.checkpoint.ray ?? {}) as RayCheckpoint
  let expected: Record<string, number> = checkpoint.shards ?? {}
  let done = sets.countVectors(setId)

  const save = (cp: RayCheckpoint) => jobs.progress(ctx.job.id, done, total, { setId, ray: cp })

  /** Takes every whole vector shard in the out folder into the set, one transaction each, then deletes its files. */
  const takeFinished = async () => {
    for (const name of finishedShards(outDir)) {
      const file = vectorShardFile(outDir, name)
      const shard = await readVectorShard(file, dims, expected[name])
      const empty = emptyTextCount(ctx, shard.idx)
      ctx.db.transaction(() => {
        sets.insertVectors(setId, shard.idx, shard.vectors, dims)
        sets.addStats(setId, { truncated: shard.truncated, emptyText: empty })
        done = sets.countVectors(setId)
        save({ ...checkpoint, shards: expected })
      })()
      fs.rmSync(file, { force: true })
      fs.rmSync(path.join(inDir, `${name}.parquet`), { force: true })
      ctx.report(done, total)
    }
  }

  await takeFinished() // shards an interrupted run finished but did not take in
  const allShards = Math.ceil(total / ray.shardRows)
  result.shardsTotal = allShards

  for (let attempt = 0; ; attempt++) {
    ctx.throwIfCancelled()
    let submissionId = checkpoint.submissionId
    const running = submissionId ? await client.status(submissionId).catch(() => null) : null
    if (!submissionId || !running || TERMINAL.has(running.status)) {
      const shards = exportMissing(ctx, sets, setId, inDir, ray.shardRows)
      if (shards.length === 0) break
      if (attempt >= MAX_SUBMISSIONS)
        throw new EmbedMapError(
          'INTERNAL',
          `the Ray jobs ended ${MAX_SUBMISSIONS} times with rows still missing (${total - done} rows)`,
          'run the same command again',
        )
      submissionId = `embedmap-job${ctx.job.id}-${Date.now().toString(36)}`
      expected = Object.fromEntries(shards.map((s) => [s.name, s.rows]))
      const manifest = path.join(root, `job-${submissionId}.json`)
      fs.writeFileSync(
        manifest,
        JSON.stringify(
          {
            model: embedder.replicaSpec(deps.kind),
            shards: shards.map((s) => ({ name: s.name, input: s.input, rows: s.rows })),
            out_dir: outDir,
            batch_size: ray.batchSize,
            num_gpus_per_worker: ray.numGpusPerWorker,
            num_cpus_per_worker: ray.numCpusPerWorker,
          },
          null,
          2,
        ),
      )
      const workingDir = await client.uploadWorkingDir([{ name: ENTRY, data: fs.readFileSync(rayEntryScript()) }])
      await client.submit({
        entrypoint: `python ${ENTRY} ${shellQuote(manifest)}`,
        submissionId,
        workingDir,
        metadata: { embedmap_job: String(ctx.job.id), dataset: String(ctx.params.datasetId) },
      })
      checkpoint.submissionId = submissionId
      checkpoint.shards = expected
      save(checkpoint)
      result.submissions.push(submissionId)
      result.shardsSubmitted += shards.length
    } else {
      result.submissions.push(submissionId) // a job from a crashed attempt: follow it
    }

    const status = await follow(ctx, client, submissionId, takeFinished)
    await takeFinished()
    if (status === 'FAILED' || status === 'STOPPED') {
      const logs = await client.logs(submissionId)
      const tail = logs.trim().split('\n').slice(-8).join('\n')
      const info = await client.status(submissionId).catch(() => null)
      throw new EmbedMapError(
        'INTERNAL',
        `the Ray job ${submissionId} ${status === 'FAILED' ? 'failed' : 'was stopped'}${info?.message ? `: ${info.message}` : ''}${tail ? `\n${tail}` : ''}`,
        `finished shards are kept (${done} of ${total} rows): run the same command again to embed the rest`,
      )
    }
  }
  fs.rmSync(root, { recursive: true, force: true })
  return result
}

/** Polls the Ray job, taking finished shards in as they appear; on cancel, stops the job and keeps what finished. */
async function follow(ctx: JobContext, client: RayJobsClient, submissionId: string, takeFinished: () => Promise<void>): Promise<RayJobStatus> {
  for (;;) {
    if (ctx.signal.aborted) {
      await client.stop(submissionId).catch(() => false)
      const until = Date.now() + STOP_WAIT_MS
      while (Date.now() < until) {
        const s = await client.status(submissionId).catch(() => null)
        if (!s || TERMINAL.has(s.status)) break
        await sleep(POLL_MS)
      }
      await takeFinished()
      throw new EmbedMapError('CANCELLED', `embedding cancelled; the Ray job ${submissionId} was stopped`)
    }
    await takeFinished()
    const s = await client.status(submissionId)
    if (TERMINAL.has(s.status)) return s.status
    await sleep(POLL_MS, ctx.signal)
  }
}

/** Writes the rows still without a vector as input shards (files already there are kept) and lists them. */
function exportMissing(ctx: JobContext, sets: EmbeddingsRepo, setId: number, inDir: string, shardRows: number): ShardRef[] {
  const out: ShardRef[] = []
  let after = -1
  for (;;) {
    const rows = sets.missingRows(setId, (ctx.params as { datasetId: number }).datasetId, after, shardRows)
    if (rows.length === 0) break
    out.push(writeInputShard(inDir, rows))
    after = rows[rows.length - 1].idx
  }
  return out
}

function emptyTextCount(ctx: JobContext, idx: readonly number[]): number {
  if (idx.length === 0) return 0
  const datasetId = (ctx.params as { datasetId: number }).datasetId
  const stmt = ctx.db.prepare(`SELECT count(*) AS n FROM rows WHERE dataset_id = ? AND idx IN (SELECT value FROM json_each(?)) AND trim(text) = ''`)
  return (stmt.get(datasetId, JSON.stringify(idx)) as { n: number }).n
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const t = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
