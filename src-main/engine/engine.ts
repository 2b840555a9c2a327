import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import { ENGINE_CALLER, parseChannelInput, type Caller, type ChannelName, type ChannelOutput, type ChannelParsedInput, type EngineEvent } from '../contract'
import { EmbedMapError } from '../errors'
import { JobRunner } from '../jobs/runner'
import { uploadsDir } from '../paths'
import { openStore, type Db } from '../store/connection'
import { DatasetsRepo } from '../store/datasets-repo'
import { JobsRepo } from '../store/jobs-repo'
import type { EngineApi } from './api'
import { AnalysisRepo } from '../store/analysis-repo'
import { EmbeddingsRepo } from '../store/embeddings-repo'
import { AnalysisService } from './analysis-service'
import { ExportService } from './export-service'
import { SearchService } from './search-service'
import { EmbedService } from './embed-service'
import { ImportService } from './import-service'
import { ModelsService } from './models-service'
import { PointsService } from './points-service'
import { ColumnService } from './column-service'
import { ViewsRepo } from '../store/views-repo'
import { SavedViewSchema } from '../contract'
import { jobOps } from '../jobs/registry'
import { FileAccess } from './file-access'
import { SimilarityService } from './similarity-service'
import { EvaluationService } from './evaluation-service'
import { RecommendService } from './recommend-service'
import { EvalQueriesService } from './eval-queries-service'
import { EvaluationsRepo } from '../store/evaluations-repo'
import { FinetuneService } from './finetune-service'
import { TranslationsService } from './translations-service'
import { isOwnerAlive } from '../process-identity'
import { appVersion } from './version'

export interface EngineOptions {
  dbPath: string
  mode?: 'electron' | 'browser' | 'cli'
  /** Restart jobs that a crash or kill interrupted (the app and server do; one-shot CLI commands don't). */
  resumeInterrupted?: boolean
}

type Handlers = { [C in ChannelName]: (input: ChannelParsedInput<C>, caller: Caller) => Promise<ChannelOutput<C>> | ChannelOutput<C> }

/** The engine behind every front door: one database, one job runner, the contract's handlers. */
export class Engine implements EngineApi {
  readonly db: Db
  readonly datasets: DatasetsRepo
  readonly jobs: JobsRepo
  readonly runner: JobRunner
  readonly imports: ImportService
  readonly models: ModelsService
  readonly embeddings: EmbeddingsRepo
  readonly embed: EmbedService
  readonly analysis: AnalysisService
  readonly points: PointsService
  readonly columns: ColumnService
  readonly views: ViewsRepo
  readonly search: SearchService
  readonly exports: ExportService
  readonly uploadsDir: string
  readonly exportsDir: string
  readonly files: FileAccess
  readonly similarity: SimilarityService
  readonly evaluation: EvaluationService
  readonly finetune: FinetuneService
  readonly recommend: RecommendService
  readonly evalQueries: EvalQueriesService
  readonly translations: TranslationsService
  private readonly events = new EventEmitter()
  private readonly handlers: Handlers
  /** Jobs whose follow-ups were already started (the end of a job is reported more than once). */
  private readonly followedUp = new Set<number>()

  constructor(readonly opts: EngineOptions & { dbPath: string }) {
    this.db = openStore(opts.dbPath)
    this.dbPath = opts.dbPath
    this.uploadsDir = uploadsDir(opts.dbPath)
    this.datasets = new DatasetsRepo(this.db)
    this.jobs = new JobsRepo(this.db)
    this.events.setMaxListeners(0)
    this.runner = new JobRunner({
      dbPath: opts.dbPath,
      db: this.db,
      onJob: (job) => {
        this.emit({ type: 'job', job })
        const ended = job.state !== 'running' && job.state !== 'queued'
        if (ended && job.kind === 'import') this.emit({ type: 'datasets.changed' })
        if (ended && (job.kind === 'model-download' || job.kind === 'finetune')) this.emit({ type: 'models.changed' })
        // Only at the end: listing sets counts vectors, too costly to repeat at progress rate.
        if (ended && job.kind === 'embed' && job.datasetId !== null) this.emit({ type: 'embeddings.changed', datasetId: job.datasetId })
        if (job.state === 'succeeded') this.startFollowUps(job.id)
        if (ended && job.kind === 'analyze' && job.datasetId !== null) this.emit({ type: 'analysis.changed', datasetId: job.datasetId })
      },
    })
    this.imports = new ImportService(this.db, this.datasets, this.jobs, this.runner)
    this.models = new ModelsService(this.db, this.datasets, this.runner)
    this.embeddings = new EmbeddingsRepo(this.db)
    this.embed = new EmbedService(this.datasets, this.runner, this.models, this.embeddings)
    this.search = new SearchService(opts.dbPath, this.datasets, this.embeddings, this.models)
    const analysisRepo = new AnalysisRepo(this.db)
    this.analysis = new AnalysisService(this.datasets, this.embeddings, analysisRepo, this.runner)
    this.points = new PointsService(analysisRepo, this.analysis)
    this.columns = new ColumnService(this.db, (id) => this.requireDataset(id))
    this.views = new ViewsRepo(this.db)
    this.exportsDir = path.join(path.dirname(opts.dbPath), 'exports')
    this.files = new FileAccess(this.uploadsDir, this.exportsDir)
    this.similarity = new SimilarityService(this.models, this.files)
    const evaluations = new EvaluationsRepo(this.db)
    this.evaluation = new EvaluationService(evaluations, this.runner, this.models, this.files, this.datasets)
    this.evalQueries = new EvalQueriesService(this.db, evaluations)
    this.recommend = new RecommendService(this.db, this.datasets, this.models, this.evaluation, evaluations)
    this.finetune = new FinetuneService(this.db, opts.dbPath, this.runner, this.models, this.files)
    this.translations = new TranslationsService(
      this.db,
      (id) => this.requireDataset(id),
      this.analysis,
      analysisRepo,
      this.embeddings,
      this.models,
      this.runner,
    )
    this.exports = new ExportService(this.exportsDir, this.files, this.datasets, analysisRepo, this.jobs, this.runner)
    this.handlers = this.makeHandlers()
    this.jobs.markOrphansInterrupted(isOwnerAlive)
    if (opts.resumeInterrupted) {
      for (const j of this.jobs.list({ activeOnly: true })) if (j.state !== 'running') this.runner.enqueue(j.id)
    }
  }

  readonly dbPath: string

  async invoke<C extends ChannelName>(channel: C, input: ChannelParsedInput<C>, caller: Caller): Promise<ChannelOutput<C>> {
    const handler = this.handlers[channel] as (i: ChannelParsedInput<C>, c: Caller) => Promise<ChannelOutput<C>> | ChannelOutput<C>
    return handler(input, caller)
  }

  grantFile(file: string, kind: 'file' | 'folder'): string {
    return this.files.grant(file, kind)
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.events.on('event', listener)
    return () => this.events.off('event', listener)
  }

  async close(): Promise<void> {
    await this.search.close()
    await this.runner.shutdown()
    this.db.close()
  }

  private emit(event: EngineEvent): void {
    this.events.emit('event', event)
  }

  /**
   * Starts what a finished job declared as its follow-ups (e.g. embed → analyze), through the contract like any
   * other call, here in the engine rather than in a window, so it happens whichever door started the first job.
   */
  private startFollowUps(jobId: number): void {
    if (this.followedUp.has(jobId)) return
    this.followedUp.add(jobId)
    const row = this.jobs.get(jobId)
    if (!row) return
    try {
      for (const next of jobOps.followUps(row)) {
        void this.invoke(next.channel, parseChannelInput(next.channel, next.input), ENGINE_CALLER).catch((err: unknown) =>
          this.followUpFailed(jobId, next.channel, err),
        )
      }
    } catch (err) {
      this.followUpFailed(jobId, 'follow-up', err)
    }
  }

  private followUpFailed(jobId: number, what: string, err: unknown): void {
    // The finished job stays finished and its next step stays on offer in the UI; say why here.
    console.error(`EmbedMap: could not start ${what} after job ${jobId}: ${err instanceof Error ? err.message : String(err)}`)
  }

  private requireDataset(id: number) {
    const d = this.datasets.get(id)
    if (!d) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${id}.`, 'List datasets with `embedmap datasets`.')
    return d
  }

  private requireJob(id: number) {
    const j = this.jobs.get(id)
    if (!j) throw new EmbedMapError('NOT_FOUND', `There is no job ${id}.`, 'List jobs with `embedmap jobs`.')
    return j
  }

  private makeHandlers(): Handlers {
    return {
      'app.info': () => ({ version: appVersion(), dbPath: this.dbPath, mode: this.opts.mode === 'electron' ? 'electron' : 'browser' }),
      'datasets.list': () => this.datasets.list(),
      'datasets.get': ({ id }) => this.requireDataset(id),
      'datasets.delete': ({ id }) => {
        const live = this.jobs.list({ activeOnly: true }).find((j) => j.datasetId === id)
        if (live) this.runner.cancel(live.id)
        const deleted = this.datasets.delete(id)
        if (deleted) this.emit({ type: 'datasets.changed' })
        return { deleted }
      },
      'datasets.rows': ({ id, offset, limit, query }) => {
        this.requireDataset(id)
        return this.datasets.rows(id, offset, limit, query)
      },
      'import.preview': ({ path, options }, caller) => this.imports.preview(this.files.readable(path, caller), options),
      'import.start': async ({ path, options }, caller) => {
        const vectorsModel = options.vectorsModel ? this.models.forImportedVectors(options.vectorsModel, caller) : undefined
        const started = await this.imports.start(this.files.readable(path, caller), options, vectorsModel)
        this.files.consume(path)
        this.emit({ type: 'datasets.changed' })
        return started
      },
      'models.list': ({ datasetId }) => this.models.list(datasetId),
      'models.pull': ({ id, variant, training }) => this.models.pull(id, variant, training),
      'models.add': async ({ path, name }, caller) => {
        const entry = await this.models.add(this.files.readable(path, caller, { kind: 'folder' }), name)
        this.files.consume(path)
        this.emit({ type: 'models.changed' })
        return entry
      },
      'models.addRemote': async (input) => {
        const entry = await this.models.addRemote(input)
        this.emit({ type: 'models.changed' })
        return entry
      },
      'models.remove': ({ id }) => {
        const r = this.models.remove(id)
        this.emit({ type: 'models.changed' })
        return r
      },
      'embed.start': (input, caller) => this.embed.start(input, caller),
      'embed.estimate': ({ datasetId, model }, caller) => this.embed.estimate(datasetId, model, caller),
      'embeddings.list': ({ datasetId }) => {
        this.requireDataset(datasetId)
        return this.embeddings.list(datasetId)
      },
      'analyze.start': (input) => this.analysis.start(input),
      'analysis.summary': ({ datasetId, runId, top }) => this.analysis.summary(datasetId, runId, top),
      'analysis.points': ({ datasetId, runId }) => this.points.points(datasetId, runId),
      'datasets.column': ({ id, column }) => this.columns.column(id, column),
      'views.get': ({ datasetId }) => {
        this.requireDataset(datasetId)
        // A view saved by an older version that no longer parses is dropped rather than breaking the open.
        const parsed = SavedViewSchema.safeParse(this.views.get(datasetId))
        return { view: parsed.success ? parsed.data : null }
      },
      'views.save': ({ datasetId, view }) => {
        this.requireDataset(datasetId)
        return { saved: this.views.set(datasetId, view) }
      },
      'clusters.rename': ({ runId, cluster, name }) => {
        const { renamed, datasetId } = this.analysis.rename(runId, cluster, name)
        this.emit({ type: 'analysis.changed', datasetId })
        return { renamed }
      },
      'rows.neighbors': ({ datasetId, row, k, runId }) => this.analysis.neighbors(datasetId, row, k, runId),
      'export.start': (input, caller) => this.exports.start(input, caller),
      'similarity.texts': (input, caller) => this.similarity.texts(input, caller),
      'similarity.pairs': (input, caller) => this.similarity.pairs(input, caller),
      'eval.start': (input, caller) => this.evaluation.start(input, caller),
      'eval.runs': (filter) => this.evaluation.list(filter),
      'eval.get': ({ id }) => this.evaluation.get(id),
      'finetune.preview': (input, caller) => this.finetune.preview(input, caller),
      'finetune.start': (input, caller) => this.finetune.start(input, caller),
      'finetune.runs': (filter) => this.finetune.list(filter),
      'finetune.get': ({ id }) => this.finetune.get(id),
      'finetune.cancel': ({ id }) => this.finetune.cancel(id),
      'finetune.compare': (input) => this.finetune.compare(input),
      'models.recommend': (input, caller) => this.recommend.recommend(input, caller),
      'eval.compare': ({ a, b }) => this.evalQueries.compare(a, b),
      'eval.query': ({ runIds, queryId }) => this.evalQueries.query(runIds, queryId),
      'translations.start': (input) => this.translations.start(input),
      'translations.get': (input) => this.translations.get(input),
      'search.semantic': ({ datasetId, query, k, setId }) => this.search.search(datasetId, query, k, setId),
      'analysis.runs': ({ datasetId }) => this.analysis.runs(datasetId),
      'rows.get': ({ datasetId, rows }) => {
        this.requireDataset(datasetId)
        return this.datasets.rowsAt(datasetId, rows)
      },
      'jobs.list': ({ activeOnly }) => this.jobs.list({ activeOnly }).map((j) => this.runner.view(j)),
      'jobs.get': ({ id }) => this.runner.view(this.requireJob(id)),
      'jobs.cancel': ({ id }) => {
        this.requireJob(id)
        // A job left 'running' by a process that is gone (or whose PID now belongs to another) is cancelled here.
        this.jobs.markOrphansInterrupted(isOwnerAlive)
        this.runner.cancel(id)
        return this.runner.view(this.requireJob(id))
      },
      'jobs.resume': ({ id }) => {
        const job = this.requireJob(id)
        if (job.state !== 'interrupted' && job.state !== 'queued') {
          throw new EmbedMapError('CONFLICT', `Job ${id} is ${job.state}; only interrupted or queued jobs can be resumed.`)
        }
        this.runner.enqueue(id)
        return this.runner.view(this.requireJob(id))
      },
    }
  }
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  fs.mkdirSync(uploadsDir(opts.dbPath), { recursive: true })
  return new Engine(opts)
}
