import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import {
  FinetuneDeviceSchema,
  FinetuneHyperSchema,
  FinetuneMethodSchema,
  FinetuneSourceSchema,
  resolvedHyper,
  type FinetuneRun,
  type JobResult,
} from '../contract'
import { Embedder, findCatalogModel, trainingWeightsFolder, type EmbedderLoadOptions } from '../embed'
import { EmbedMapError } from '../errors'
import { trainAdapter, type AdapterResult } from '../finetune/adapter'
import { mineHardNegatives } from '../finetune/hard-negatives'
import { evaluateRetrieval } from '../finetune/heldout-eval'
import { lossTerms } from '../finetune/mnrl'
import { FinetuneRunsRepo } from '../store/finetune-runs-repo'
import { JobsRepo } from '../store/jobs-repo'
import { ModelsRepo } from '../store/models-repo'
import { defineJob } from './define-job'
import { ADAPTER_WEIGHTS_FILE, writeAdapterFolder } from './finetune/adapter-model'
import { fullPairs, heldoutAfter, placeModel, pythonEnv, trainWithWorker } from './finetune/full-method'
import { buildTrainingSet, marginsFor, type TrainingSet } from './finetune/training-data'
import { baseVectors, type BaseVectors } from './finetune/vectors'
import type { JobContext } from './types'

export const FinetuneJobParamsSchema = z.object({
  /** File paths here are absolute and were allowed by the engine's file rules when the job was started. */
  source: FinetuneSourceSchema,
  base: z.object({ modelId: z.string().min(1), location: z.string().min(1), label: z.string() }),
  method: FinetuneMethodSchema,
  hyper: FinetuneHyperSchema,
  device: FinetuneDeviceSchema,
  name: z.string().optional(),
  /** Full method: the user's Python (absolute, from the CLI); else EMBEDMAP_FINETUNE_PYTHON or the managed env. */
  python: z.string().optional(),
  /** Where the new model's folder goes (one folder per model id). */
  modelsDir: z.string().min(1),
  /** Where stage files of unfinished runs live (removed when the run ends). */
  workDir: z.string().min(1),
})
export type FinetuneJobParams = z.output<typeof FinetuneJobParamsSchema>
type Ctx = JobContext<FinetuneJobParams>

interface Checkpoint {
  runId?: number
  /** Stages whose output is on disk (vectors.f32, adapter.f32 + adapter.json) or registered. */
  stage?: 'vectors' | 'trained' | 'registered'
  modelId?: string
  modelDir?: string
}

/** Progress units: the bar's share of each stage. */
const UNITS = { data: 20, embed: 580, train: 350, export: 50 } as const
const TOTAL = UNITS.data + UNITS.embed + UNITS.train + UNITS.export

/**
 * A fine-tuning run: training pairs from the user's source, the base model's vectors, training (the adapter, or the
 * full fine-tune in the Python worker: `trainFull`), an ONNX model checked against what was trained, registered as a local
 * model with its lineage. Every stage's output is kept on disk until the run ends, so a killed run resumes from the
 * last finished stage; a cancelled or failed run leaves its record and no model.
 */
export const finetuneJob = defineJob({
  kind: 'finetune',
  params: FinetuneJobParamsSchema,
  title: (p) => `Fine-tune ${p.base.label} (${p.method})`,

  async run(ctx) {
    const p = ctx.params
    const runs = new FinetuneRunsRepo(ctx.db)
    const cp = ctx.job.checkpoint as Checkpoint
    let runId = cp.runId
    if (runId === undefined || !runs.get(runId)) {
      runId = runs.create({
        jobId: ctx.job.id,
        name: p.name ?? null,
        method: p.method,
        baseModelId: p.base.modelId,
        datasetId: 'datasetId' in p.source ? p.source.datasetId : null,
        dataSource: { description: describeSource(p.source), source: p.source },
        hyperparams: resolvedHyper(p.method, p.hyper),
        device: p.device,
      })
      checkpoint(ctx, 0, { runId })
    } else runs.reopen(runId)
    try {
      return p.method === 'full' ? await trainFull(ctx, runId) : await trainAdapterRun(ctx, runId)
    } catch (err) {
      const cancelled = err instanceof EmbedMapError && err.code === 'CANCELLED'
      runs.end(runId, cancelled ? 'cancelled' : 'failed', cancelled ? null : err instanceof Error ? err.message : String(err))
      throw err
    }
  },

  discard(db, job, params) {
    // The row handed in may predate this attempt's checkpoints: read what the run last wrote.
    const cp = (new JobsRepo(db).get(job.id)?.checkpoint ?? job.checkpoint) as Checkpoint
    if (cp.runId === undefined) return
    const runs = new FinetuneRunsRepo(db)
    const run = runs.get(cp.runId)
    // Nothing half-registered: the model row and folder this run wrote go, with its stage files.
    if (cp.modelId) {
      const models = new ModelsRepo(db)
      const row = models.get(cp.modelId)
      if (row && row.path === cp.modelDir) models.remove(cp.modelId)
    }
    if (cp.modelDir) {
      fs.rmSync(cp.modelDir, { recursive: true, force: true })
      fs.rmSync(`${cp.modelDir}.partial`, { recursive: true, force: true })
    }
    fs.rmSync(runWorkDir(params, cp.runId), { recursive: true, force: true })
    if (run && run.status === 'running') runs.end(cp.runId, new JobsRepo(db).isCancelRequested(job.id) ? 'cancelled' : 'failed', null)
  },
})

/**
 * The full fine-tune: base vectors (stored or embedded, kept on disk), hard negatives mined from them, the Python
 * worker (resumes from its last checkpoint in the run's folder after a crash), its ONNX export checked against the
 * trained PyTorch model, held-out metrics of both models, then the model registered with its lineage.
 */
async function trainFull(ctx: Ctx, runId: number): Promise<JobResult<'finetune'>> {
  const opened = await openRun(ctx, runId)
  if ('modelId' in opened) return opened
  const { h, runs, ts, load, base } = opened
  let { cp } = opened
  const p = ctx.params
  let info: Embedder['info']
  let vectors: BaseVectors
  const dir = runWorkDir(p, runId)
  try {
    info = base.info
    recordData(ctx, runId, ts, info.version, p.device)
    vectors = await stageVectors(ctx, runId, ts, base, Boolean(cp.stage), UNITS.embed / 2)
  } finally {
    await base.close()
  }
  const models = new ModelsRepo(ctx.db)
  const modelId = cp.modelId ?? freeModelId(models, p.name ?? `${p.base.modelId}-ft${runId}`)
  const modelDir = path.join(p.modelsDir, modelId)
  cp = { ...cp, runId, stage: 'vectors', modelId, modelDir }
  checkpoint(ctx, UNITS.data + UNITS.embed / 2, cp)
  ctx.throwIfCancelled()

  const env = await pythonEnv(ctx)
  const trainStart = UNITS.data + UNITS.embed / 2
  const trainUnits = UNITS.embed / 2 + UNITS.train
  const result = await trainWithWorker(ctx, env, {
    runs,
    runId,
    runDir: path.join(dir, 'worker'),
    modelId,
    ts,
    pairs: fullPairs(ctx, ts, vectors, h),
    // The ONNX folder embeds; the PyTorch weights may be beside it (a catalog model's downloaded training/).
    base: {
      location: trainingWeightsFolder(p.base.location) ?? p.base.location,
      id: p.base.modelId,
      version: info.version,
      prefixes: info.prefixes,
      sourceRepo: findCatalogModel(p.base.modelId)?.sourceRepo,
    },
    h,
    progress: (f) => ctx.report(trainStart + Math.round(trainUnits * f), TOTAL),
  })
  recordData(ctx, runId, ts, info.version, result.device)
  ctx.throwIfCancelled()

  // Before/after on the held-out queries, both measured by EmbedMap's embedder (the base from the vectors above).
  const before = ts.heldout.queries.length ? evaluateRetrieval(info.dims, vectors.corpus, { queries: vectors.heldout, relevant: ts.heldout.relevant }) : null
  // The same max length as the base vectors above, so before and after differ only by the weights.
  const after = await heldoutAfter(ctx, result.onnxDir, ts, load)
  ctx.throwIfCancelled()
  placeModel(result.onnxDir, modelDir, before, after)
  return register(ctx, opened, { modelId, dir: modelDir, dims: info.dims, before, after, cp })
}

/** What both methods open with: the resolved hyper-parameters, the training set and the base model (the caller closes it). */
interface OpenedRun {
  runId: number
  h: ReturnType<typeof resolvedHyper>
  runs: FinetuneRunsRepo
  /** When this attempt started, and what earlier attempts of the run already took: the record keeps the sum. */
  t0: number
  previousMs: number
  cp: Checkpoint
  ts: TrainingSet
  load: EmbedderLoadOptions
  base: Embedder
}

/** Opens the run for this attempt, or returns its result when an earlier attempt already registered the model. */
async function openRun(ctx: Ctx, runId: number): Promise<OpenedRun | JobResult<'finetune'>> {
  const p = ctx.params
  const h = resolvedHyper(p.method, p.hyper)
  const runs = new FinetuneRunsRepo(ctx.db)
  const t0 = performance.now()
  const previousMs = runs.get(runId)?.durationMs ?? 0
  const cp = ctx.job.checkpoint as Checkpoint
  if (cp.stage === 'registered' && cp.modelId && cp.modelDir) return finished(ctx, runId, cp.modelId, cp.modelDir)
  const ts = await buildTrainingSet(ctx.db, p.source, { evalSplit: h.evalSplit, seed: h.seed })
  ctx.report(UNITS.data, TOTAL)
  const load: EmbedderLoadOptions = { device: onnxDevice(p.device), maxLength: h.maxLength }
  const base = await Embedder.load(p.base.location, load)
  return { runId, h, runs, t0, previousMs, cp, ts, load, base }
}

/** Registers the model and closes the run record in one transaction, then drops the run's stage files. */
function register(
  ctx: Ctx,
  run: OpenedRun,
  out: { modelId: string; dir: string; dims: number; before: FinetuneRun['before']; after: FinetuneRun['after']; cp: Checkpoint },
): JobResult<'finetune'> {
  const name = ctx.params.name ?? out.modelId
  ctx.db.transaction(() => {
    new ModelsRepo(ctx.db).upsert({ id: out.modelId, name, path: out.dir, version: 'unhashed', dims: out.dims, languages: [], source: 'finetuned' })
    run.runs.setMetrics(run.runId, out.before, out.after)
    run.runs.succeed(run.runId, { modelId: out.modelId, dir: out.dir, durationMs: run.previousMs + (performance.now() - run.t0) })
    checkpoint(ctx, TOTAL, { ...out.cp, stage: 'registered' })
  })()
  fs.rmSync(runWorkDir(ctx.params, run.runId), { recursive: true, force: true })
  return finished(ctx, run.runId, out.modelId, out.dir)
}

/** What the run trained on, in its record: the data, its fingerprint and split, the base version, the device. */
function recordData(ctx: Ctx, runId: number, ts: TrainingSet, baseVersion: string, device: string): void {
  new FinetuneRunsRepo(ctx.db).setData(runId, {
    baseVersion,
    dataSource: { description: ts.description, source: ctx.params.source },
    dataFingerprint: ts.fingerprint,
    split: { report: ts.report, corpus: ts.corpus.length, heldoutQueries: ts.heldout.queries.length, seed: ctx.params.hyper.seed },
    device,
  })
}

/**
 * The base model's vectors of the training set: from the run's stage files when an earlier attempt wrote them, else
 * embedded (or read from the store) and written there. `units` is the share of the progress bar embedding spans.
 */
async function stageVectors(ctx: Ctx, runId: number, ts: TrainingSet, base: Embedder, resumed: boolean, units: number): Promise<BaseVectors> {
  const runs = new FinetuneRunsRepo(ctx.db)
  const dir = runWorkDir(ctx.params, runId)
  fs.mkdirSync(dir, { recursive: true })
  const stored = resumed ? readVectors(dir, ts, base.info.dims) : null
  if (stored) {
    runs.setVectorCounts(runId, { embedded: 0, reused: ts.corpus.length + new Set([...ts.anchors, ...ts.heldout.queries]).size })
    return stored
  }
  const vectors = await baseVectors(base, ts, {
    db: ctx.db,
    signal: ctx.signal,
    onProgress: (done, total) => ctx.report(UNITS.data + Math.round((units * done) / Math.max(1, total)), TOTAL),
  })
  writeVectors(dir, vectors)
  runs.setVectorCounts(runId, { embedded: vectors.embedded, reused: vectors.reused })
  return vectors
}

function checkpoint(ctx: Ctx, done: number, cp: Checkpoint): void {
  new JobsRepo(ctx.db).progress(ctx.job.id, done, TOTAL, cp)
  ctx.report(done, TOTAL)
}

function runWorkDir(p: FinetuneJobParams, runId: number): string {
  return path.join(p.workDir, `run-${runId}`)
}

function onnxDevice(d: FinetuneJobParams['device']): EmbedderLoadOptions['device'] {
  return d === 'mps' ? 'coreml' : d
}

async function trainAdapterRun(ctx: Ctx, runId: number): Promise<JobResult<'finetune'>> {
  const opened = await openRun(ctx, runId)
  if ('modelId' in opened) return opened
  const { h, ts, load, base } = opened
  let { cp } = opened
  const p = ctx.params
  try {
    const info = base.info
    const matryoshka = h.matryoshka?.length ? { dims: h.matryoshka, weights: h.matryoshka.map(() => 1) } : undefined
    lossTerms(info.dims, matryoshka) // a Matryoshka dim above the model's is BAD_INPUT before any work
    recordData(ctx, runId, ts, info.version, info.provider.used)
    const dir = runWorkDir(p, runId)

    // 1. Base vectors (kept on disk: a resumed run does not embed again).
    const vectors = await stageVectors(ctx, runId, ts, base, Boolean(cp.stage), UNITS.embed)
    if (cp.stage === undefined) {
      cp = { ...cp, runId, stage: 'vectors' }
      checkpoint(ctx, UNITS.data + UNITS.embed, cp)
    }
    ctx.throwIfCancelled()

    // 2. Training, one epoch at a time with its loss and held-out metrics written to the run record.
    let trained = cp.stage === 'trained' ? readTrained(dir, info.dims) : null
    if (!trained) {
      trained = fitAdapter(ctx, runId, ts, vectors, matryoshka)
      writeTrained(dir, trained)
      cp = { ...cp, stage: 'trained' }
      checkpoint(ctx, UNITS.data + UNITS.embed + UNITS.train, cp)
    }
    ctx.throwIfCancelled()

    // 3. The model: ONNX with the adapter appended, checked, then registered with the metrics in one transaction.
    const models = new ModelsRepo(ctx.db)
    const modelId = cp.modelId ?? freeModelId(models, p.name ?? `${p.base.modelId}-ft${runId}`)
    const modelDir = path.join(p.modelsDir, modelId)
    cp = { ...cp, modelId, modelDir }
    checkpoint(ctx, UNITS.data + UNITS.embed + UNITS.train, cp)
    const nCheck = Math.min(32, ts.heldout.queries.length || ts.anchors.length)
    const useHeldout = ts.heldout.queries.length > 0
    const checkTexts = (useHeldout ? ts.heldout.queries : ts.anchors).slice(0, nCheck)
    const written = await writeAdapterFolder({
      base,
      weights: trained.weights,
      outDir: modelDir,
      load,
      check: { texts: checkTexts, kind: 'query', baseVectors: (useHeldout ? vectors.heldout : vectors.anchors).slice(0, nCheck * info.dims) },
      lineage: {
        format: 'embedmap-model',
        id: modelId,
        name: p.name ?? modelId,
        source: 'finetuned',
        method: 'adapter',
        adapter: { file: ADAPTER_WEIGHTS_FILE, dims: info.dims, layout: 'float32 row-major d × d, y = normalize(W x)' },
        base: { id: p.base.modelId, version: info.version, dims: info.dims, pooling: info.pooling, prefixes: info.prefixes },
        runId,
        data: { description: ts.description, fingerprint: ts.fingerprint, report: ts.report, heldoutQueries: ts.heldout.queries.length },
        hyperparams: h,
        metrics: { before: trained.before ?? null, after: trained.after ?? null, bestEpoch: trained.bestEpoch },
        createdAt: new Date().toISOString(),
      },
    })
    ctx.throwIfCancelled()
    return register(ctx, opened, { modelId, dir: written.dir, dims: info.dims, before: trained.before ?? null, after: trained.after ?? null, cp })
  } finally {
    await base.close()
  }
}

function finished(ctx: Ctx, runId: number, modelId: string, modelDir: string): JobResult<'finetune'> {
  const run = new FinetuneRunsRepo(ctx.db).get(runId)!
  return { runId, modelId, modelDir, before: run.before, after: run.after, datasetId: run.datasetId }
}

function fitAdapter(ctx: Ctx, runId: number, ts: TrainingSet, v: BaseVectors, matryoshka: { dims: number[]; weights: number[] } | undefined): AdapterResult {
  const h = resolvedHyper('adapter', ctx.params.hyper)
  const runs = new FinetuneRunsRepo(ctx.db)
  const steps: FinetuneRun['steps'] = []
  const evaluations: FinetuneRun['evaluations'] = []
  let lastWrite = 0
  const start = UNITS.data + UNITS.embed
  const mining = {
    numNegatives: h.hardNegatives,
    rangeMin: h.rangeMin,
    rangeMax: h.rangeMax,
    maxScore: h.maxScore,
    ...marginsFor(ctx.params.source, h),
    sampling: h.sampling,
    seed: h.seed,
  }
  // Groups: every row of the anchor's group (its own row included) is kept out of its negatives, not only the
  // positives its pairs name, so the negatives are mined here with the whole group as positives.
  const hardNegatives = ts.givenNegatives
    ? { indices: ts.givenNegatives, numNegatives: 1 }
    : h.hardNegatives === 0
      ? { indices: new Int32Array(0), numNegatives: 0 }
      : ts.groupRows
        ? mineHardNegatives({ dims: v.dims, anchors: v.anchors, corpus: v.corpus, positives: Array.from(ts.groups, (g) => ts.groupRows![g]) }, mining)
        : undefined
  return trainAdapter(
    {
      dims: v.dims,
      corpus: v.corpus,
      anchors: v.anchors,
      positives: ts.positives,
      groups: ts.groups,
      hardNegatives,
      heldout: ts.heldout.queries.length ? { queries: v.heldout, relevant: ts.heldout.relevant } : undefined,
    },
    {
      epochs: h.epochs,
      batchSize: h.batchSize,
      learningRate: h.learningRate,
      identityPenalty: h.identityPenalty,
      scale: h.scale,
      matryoshka,
      patience: h.patience,
      seed: h.seed,
      signal: ctx.signal,
      mining,
      onStep(log) {
        steps.push({ step: log.step, epoch: log.epoch, loss: Number.isFinite(log.loss) ? log.loss : null })
        // The live curve: the record is rewritten at most every half second between epochs (and at each epoch's end).
        if (performance.now() - lastWrite < 500) return
        lastWrite = performance.now()
        runs.setCurves(runId, steps, evaluations)
        ctx.report(start + Math.round((UNITS.train * log.epoch) / h.epochs), TOTAL)
        // Training is synchronous: the database flag is the only way a cancel reaches us.
        ctx.throwIfCancelled()
      },
      onEpoch(log) {
        if (log.heldout)
          evaluations.push({ epoch: log.epoch, step: steps.length, ndcg10: log.heldout.ndcg10, recall10: log.heldout.recall10, mrr10: log.heldout.mrr10 })
        lastWrite = performance.now()
        runs.setCurves(runId, steps, evaluations)
        ctx.report(start + Math.round((UNITS.train * log.epoch) / h.epochs), TOTAL)
        ctx.throwIfCancelled()
      },
    },
  )
}

function freeModelId(models: ModelsRepo, wanted: string): string {
  const base = wanted
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  let id = base || 'finetuned'
  for (let i = 2; models.get(id); i++) id = `${base}-${i}`
  return id
}

export function describeSource(s: FinetuneJobParams['source']): string {
  switch (s.kind) {
    case 'beir':
      return `BEIR files ${path.basename(s.queries)}, ${path.basename(s.corpus)}, ${path.basename(s.qrels)}`
    case 'columns':
      return `dataset ${s.datasetId}: ${s.anchor} → ${s.positive}${s.negative ? ` (negative ${s.negative})` : ''}`
    case 'label':
      return `dataset ${s.datasetId}: rows grouped by ${s.label}`
    case 'clusters':
      return `dataset ${s.datasetId}: clusters${s.analysisRunId ? ` of analysis run ${s.analysisRunId}` : ''}`
    default:
      return `dataset ${s.datasetId}: ${s.groups.length} selections`
  }
}

// ---- stage files -------------------------------------------------------------------------------------------------

function writeFloats(file: string, a: Float32Array): void {
  fs.writeFileSync(`${file}.tmp`, Buffer.from(a.buffer, a.byteOffset, a.byteLength))
  fs.renameSync(`${file}.tmp`, file)
}

function readFloats(file: string, expected: number): Float32Array | null {
  if (!fs.existsSync(file)) return null
  const b = fs.readFileSync(file)
  if (b.byteLength !== expected * 4) return null
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

function writeVectors(dir: string, v: BaseVectors): void {
  writeFloats(path.join(dir, 'corpus.f32'), v.corpus)
  writeFloats(path.join(dir, 'anchors.f32'), v.anchors)
  writeFloats(path.join(dir, 'heldout.f32'), v.heldout)
}

function readVectors(dir: string, ts: TrainingSet, d: number): BaseVectors | null {
  const corpus = readFloats(path.join(dir, 'corpus.f32'), ts.corpus.length * d)
  const anchors = readFloats(path.join(dir, 'anchors.f32'), ts.anchors.length * d)
  const heldout = readFloats(path.join(dir, 'heldout.f32'), ts.heldout.queries.length * d)
  if (!corpus || !anchors || !heldout) return null
  return { dims: d, corpus, anchors, heldout, reused: 0, embedded: 0 }
}

function writeTrained(dir: string, r: AdapterResult): void {
  writeFloats(path.join(dir, 'adapter.f32'), r.weights)
  const { weights: _w, ...rest } = r
  fs.writeFileSync(path.join(dir, 'adapter.json'), JSON.stringify(rest))
}

function readTrained(dir: string, d: number): AdapterResult | null {
  const weights = readFloats(path.join(dir, 'adapter.f32'), d * d)
  const meta = path.join(dir, 'adapter.json')
  if (!weights || !fs.existsSync(meta)) return null
  return { ...(JSON.parse(fs.readFileSync(meta, 'utf8')) as Omit<AdapterResult, 'weights'>), weights }
}
