import type { Command } from 'commander'
import path from 'node:path'
import { jobResult, MAX_EXPORT_ROWS, parseChannelInput, parseRowList, type RowRange } from '../../contract'
import type { CliClient } from '../client'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, formatCount } from '../output'
import { waitForJob } from '../progress'

export interface ExportFlags {
  what: string
  format: string
  out: string
  rows?: string
  formulaGuard?: boolean
  bom?: boolean
  vectors?: boolean
  force?: boolean
}

export async function runExport(
  client: CliClient,
  datasetId: number,
  flags: ExportFlags,
  showProgress: boolean,
): Promise<{ out: string; rows: number; bytes: number }> {
  const input = parseChannelInput('export.start', {
    datasetId,
    what: flags.rows ? 'selection' : flags.what,
    ...(flags.rows ? selectionFlag(flags.rows) : {}),
    format: flags.format,
    out: path.resolve(flags.out),
    formulaGuard: flags.formulaGuard !== false,
    bom: !!flags.bom,
    vectors: !!flags.vectors,
    overwrite: !!flags.force,
  })
  const { jobId } = await client.call('export.start', input)
  const finished = await waitForJob(client, jobId, showProgress, 'The export did not finish ({state}); no file was written.')
  return jobResult('export', finished)
}

/**
 * `5,1,700` stays a row list (exported in that order); `1,2,5-9` or a list too long for one travels as ranges. A list
 * that does not parse goes as given, for the schema to name the fault.
 */
function selectionFlag(list: string): { rows: unknown[] } | { ranges: RowRange[] } {
  const items = list.split(',')
  const ranges = parseRowList(list)
  if (!ranges) return { rows: items.map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : s.trim())) }
  return list.includes('-') || items.length > MAX_EXPORT_ROWS ? { ranges } : { rows: items.map(Number) }
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write rows with their original columns plus cluster, label, outlier score and map position')
    .requiredOption('--dataset <id>', 'dataset id')
    .option('--what <all|clusters|anomalies|duplicates|cluster:N>', 'which rows', 'all')
    .option('--rows <list>', 'an explicit selection: comma-separated row numbers and ranges, e.g. 1,2,5-9')
    .option('--format <csv|jsonl|parquet>', 'file format', 'csv')
    .requiredOption('--out <file>', 'destination file')
    .option('--no-formula-guard', 'CSV: do not neutralize cells that spreadsheets would run as formulas')
    .option('--bom', 'CSV: start with a UTF-8 byte order mark (for Excel)')
    .option('--vectors', 'Parquet: add the embedding vectors')
    .option('--force', 'replace the file if it exists')
    .action(async (flags: ExportFlags & { dataset: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const r = await runExport(client, Number(flags.dataset), flags, !globals.json)
        emit(globals, r, () => `Wrote ${formatCount(r.rows)} rows to ${r.out} (${(r.bytes / 1e6).toFixed(1)} MB).`)
      })
    })
}
