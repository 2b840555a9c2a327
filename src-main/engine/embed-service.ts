import type { z } from 'zod'
import type { Caller, EmbedEstimate, EmbedStartSchema } from '../contract'
import { planBatches } from '../embed/remote/batches'
import { RemoteEmbedder } from '../embed/remote/remote-embedder'
import type { EmbeddingsRepo } from '../store/embeddings-repo'
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
    private readonly sets: EmbeddingsRepo,
  ) {}

  /**
   * What embedding a dataset through a server will take, before it starts: tokens (characters / 4),
   * requests, and time at the throughput of one real probe request of the dataset's own texts (times
   * the concurrency), or at the declared per-minute limit when that is slower. Rows already embedded
   * by an earlier, interrupted run are left out.
   */
  async estimate(datasetId: number, model: string, caller: Caller): Promise<EmbedEstimate> {
    const dataset = this.datasets.get(datasetId)
    if (!dataset) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${datasetId}.`, 'List datasets with `embedmap datasets`.')
    const choice = this.models.choose(model, caller)
    const remote = choice.remote
    if (!remote)
      throw new EmbedMapError(
        'BAD_INPUT',
        `${choice.modelId} is a local model: it costs no requests.`,
        'Estimates are for embedding servers (`embedmap models add-remote`).',
      )
    const size = this.datasets.textSize(datasetId)
    const prefixChars = remote.passagePrefix.length
    const done = this.sets
      .list(datasetId)
      .filter((s) => s.modelId === choice.modelId && s.dims === (remote.dims ?? s.dims))
      .reduce((m, s) => Math.max(m, s.vectorCount), 0)
    const rowsToEmbed = Math.max(0, size.rows - done)
    const share = size.rows ? rowsToEmbed / size.rows : 0
    const approxTok = Math.round(share * (size.chars / 4 + size.rows * (prefixChars / 4 + 1)))
    const sample = this.datasets.rows(datasetId, 0, Math.min(remote.maxBatch, 64)).rows.map((r) => remote.passagePrefix + r.text)
    // Requests: the sample's batching scaled to the rows left (each request is bounded by texts and tokens).
    const perRequest = sample.length ? sample.length / planBatches(sample, remote.maxBatch, remote.maxBatchTokens).length : 1
    const requests =
      rowsToEmbed === 0
        ? 0
        : Math.max(Math.ceil(rowsToEmbed / Math.min(remote.maxBatch, Math.max(1, perRequest))), Math.ceil(approxTok / remote.maxBatchTokens))
    let measured: number | null = null
    if (sample.length > 0) {
      const e = await RemoteEmbedder.open(remote)
      measured = await e.measure(sample)
    }
    const atMeasured = measured ? rowsToEmbed / measured : null
    const atLimit = remote.requestsPerMinute ? (requests / remote.requestsPerMinute) * 60 : null
    const limitedBy = atMeasured === null ? (atLimit === null ? null : 'rate-limit') : atLimit !== null && atLimit > atMeasured ? 'rate-limit' : 'measured'
    return {
      rows: size.rows,
      rowsToEmbed,
      approxTokens: approxTok,
      requests,
      measuredTextsPerSecond: measured,
      approxSeconds: limitedBy === 'rate-limit' ? atLimit : atMeasured,
      limitedBy,
      approxCost: remote.pricePerMillionTokens === undefined ? null : (approxTok / 1e6) * remote.pricePerMillionTokens,
    }
  }

  start(input: z.output<typeof EmbedStartSchema>, caller: Caller): { jobId: number } {
    const dataset = this.datasets.get(input.datasetId)
    if (!dataset) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${input.datasetId}.`, 'List datasets with `embedmap datasets`.')
    if (dataset.status !== 'ready')
      throw new EmbedMapError('CONFLICT', `Dataset ${input.datasetId} is still importing.`, 'Wait for the import to finish, then embed.')
    const choice = this.models.choose(input.model, caller)
    if (input.engine === 'ray' && !input.ray)
      throw new EmbedMapError('BAD_INPUT', 'the Ray engine needs the cluster address', 'give --ray-address (the Ray dashboard, e.g. http://127.0.0.1:8265)')
    if (input.engine === 'ray' && choice.remote)
      throw new EmbedMapError(
        'BAD_INPUT',
        `${choice.modelId} is an embedding server: it embeds on its own machines, not on Ray`,
        'choose a local or catalog model for --engine ray',
      )
    const lockKey = `embed:${input.datasetId}:${choice.modelId}:${input.variant ?? 'default'}:${input.dims ?? 'full'}`
    const params: EmbedJobParams = {
      datasetId: input.datasetId,
      modelLabel: choice.label,
      modelLocation: choice.location,
      modelId: choice.modelId,
      remote: choice.remote,
      variant: input.variant,
      device: input.device,
      dims: input.dims,
      kind: 'clustering',
      analyzeAfter: input.analyzeAfter || undefined,
      ray: input.engine === 'ray' ? input.ray : undefined,
    }
    return this.runner.startOrJoin({ kind: 'embed', datasetId: input.datasetId, params, lockKey, total: dataset.rowCount })
  }
}
