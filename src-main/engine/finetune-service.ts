import path from 'node:path'
import type { z } from 'zod'
import type { Caller, FinetuneCompare, FinetunePreview, FinetuneRun, FinetuneSource, FinetuneStartSchema } from '../contract'
import { findCatalogModel, trainingWeightsFolder, trainingWeightsNeeded } from '../embed'
import { validateBaseModel } from '../finetune/full/validate'
import { EmbedMapError } from '../errors'
import { mineHardNegatives } from '../finetune/hard-negatives'
import { lossTerms } from '../finetune/mnrl'
import { buildTrainingSet, isGroupSource, marginsFor, type TrainingSet } from '../jobs/finetune/training-data'
import type { JobRunner } from '../jobs/runner'
import { isOwnerAlive } from '../process-identity'
import type { Db } from '../store/connection'
import { EmbeddingsRepo } from '../store/embeddings-repo'
import { FinetuneRunsRepo } from '../store/finetune-runs-repo'
import { JobsRepo } from '../store/jobs-repo'
import { compareMaps } from './finetune-compare'
import type { FileAccess } from './file-access'
import { remoteNotHere, type ModelChoice, type ModelsService } from './models-service'

type StartInput = z.output<typeof FinetuneStartSchema>
type MiningStats = ReturnType<typeof mineHardNegatives>['stats']

/** Statistics of an empty side are NaN; the contract carries numbers only (0 with count 0 says "none"). */
function finiteStats(s: MiningStats): MiningStats {
  const fix = (x: MiningStats['positive']) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, Number.isFinite(v) ? v : 0])) as MiningStats['positive']
  return { ...s, positive: fix(s.positive), negative: fix(s.negative), difference: fix(s.difference) }
}

/** Anchors mined for the preview: enough to show the statistics, little enough for the main thread. */
const PREVIEW_ANCHORS = 200

/** Starts fine-tuning runs (data checked first, nothing written on bad input), previews their data, lists runs. */
export class FinetuneService {
  readonly runs: FinetuneRunsRepo

  constructor(
    private readonly db: Db,
    private readonly dbPath: string,
    private readonly runner: JobRunner,
    private readonly models: ModelsService,
    private readonly files: FileAccess,
  ) {
    this.runs = new FinetuneRunsRepo(db)
  }

  async start(input: StartInput, caller: Caller): Promise<{ jobId: number }> {
    const { source, base } = await this.check(input, caller, { weights: true })
    const workspace = path.dirname(path.resolve(this.dbPath))
    const params = {
      source,
      base,
      method: input.method,
      hyper: input.hyper,
      device: input.device,
      name: input.name,
      python: input.python === undefined ? undefined : path.resolve(input.python),
      modelsDir: path.join(workspace, 'models'),
      workDir: path.join(workspace, 'finetune'),
    }
    const datasetId = 'datasetId' in source ? source.datasetId : null
    return this.runner.startOrJoin({ kind: 'finetune', datasetId, params, lockKey: `finetune:${JSON.stringify(params)}` })
  }

  async preview(input: StartInput, caller: Caller): Promise<FinetunePreview> {
    const { training: ts, base } = await this.check(input, caller)
    const examples = ts.examples.map((e) => ({ anchor: e.anchor, positive: e.positive, ...(e.negative ? { negative: e.negative } : {}) }))
    const mined = this.previewNegatives(ts, base, input)
    return {
      description: ts.description,
      report: ts.report,
      corpusSize: ts.corpus.length,
      heldoutQueries: ts.heldout.queries.length,
      examples,
      negatives: mined.negatives,
      negativesNote: mined.note,
      warnings: ts.warnings,
    }
  }

  list(filter: { datasetId?: number; jobId?: number }): FinetuneRun[] {
    return this.runs.list(filter).map((r) => this.withJobState(r))
  }

  get(id: number): FinetuneRun {
    const run = this.runs.get(id)
    if (!run) throw new EmbedMapError('NOT_FOUND', `There is no fine-tuning run ${id}.`, 'List them with `embedmap finetune list`.')
    return this.withJobState(run)
  }

  cancel(id: number): FinetuneRun {
    const run = this.get(id)
    if (run.jobId === null) throw new EmbedMapError('CONFLICT', `Run ${id} has no job to cancel.`)
    new JobsRepo(this.db).markOrphansInterrupted(isOwnerAlive)
    this.runner.cancel(run.jobId)
    return this.get(id)
  }

  compare(input: { datasetId: number; baseRunId: number; newRunId: number; top: number }): FinetuneCompare {
    return compareMaps(this.db, input)
  }

  /** A run whose job was killed reads 'running' in its record; say what the job says. */
  private withJobState(run: FinetuneRun): FinetuneRun {
    if (run.status !== 'running' || run.jobId === null) return run
    const job = new JobsRepo(this.db).get(run.jobId)
    if (job && (job.state === 'interrupted' || job.state === 'failed' || job.state === 'cancelled')) {
      return { ...run, status: job.state === 'interrupted' ? 'interrupted' : job.state }
    }
    return run
  }

  /** Files through the door's rules, the base model resolved, the method available, Matryoshka dims possible, the data usable. */
  /** `weights`: the full method's PyTorch weights must be here (a start; a preview of the data does not need them). */
  private async check(
    input: StartInput,
    caller: Caller,
    need: { weights?: boolean } = {},
  ): Promise<{ source: FinetuneSource; base: ModelChoice; training: TrainingSet }> {
    if (input.python !== undefined && caller.door !== 'cli')
      throw new EmbedMapError(
        'BAD_INPUT',
        'A Python interpreter can only be named from the command line.',
        'Set EMBEDMAP_FINETUNE_PYTHON, or let EmbedMap manage one.',
      )
    const source: FinetuneSource =
      input.source.kind === 'beir'
        ? {
            ...input.source,
            queries: this.files.readable(input.source.queries, caller),
            corpus: this.files.readable(input.source.corpus, caller),
            qrels: this.files.readable(input.source.qrels, caller),
          }
        : input.source
    const base = this.models.choose(input.model, caller)
    if (base.remote) throw remoteNotHere(base.modelId, 'fine-tuning')
    // The full method trains PyTorch weights: a base without them is refused before anything is written; for a catalog
    // model the message names the download of its weights.
    if (input.method === 'full' && need.weights) {
      const catalog = findCatalogModel(base.modelId)
      const weights = trainingWeightsFolder(base.location)
      if (!weights && catalog) throw trainingWeightsNeeded(catalog)
      validateBaseModel(weights ?? base.location, catalog?.sourceRepo)
    }
    const dims = this.models.local.get(base.modelId)?.dims || findCatalogModel(base.modelId)?.dims
    const matryoshka = input.hyper.matryoshka
    if (dims && matryoshka?.length) lossTerms(dims, { dims: matryoshka, weights: matryoshka.map(() => 1) })
    const training = await buildTrainingSet(this.db, source, { evalSplit: input.hyper.evalSplit, seed: input.hyper.seed })
    return { source, base, training }
  }

  /** Negatives mined from vectors the dataset already has for the base model (none are computed for a preview). */
  private previewNegatives(ts: TrainingSet, base: ModelChoice, input: StartInput): { negatives: FinetunePreview['negatives']; note: string | null } {
    if (ts.givenNegatives) return { negatives: null, note: 'The data gives a negative for each pair; none are mined.' }
    if (input.hyper.hardNegatives === 0) return { negatives: null, note: 'Hard negatives are off: in-batch negatives only.' }
    if (ts.datasetId === null) return { negatives: null, note: 'Negatives are mined from the base model’s vectors when training starts.' }
    const sets = new EmbeddingsRepo(this.db).list(ts.datasetId).filter((s) => s.modelId === base.modelId && s.status === 'ready')
    const set = sets[0]
    if (!set) return { negatives: null, note: `Dataset ${ts.datasetId} has no vectors from ${base.modelId} yet: negatives are mined when training starts.` }
    const rows = this.db.prepare(`SELECT idx, text FROM rows WHERE dataset_id = ? ORDER BY idx`).all(ts.datasetId) as { idx: number; text: string }[]
    const { matrix } = new EmbeddingsRepo(this.db).readMatrix(set.id, rows.length, set.dims)
    const byText = new Map<string, Float32Array>()
    for (const r of rows) byText.set(r.text, matrix.subarray(r.idx * set.dims, (r.idx + 1) * set.dims))
    const d = set.dims
    const corpusRows = ts.corpus.map((t) => byText.get(t))
    const anchorIdx = ts.anchors.map((_, i) => i).filter((i) => byText.has(ts.anchors[i]) && corpusRows[ts.positives[i]])
    if (corpusRows.some((v) => !v) || anchorIdx.length === 0)
      return { negatives: null, note: 'The pair texts are not the dataset’s embedded text column: negatives are mined when training starts.' }
    const corpus = new Float32Array(ts.corpus.length * d)
    corpusRows.forEach((v, i) => corpus.set(v!, i * d))
    const take = anchorIdx.slice(0, PREVIEW_ANCHORS)
    const anchors = new Float32Array(take.length * d)
    take.forEach((i, k) => anchors.set(byText.get(ts.anchors[i])!, k * d))
    const positivesOfGroup = new Map<number, number[]>()
    ts.groups.forEach((g, i) => positivesOfGroup.set(g, [...(positivesOfGroup.get(g) ?? []), ts.positives[i]]))
    const h = input.hyper
    const groups = isGroupSource(input.source)
    const m = mineHardNegatives(
      { dims: d, anchors, corpus, positives: take.map((i) => ts.groupRows?.[ts.groups[i]] ?? positivesOfGroup.get(ts.groups[i])!) },
      {
        numNegatives: h.hardNegatives,
        rangeMin: h.rangeMin,
        rangeMax: h.rangeMax,
        maxScore: h.maxScore,
        ...marginsFor(input.source, h),
        sampling: h.sampling,
        seed: h.seed,
      },
    )
    if (m.stats.negative.count === 0)
      return {
        negatives: null,
        note: 'No candidate passed the mining rules (try a smaller margin or a larger rank range); training fills in random negatives.',
      }
    const examples = take.slice(0, 5).flatMap((i, k) => {
      const neg = m.indices[k * m.numNegatives]
      if (neg < 0) return []
      return [
        {
          anchor: ts.anchors[i],
          positive: ts.corpus[ts.positives[i]],
          negative: ts.corpus[neg],
          positiveScore: m.positiveScores[k],
          negativeScore: m.scores[k * m.numNegatives],
        },
      ]
    })
    const notes = [
      take.length < anchorIdx.length ? `Statistics over the first ${take.length} of ${anchorIdx.length} anchors.` : '',
      groups ? 'Rows of the same group are never negatives, so no margin is needed against unlabeled positives.' : '',
    ].filter(Boolean)
    return { negatives: { stats: finiteStats(m.stats), examples }, note: notes.length ? notes.join(' ') : null }
  }
}
