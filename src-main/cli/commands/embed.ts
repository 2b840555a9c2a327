import type { Command } from 'commander'
import { jobResult, parseChannelInput } from '../../contract'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, formatCount } from '../output'
import { waitForJob } from '../progress'

interface EmbedFlags {
  dataset: string
  model?: string
  device?: string
  dims?: string
  variant?: string
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
    .action(async (flags: EmbedFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const input = parseChannelInput('embed.start', {
          datasetId: Number(flags.dataset),
          model: flags.model,
          device: flags.device,
          variant: flags.variant,
          dims: flags.dims === undefined ? undefined : Number(flags.dims),
        })
        const { jobId } = await client.call('embed.start', input)
        const finished = await waitForJob(
          client,
          jobId,
          !globals.json,
          'Embedding did not finish ({state}); finished vectors are kept: run the same command to continue.',
        )
        const { setId } = jobResult('embed', finished)
        const set = (await client.call('embeddings.list', { datasetId: input.datasetId })).find((s) => s.id === setId)!
        const job = finished
        emit(globals, { embeddingSet: set, job }, () => {
          const p = set.provider
          const lines = [
            `Dataset ${set.datasetId}: ${formatCount(set.vectorCount)} vectors of ${set.dims} dims with ${set.modelId} (${set.variant}), set ${set.id}.`,
            `  ran on ${p?.used ?? '?'}${p?.fallbackReason ? ` (asked for ${p.requested}: ${p.fallbackReason})` : ''}`,
          ]
          if (set.truncatedCount) lines.push(`  note: ${formatCount(set.truncatedCount)} texts were longer than the model takes and were cut.`)
          if (set.emptyTextCount)
            lines.push(`  note: ${formatCount(set.emptyTextCount)} rows have empty text; they were embedded as an empty string and sit together on the map.`)
          return lines.join('\n')
        })
      })
    })
}
