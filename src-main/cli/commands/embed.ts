import type { Command } from 'commander'
import { jobResult, parseChannelInput, type EmbedEstimate } from '../../contract'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, formatCount } from '../output'
import { waitForJob } from '../progress'

interface EmbedFlags {
  dataset: string
  model?: string
  device?: string
  dims?: string
  variant?: string
  estimate?: boolean
  engine?: string
  rayAddress?: string
  numGpusPerWorker?: string
  numCpusPerWorker?: string
  batchSize?: string
  shardRows?: string
}

function formatEstimate(e: EmbedEstimate): string {
  const time = e.approxSeconds === null ? 'unknown time' : `~${formatDuration(e.approxSeconds)}`
  const rate = e.measuredTextsPerSecond === null ? '' : `, measured ${Math.round(e.measuredTextsPerSecond)} texts/s`
  const limit = e.limitedBy === 'rate-limit' ? ' (bounded by the per-minute request limit)' : ''
  const cost = e.approxCost === null ? '' : `, ~${e.approxCost.toFixed(4)} at the declared price`
  return `Estimate: ${formatCount(e.rowsToEmbed)} of ${formatCount(e.rows)} rows to embed, ~${formatCount(e.approxTokens)} tokens (characters / 4) in ${formatCount(e.requests)} requests, ${time}${rate}${limit}${cost}.`
}

/** A numeric flag, or undefined so the schema's default applies (a non-number fails validation, with its name). */
function num(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(v)
}

function formatDuration(s: number): string {
  if (s < 90) return `${Math.ceil(s)} s`
  if (s < 5400) return `${Math.round(s / 60)} min`
  return `${(s / 3600).toFixed(1)} h`
}

export function registerEmbed(program: Command): void {
  program
    .command('embed')
    .description("embed a dataset's text column (resumes after a kill; re-running is a no-op)")
    .requiredOption('--dataset <id>', 'dataset id')
    .option('--model <id|dir>', 'catalog id, local model id, or a model folder (default: the catalog default)')
    .option('--device <auto|cpu|cuda|dml|coreml>', 'where to run the model', 'auto')
    .option('--variant <fp32|int8|fp16>', 'which ONNX file of the model')
    .option('--dims <n>', 'Matryoshka truncation (re-normalized), for models trained for it')
    .option('--engine <local|ray>', 'where the model runs: here, or on a Ray cluster', 'local')
    .option('--ray-address <url>', 'the Ray dashboard of the cluster (--engine ray), e.g. http://127.0.0.1:8265')
    .option('--num-gpus-per-worker <n>', 'GPUs each Ray model worker reserves (default 0: CPU workers)')
    .option('--num-cpus-per-worker <n>', 'CPUs each Ray model worker reserves (its onnxruntime threads; default 1)')
    .option('--batch-size <n>', 'rows per Ray Data batch (default 256)')
    .option('--shard-rows <n>', 'rows per Parquet shard sent to Ray, the unit that is resumed (default 10000)')
    .option('--estimate', 'for an embedding server: print tokens, requests and time (one probe request), embed nothing')
    .action(async (flags: EmbedFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        // An embedding server costs requests (and often money): say what this will take before starting.
        const remote = flags.model !== undefined && (await client.call('models.list', {})).models.some((m) => m.id === flags.model && m.source === 'remote')
        if (flags.estimate || remote) {
          const estimate = await client.call('embed.estimate', parseChannelInput('embed.estimate', { datasetId: Number(flags.dataset), model: flags.model }))
          if (flags.estimate) {
            emit(globals, estimate, () => formatEstimate(estimate))
            return
          }
          if (!globals.json) process.stderr.write(formatEstimate(estimate) + '\n')
        }
        const input = parseChannelInput('embed.start', {
          datasetId: Number(flags.dataset),
          model: flags.model,
          device: flags.device,
          variant: flags.variant,
          dims: flags.dims === undefined ? undefined : Number(flags.dims),
          engine: flags.engine,
          ray:
            flags.engine === 'ray' && flags.rayAddress !== undefined
              ? {
                  address: flags.rayAddress,
                  numGpusPerWorker: num(flags.numGpusPerWorker),
                  numCpusPerWorker: num(flags.numCpusPerWorker),
                  batchSize: num(flags.batchSize),
                  shardRows: num(flags.shardRows),
                }
              : undefined,
        })
        const { jobId } = await client.call('embed.start', input)
        const finished = await waitForJob(
          client,
          jobId,
          !globals.json,
          'Embedding did not finish ({state}); finished vectors are kept: run the same command to continue.',
        )
        const { setId, ray } = jobResult('embed', finished)
        const set = (await client.call('embeddings.list', { datasetId: input.datasetId })).find((s) => s.id === setId)!
        const job = finished
        emit(globals, { embeddingSet: set, job }, () => {
          const p = set.provider
          const lines = [
            `Dataset ${set.datasetId}: ${formatCount(set.vectorCount)} vectors of ${set.dims} dims with ${set.modelId} (${set.variant}), set ${set.id}.`,
            ray
              ? `  ran on the Ray cluster ${ray.address} (Ray ${ray.rayVersion}): ${ray.shardsSubmitted} of ${ray.shardsTotal} shards submitted in this run`
              : p === null
                ? '  ran on the embedding server'
                : `  ran on ${p?.used ?? '?'}${p?.fallbackReason ? ` (asked for ${p.requested}: ${p.fallbackReason})` : ''}`,
          ]
          if (set.truncatedCount) lines.push(`  note: ${formatCount(set.truncatedCount)} texts were longer than the model takes and were cut.`)
          if (set.emptyTextCount)
            lines.push(`  note: ${formatCount(set.emptyTextCount)} rows have empty text; they were embedded as an empty string and sit together on the map.`)
          return lines.join('\n')
        })
      })
    })
}
