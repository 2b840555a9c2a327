/**
 * The full fine-tune inside the `finetune` job: the same training set and base vectors as the adapter, hard negatives
 * mined from those vectors, then the Python worker (sentence-transformers' trainer) through `runFullFinetune`, whose
 * exported ONNX model has passed its parity check. The held-out before/after metrics are measured here with
 * EmbedMap's own embedder on both models, so they mean the same as the adapter's.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { FinetuneRun } from '../../contract'
import { Embedder, type EmbedderLoadOptions } from '../../embed'
import { runFullFinetune, type FullFinetuneResult, type FullTrainPair } from '../../finetune/full'
import { mineHardNegatives } from '../../finetune/hard-negatives'
import { MIN_PAIRS } from '../../finetune/pairs'
import { evaluateRetrieval, type RetrievalMetrics } from '../../finetune/heldout-eval'
import { setLineageMetrics } from '../../finetune/lineage'
import { ensureManagedEnv, useExistingEnv, type PythonEnv } from '../../pyenv'
import type { FinetuneRunsRepo } from '../../store/finetune-runs-repo'
import type { FinetuneJobParams } from '../finetune-job'
import type { JobContext } from '../types'
import { marginsFor, type TrainingSet } from './training-data'
import type { BaseVectors } from './vectors'

type Ctx = JobContext<FinetuneJobParams>
type Hyper = FinetuneJobParams['hyper'] & { epochs: number; learningRate: number }

/**
 * Training pairs for the worker: each anchor with its positive and its mined (or given) negatives. A trainer batch
 * is a table, so every pair carries the same number of negatives: as sentence-transformers' n-tuple output does,
 * anchors for which fewer survived mining are left out — unless that would leave too few pairs, then none carry any.
 */
export function fullPairs(ctx: Ctx, ts: TrainingSet, v: BaseVectors, h: Hyper): FullTrainPair[] {
  const negatives = negativeRows(ctx, ts, v, h).map((rows) => rows.filter((r) => r >= 0))
  const want = Math.max(0, ...negatives.map((n) => n.length))
  const complete = negatives.filter((n) => n.length === want).length
  const carry = want > 0 && complete >= MIN_PAIRS
  // Label / cluster / selection data: the worker's sampler keeps a group's pairs out of each other's batches.
  const grouped = ts.groupRows !== null
  return ts.anchors.flatMap((anchor, i) => {
    const pair = { anchor, positive: ts.corpus[ts.positives[i]], ...(grouped ? { group: String(ts.groups[i]) } : {}) }
    if (!carry) return [pair]
    return negatives[i].length === want ? [{ ...pair, negatives: negatives[i].map((r) => ts.corpus[r]) }] : []
  })
}

function negativeRows(ctx: Ctx, ts: TrainingSet, v: BaseVectors, h: Hyper): number[][] {
  if (ts.givenNegatives) return Array.from(ts.givenNegatives, (r) => [r])
  if (h.hardNegatives === 0) return ts.anchors.map(() => [])
  // Every positive of the anchor's query (or every row of its group) is kept out of its negatives.
  const positivesOfGroup = new Map<number, number[]>()
  ts.groups.forEach((g, i) => positivesOfGroup.set(g, [...(positivesOfGroup.get(g) ?? []), ts.positives[i]]))
  const mined = mineHardNegatives(
    {
      dims: v.dims,
      anchors: v.anchors,
      corpus: v.corpus,
      positives: ts.anchors.map((_, i) => ts.groupRows?.[ts.groups[i]] ?? positivesOfGroup.get(ts.groups[i])!),
    },
    {
      numNegatives: h.hardNegatives,
      rangeMin: h.rangeMin,
      rangeMax: h.rangeMax,
      maxScore: h.maxScore,
      ...marginsFor(ctx.params.source, h),
      sampling: h.sampling,
      seed: h.seed,
    },
  )
  return ts.anchors.map((_, i) => Array.from(mined.indices.subarray(i * h.hardNegatives, (i + 1) * h.hardNegatives)))
}

/** The user's interpreter (CLI `--python`, or EMBEDMAP_FINETUNE_PYTHON), else the environment EmbedMap manages. */
export async function pythonEnv(ctx: Ctx): Promise<PythonEnv> {
  const given = ctx.params.python ?? process.env.EMBEDMAP_FINETUNE_PYTHON
  if (given) return useExistingEnv(given, { signal: ctx.signal })
  return ensureManagedEnv({ signal: ctx.signal })
}

export interface FullTrainingOptions {
  runs: FinetuneRunsRepo
  runId: number
  runDir: string
  modelId: string
  ts: TrainingSet
  pairs: FullTrainPair[]
  /** `location`: the folder with the PyTorch weights; `sourceRepo`: where they came from (lineage). */
  base: { location: string; id: string; version: string; prefixes: { query: string; passage: string }; sourceRepo?: string }
  h: Hyper
  /** Progress units this stage spans. */
  progress: (fraction: number) => void
}

/** Trains (or resumes) in the worker; per-step losses go to the run record as they come. */
export async function trainWithWorker(ctx: Ctx, env: PythonEnv, o: FullTrainingOptions): Promise<FullFinetuneResult> {
  const steps: FinetuneRun['steps'] = []
  const prefixes = o.base.prefixes.query || o.base.prefixes.passage ? { prompts: o.base.prefixes } : {}
  let lastWrite = 0
  return runFullFinetune({
    env,
    baseModel: o.base.location,
    baseModelId: o.base.id,
    baseSourceRepo: o.base.sourceRepo,
    baseVersion: o.base.version,
    trainPairs: o.pairs,
    hyperParams: {
      loss: o.h.loss,
      scale: o.h.scale,
      batchSize: o.h.batchSize,
      epochs: o.h.epochs,
      learningRate: o.h.learningRate,
      warmupRatio: o.h.warmupRatio,
      ...(o.h.maxLength ? { maxSeqLength: o.h.maxLength } : {}),
      ...(o.h.matryoshka?.length ? { matryoshkaDims: o.h.matryoshka } : {}),
      seed: o.h.seed,
      device: ctx.params.device,
    },
    ...prefixes,
    runDir: o.runDir,
    runId: String(o.runId),
    modelId: o.modelId,
    displayName: ctx.params.name ?? o.modelId,
    dataSource: o.ts.description,
    parityTexts: (o.ts.heldout.queries.length ? o.ts.heldout.queries : o.ts.anchors).slice(0, 32),
    signal: ctx.signal,
    onEvent(e) {
      if (e.event !== 'step') return
      // A resumed worker replays no steps: keep the curve the record already has below the resumed step.
      const kept = steps.length ? steps : (o.runs.get(o.runId)?.steps ?? []).filter((s) => s.step < e.step)
      steps.splice(0, steps.length, ...kept, { step: e.step, epoch: e.epoch, loss: Number.isFinite(e.loss) ? e.loss : null })
      o.progress(e.step / Math.max(1, e.total_steps))
      if (performance.now() - lastWrite > 1000 || e.step === e.total_steps) {
        lastWrite = performance.now()
        o.runs.setCurves(o.runId, steps, [])
      }
    },
  })
}

/** Held-out retrieval of the fine-tuned ONNX model, embedded by EmbedMap exactly as any model is. */
export async function heldoutAfter(ctx: Ctx, modelDir: string, ts: TrainingSet, load: EmbedderLoadOptions): Promise<RetrievalMetrics | null> {
  if (!ts.heldout.queries.length) return null
  const tuned = await Embedder.load(modelDir, load)
  try {
    const corpus = await tuned.embed(ts.corpus, { kind: 'passage', signal: ctx.signal })
    const queries = await tuned.embed(ts.heldout.queries, { kind: 'query', signal: ctx.signal })
    return evaluateRetrieval(tuned.info.dims, corpus.vectors, { queries: queries.vectors, relevant: ts.heldout.relevant })
  } finally {
    await tuned.close()
  }
}

/** Moves the exported folder into the workspace's models and writes the measured metrics into its lineage. */
export function placeModel(exported: string, modelDir: string, before: RetrievalMetrics | null, after: RetrievalMetrics | null): void {
  fs.rmSync(modelDir, { recursive: true, force: true })
  fs.mkdirSync(path.dirname(modelDir), { recursive: true })
  fs.renameSync(exported, modelDir)
  if (before && after) setLineageMetrics(modelDir, { before: { ...before }, after: { ...after }, split: 'held-out queries of the training data' })
}
