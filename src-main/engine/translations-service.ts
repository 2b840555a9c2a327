import type { z } from 'zod'
import { medianLinkShare } from '../analyze/translation-links'
import { encodeFrame } from '../contract/binary-frame'
import type { Dataset, TranslationsHeader, TranslationsStartSchema } from '../contract'
import { EmbedMapError } from '../errors'
import type { TranslationsJobParams } from '../jobs/translations-job'
import type { JobRunner } from '../jobs/runner'
import type { AnalysisRepo } from '../store/analysis-repo'
import type { EmbeddingsRepo } from '../store/embeddings-repo'
import { TranslationsRepo } from '../store/translations-repo'
import type { Db } from '../store/connection'
import type { AnalysisService } from './analysis-service'
import type { ModelsService } from './models-service'

type Input = z.output<typeof TranslationsStartSchema>

/** Translation links on a map: starts the job that computes them and serves the result as a binary frame. */
export class TranslationsService {
  private readonly repo: TranslationsRepo

  constructor(
    db: Db,
    private readonly getDataset: (id: number) => Dataset,
    private readonly analysis: AnalysisService,
    private readonly analysisRepo: AnalysisRepo,
    private readonly sets: EmbeddingsRepo,
    private readonly models: ModelsService,
    private readonly runner: JobRunner,
  ) {
    this.repo = new TranslationsRepo(db)
  }

  start(input: Input): { jobId: number } {
    const { dataset, run, column } = this.resolve(input)
    const set = this.sets.get(run.setId)!
    // The translations must be embedded exactly as the rows were: by a model that runs here (not a server's, not an
    // imported file's unknown one).
    const model = set.searchDisabledReason ? null : this.models.byId(set.modelId)
    if (!model || model.remote)
      throw new EmbedMapError(
        'BAD_INPUT',
        `This map's vectors come from ${model ? `the embedding server ${set.modelId}` : 'a model EmbedMap cannot run'}, so the translations cannot be embedded the same way here.`,
        'Embed the dataset with a local model and map it, then link the translations.',
      )
    const params: TranslationsJobParams = {
      datasetId: dataset.id,
      runId: run.id,
      column: column.idx,
      columnName: column.name,
      modelId: set.modelId,
      modelLocation: model.location,
      modelVersion: set.modelVersion,
      variant: set.variant === 'int8' || set.variant === 'fp16' ? set.variant : 'fp32',
      dims: set.dims,
      kind: set.kind === 'query' || set.kind === 'passage' || set.kind === 'none' ? set.kind : 'clustering',
    }
    return this.runner.startOrJoin({ kind: 'translations', datasetId: dataset.id, params, lockKey: `translations:${run.id}:${column.idx}`, total: null })
  }

  /** The stored links as a frame (TranslationsHeader + rows, coords, nearest); NOT_FOUND until the job has run. */
  get(input: Input): Uint8Array<ArrayBuffer> {
    const { dataset, run, column } = this.resolve(input)
    const found = this.repo.find(run.id, column.idx)
    if (!found)
      throw new EmbedMapError(
        'NOT_FOUND',
        `The translations in '${column.name}' are not linked on map ${run.id} yet.`,
        'Link them first: in the app, the map’s Pairs tab → Link translations; or `embedmap translations --dataset ID --column COL`.',
      )
    const projection = run.projectionId !== null ? this.analysisRepo.projection(run.projectionId) : null
    const header: Omit<TranslationsHeader, 'kind'> = {
      runId: run.id,
      column: column.idx,
      columnName: column.name,
      textColumnName: dataset.columns.find((c) => c.idx === dataset.textColumn)?.name ?? 'text',
      modelId: found.modelId,
      pairs: found.rows.length,
      rows: dataset.rowCount,
      sampled: found.sampled,
      metrics: found.metrics,
      medianLink: projection ? medianLinkShare(found.rows, found.coords, projection.coords) : 0,
      createdAt: found.createdAt,
    }
    return encodeFrame('translations', header, { rows: found.rows, coords: found.coords, nearest: found.nearest })
  }

  private resolve(input: Input) {
    const dataset = this.getDataset(input.datasetId)
    const run = this.analysis.requireRun(input.datasetId, input.runId)
    const column = dataset.columns.find((c) => c.idx === input.column)
    if (!column) throw new EmbedMapError('NOT_FOUND', `Dataset ${dataset.id} has no column ${input.column}.`)
    if (column.idx === dataset.textColumn)
      throw new EmbedMapError('BAD_INPUT', `'${column.name}' is the text column the map was made from.`, 'Pick the column that holds the translations.')
    return { dataset, run, column }
  }
}
