import type { z } from 'zod'
import type { Caller, EmbedStartSchema } from '../contract'
import { EmbedMapError } from '../errors'
import type { EmbedJobParams } from '../jobs/embed-job'
import type { JobRunner } from '../jobs/runner'
import type { DatasetsRepo } from '../store/datasets-repo'
import type { ModelsService } from './models-service'

/**
 * Starts embedding jobs. Rows are embedded with the model's clustering/symmetric prompt (E5 `query: `,
 * nomic `clustering: `, none for BGE), since what users do with them first is the map and the clusters;
 * search queries get the model's query prompt.
 */
export class EmbedService {
  constructor(
    private readonly datasets: DatasetsRepo,
    private readonly runner: JobRunner,
    private readonly models: ModelsService,
  ) {}

  start(input: z.output<typeof EmbedStartSchema>, caller: Caller): { jobId: number } {
    const dataset = this.datasets.get(input.datasetId)
    if (!dataset) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${input.datasetId}.`, 'List datasets with `embedmap datasets`.')
    if (dataset.status !== 'ready')
      throw new EmbedMapError('CONFLICT', `Dataset ${input.datasetId} is still importing.`, 'Wait for the import to finish, then embed.')
    const choice = this.models.choose(input.model, caller)
    const lockKey = `embed:${input.datasetId}:${choice.modelId}:${input.variant ?? 'default'}:${input.dims ?? 'full'}`
    const params: EmbedJobParams = {
      datasetId: input.datasetId,
      modelLabel: choice.label,
      modelLocation: choice.location,
      modelId: choice.modelId,
      variant: input.variant,
      device: input.device,
      dims: input.dims,
      kind: 'clustering',
      analyzeAfter: input.analyzeAfter || undefined,
    }
    return this.runner.startOrJoin({ kind: 'embed', datasetId: input.datasetId, params, lockKey, total: dataset.rowCount })
  }
}
