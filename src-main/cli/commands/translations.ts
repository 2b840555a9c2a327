import type { Command } from 'commander'
import { TranslationsHeaderSchema, type TranslationsHeader } from '../../contract'
import { decodeFrame } from '../../contract/binary-frame'
import { EmbedMapError } from '../../errors'
import type { CliClient } from '../client'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, formatCount } from '../output'
import { waitForJob } from '../progress'

const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(1)} %`)

/** A column by header or 0-based index, as the other commands take them. */
async function columnIndex(client: CliClient, datasetId: number, column: string): Promise<number> {
  const d = await client.call('datasets.get', { id: datasetId })
  const byName = d.columns.find((c) => c.name === column)
  if (byName) return byName.idx
  if (/^\d+$/.test(column) && d.columns.some((c) => c.idx === Number(column))) return Number(column)
  throw new EmbedMapError('BAD_INPUT', `Dataset ${datasetId} has no column '${column}'.`, `Its columns: ${d.columns.map((c) => c.name).join(', ')}.`)
}

export function describeTranslations(h: TranslationsHeader): string {
  return [
    `Translations in '${h.columnName}' linked on map ${h.runId} (${h.modelId}): ${formatCount(h.pairs)} pairs${h.sampled ? ` (an even sample of ${formatCount(h.rows)} rows)` : ''}.`,
    `  own translation nearest: ${pct(h.metrics.accuracy)} ${h.textColumnName} → ${h.columnName}, ${pct(h.metrics.reverse_accuracy)} ${h.columnName} → ${h.textColumnName}`,
    `  bitext F1 ${h.metrics.f1?.toFixed(4) ?? '–'}; median link ${pct(h.medianLink)} of the map's diagonal`,
  ].join('\n')
}

export function registerTranslations(program: Command): void {
  program
    .command('translations')
    .description("link each row's translation (another column) on the dataset's map: how well the map's model aligns the two languages")
    .requiredOption('--dataset <id>', 'dataset id')
    .requiredOption('--column <name|n>', 'the column holding the translations')
    .option('--run <id>', 'analysis run (map) to link on; default: the latest')
    .action(async (flags: { dataset: string; column: string; run?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const datasetId = Number(flags.dataset)
        const input = { datasetId, column: await columnIndex(client, datasetId, flags.column), runId: flags.run === undefined ? undefined : Number(flags.run) }
        const { jobId } = await client.call('translations.start', input)
        await waitForJob(client, jobId, !globals.json, 'Linking the translations did not finish ({state}); run the same command to start again.')
        const header = TranslationsHeaderSchema.parse(decodeFrame(await client.call('translations.get', input)).header)
        emit(globals, header, () => describeTranslations(header))
      })
    })
}
