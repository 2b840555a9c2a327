import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { DeviceSchema, EvalTaskSpecSchema, VariantSchema } from '../contract'
import { Embedder } from '../embed'
import { cachingEmbed, embedderEmbedFn, loadTaskFiles, type EmbedMeter, type LoadedTask, type TaskResult } from '../evaluate'
import { EvaluationsRepo, type NewEvaluationRun } from '../store/evaluations-repo'
import { JobsRepo } from '../store/jobs-repo'
import { defineJob } from './define-job'
import { readDatasetTable, taskFilesFor, taskFingerprint, type DatasetTable } from './evaluate-source'
import { loadStoredVectors, reuseStoredVectors, type VectorCounts } from './stored-vectors'
import type { JobContext } from './types'

export const EvaluateJobParamsSchema = z.object({
  /** File paths here are absolute and were allowed by the engine's file rules when the job was started. */
  task: EvalTaskSpecSchema,
  models: z.array(z.object({ modelId: z.string().min(1), label: z.string(), location: z.string().min(1) })),
  baseline: z.boolean(),
  matryoshka: z.boolean(),
  device: DeviceSchema,
  variant: VariantSchema.optional(),
  recompute: z.boolean(),
})
export type EvaluateJobParams = z.output<typeof EvaluateJobParamsSchema>

interface Checkpoint {
  /** Results this job stored, so a resumed `recompute` run does not compute them a second time. */
  saved?: number[]
}

/**
 * Evaluates models (and the lexical baseline) on one task of the user's data with mteb's metrics and protocol, and
 * stores one row per model and dimension. A result already stored for the same data, model version and dimension is
 * reused, never silently recomputed; so a killed job resumes where it stopped.
 */
export const evaluateJob = defineJob({
  kind: 'evaluate',
  params: EvaluateJobParamsSchema,
  title: (p) => `Evaluate ${p.models.map((m) => m.label).join(', ') || 'baseline'} on ${p.task.kind}`,

  async run(ctx) {
    const p = ctx.params
    const repo = new EvaluationsRepo(ctx.db)
    const jobs = new JobsRepo(ctx.db)
    const saved = new Set((ctx.job.checkpoint as Checkpoint).saved ?? [])
    const table = p.task.dataset === undefined ? undefined : readDatasetTable(ctx.db, p.task.dataset)
    const task = await loadTaskFiles(taskFilesFor(p.task, table))
    const fingerprint = await taskFingerprint(p.task, table)
    const vectors: ({ modelId: string } & VectorCounts)[] = []
    const total = (p.baseline ? 1 : 0) + p.models.length
    let done = 0
    const runIds: number[] = []
    const reused: number[] = []
    const keep = (run: { id: number }, wasReused: boolean) => {
      runIds.push(run.id)
      if (wasReused) reused.push(run.id)
      else saved.add(run.id)
    }
    const step = () => {
      done++
      jobs.progress(ctx.job.id, done, total, { saved: [...saved] } satisfies Checkpoint)
      ctx.report(done, total)
    }
    const base = { task: p.task.kind, dataFingerprint: fingerprint, dataLabel: task.size, jobId: ctx.job.id, spec: p.task }
    const existing = (modelId: string, modelVersion: string, dims: number | null) => {
      const found = repo.find({ task: p.task.kind, dataFingerprint: fingerprint, modelId, modelVersion, dims })
      return found && (!p.recompute || saved.has(found.id)) ? found : undefined
    }
    ctx.report(0, total)

    if (p.baseline) {
      const id = p.task.kind === 'retrieval' ? 'bm25' : 'tfidf'
      const found = existing(id, 'lexical-1', null)
      if (found) keep(found, true)
      else {
        const t0 = performance.now()
        const r = await task.runBaseline()
        keep(
          saveRun(repo, r, {
            ...base,
            modelId: id,
            modelVersion: 'lexical-1',
            dims: null,
            lexical: true,
            ...scores(r),
            costs: costs(t0, null, task.texts.length, null),
          }),
          false,
        )
      }
      step()
    }

    for (const m of p.models) {
      ctx.throwIfCancelled()
      vectors.push({ modelId: m.modelId, ...(await evaluateModel(ctx, task, table, m, base, existing, keep)) })
      step()
    }
    return { runIds, reused, dataFingerprint: fingerprint, dataLabel: task.size, warnings: task.warnings, vectors }
  },
})

async function evaluateModel(
  ctx: JobContext<EvaluateJobParams>,
  task: LoadedTask,
  table: DatasetTable | undefined,
  m: EvaluateJobParams['models'][number],
  base: Pick<NewEvaluationRun, 'task' | 'dataFingerprint' | 'dataLabel' | 'jobId' | 'spec'>,
  existing: (modelId: string, version: string, dims: number | null) => { id: number } | undefined,
  keep: (run: { id: number }, reused: boolean) => void,
): Promise<VectorCounts> {
  const p = ctx.params
  const repo = new EvaluationsRepo(ctx.db)
  const embedder = await Embedder.load(m.location, { device: p.device, variant: p.variant })
  try {
    const info = embedder.info
    // Every dimension a Matryoshka model was trained for, full size first; vectors are embedded once for all.
    const dimsList =
      p.matryoshka && info.matryoshkaDims?.length
        ? [...new Set([info.dims, ...info.matryoshkaDims.filter((d) => d < info.dims)])].sort((a, b) => b - a)
        : [info.dims]
    const meter: EmbedMeter = { texts: 0, seconds: 0 }
    const counts: VectorCounts = { embedded: 0, reused: 0 }
    const raw = embedderEmbedFn(embedder, { signal: ctx.signal })
    // Vectors the model already stored for this dataset's rows are read, not embedded again; the meter times only real work.
    const stored = table ? loadStoredVectors(ctx.db, table.datasetId, m.modelId, info) : new Map()
    const cache = cachingEmbed(reuseStoredVectors(raw, stored, info.dims, meter, counts), { texts: 0, seconds: 0 })
    const sizeBytes = modelBytes(info.onnxFile)
    for (const dims of dimsList) {
      ctx.throwIfCancelled()
      const found = existing(m.modelId, info.version, dims)
      if (found) {
        keep(found, true)
        continue
      }
      const t0 = performance.now()
      const r = await task.run(dims === info.dims ? cache.embed : cache.truncate(dims))
      const sps = await measuredSpeed(meter, raw, task.texts)
      keep(
        saveRun(repo, r, {
          ...base,
          modelId: m.modelId,
          modelVersion: info.version,
          dims,
          lexical: false,
          ...scores(r),
          costs: costs(t0, sps, task.texts.length, sizeBytes),
        }),
        false,
      )
    }
    return counts
  } finally {
    await embedder.close()
  }
}

/** Speed clocked during the run; with (almost) every vector reused, clocked on a sample of the task's texts instead. */
const SPEED_SAMPLE = 64
async function measuredSpeed(meter: EmbedMeter, embed: ReturnType<typeof embedderEmbedFn>, texts: string[]): Promise<number | null> {
  if (meter.texts < SPEED_SAMPLE && texts.length > meter.texts) {
    const sample = texts.slice(0, SPEED_SAMPLE)
    const t0 = performance.now()
    await embed(sample, 'symmetric')
    meter.seconds += (performance.now() - t0) / 1000
    meter.texts += sample.length
  }
  return meter.seconds > 0 ? meter.texts / meter.seconds : null
}

/** One result with its per-query rows (retrieval), written together. */
function saveRun(repo: EvaluationsRepo, r: TaskResult, run: NewEvaluationRun) {
  return repo.transaction(() => {
    const saved = repo.save(run)
    if (r.perQueryTop) repo.saveQueries(saved.id, r.perQueryTop)
    return saved
  })
}

function scores(r: TaskResult): Pick<NewEvaluationRun, 'mainMetric' | 'mainScore' | 'metrics' | 'warnings'> {
  return { mainMetric: r.mainMetric, mainScore: r.mainScore, metrics: r.metrics, warnings: r.warnings }
}

function costs(t0: number, sentencesPerSecond: number | null, texts: number, sizeBytes: number | null): NewEvaluationRun['costs'] {
  return {
    seconds: (performance.now() - t0) / 1000,
    sentencesPerSecond,
    texts,
    sizeBytes,
    // The process's peak resident memory so far (the job's worker shares the process): an upper bound.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }
}

/** Size on disk of the weights used: the .onnx file and its external data (files named after it). */
function modelBytes(onnxFile: string): number | null {
  try {
    const dir = path.dirname(onnxFile)
    const stem = path.basename(onnxFile)
    return fs
      .readdirSync(dir)
      .filter((f) => f.startsWith(stem))
      .reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0)
  } catch {
    return null
  }
}
