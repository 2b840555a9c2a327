import type { Command } from 'commander'
import type { ImportOptionsInput } from '../../contract'
import { EmbedMapError } from '../../errors'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, formatCount, table, truncate } from '../output'
import { waitForJob } from '../progress'

const DELIMITERS: Record<string, string> = { ',': ',', comma: ',', '\t': '\t', '\\t': '\t', tab: '\t', ';': ';', semicolon: ';', '|': '|', pipe: '|' }

interface ImportFlags {
  textColumn?: string
  encoding?: string
  delimiter?: string
  format?: string
  name?: string
  maxFieldMb?: string
  maxColumns?: string
  new?: boolean
  preview?: boolean
  headerCheck?: boolean
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import a CSV, TSV or JSON Lines file as a dataset (resumes an interrupted import of the same file)')
    .argument('<file>', 'the file to import')
    .option('--text-column <name|index>', 'the column to embed (default: the one with the longest typical text)')
    .option('--encoding <label>', 'force an encoding (utf-8, utf-16le, gbk, gb18030, big5, shift_jis …); default: detected')
    .option('--delimiter <char>', 'force a delimiter: comma, tab, semicolon or pipe; default: detected')
    .option('--format <csv|jsonl>', 'force the format; default: from the extension and content')
    .option('--name <name>', 'dataset name (default: the file name)')
    .option('--max-field-mb <n>', 'refuse records larger than this many MiB (default 16)')
    .option('--max-columns <n>', 'refuse files with more columns than this (default 10000)')
    .option('--new', 'import again even if this file is already a dataset (a second copy)')
    .option('--no-header-check', 'accept a first line that looks like data as the header')
    .option('--preview', 'only show what would be imported (encoding, delimiter, columns, first rows)')
    .action(async (file: string, flags: ImportFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(
        globals,
        async (client) => {
          const options = toOptions(flags)
          if (flags.preview) {
            const preview = await client.call('import.preview', { path: file, options })
            emit(globals, preview, () =>
              [
                `${preview.path}: ${preview.format}, ${preview.encoding}${preview.delimiter ? `, delimiter ${JSON.stringify(preview.delimiter)}` : ''}`,
                `text column: ${preview.columns[preview.suggestedTextColumn]?.name}`,
                table(
                  ['#', 'column', 'type'],
                  preview.columns.map((c) => [c.idx, c.name, c.type]),
                ),
                '',
                table(
                  preview.columns.map((c) => c.name),
                  preview.sampleRows.slice(0, 5).map((r) => r.map((c) => truncate(c, 40))),
                ),
              ].join('\n'),
            )
            return
          }
          const { jobId, datasetId } = await client.call('import.start', { path: file, options })
          const finished = await waitForJob(
            client,
            jobId,
            !globals.json,
            `The import of ${file} stopped ({state}); run the same command to resume it, or \`embedmap jobs\` to see it.`,
          )
          const dataset = await client.call('datasets.get', { id: datasetId })
          emit(globals, { dataset, job: finished }, () => {
            const lines = [
              `Imported ${formatCount(dataset.rowCount)} rows into dataset ${dataset.id} (${dataset.name}).`,
              `  format ${dataset.format}, encoding ${dataset.encoding}${dataset.delimiter ? `, delimiter ${JSON.stringify(dataset.delimiter)}` : ''}`,
              `  text column: ${dataset.columns[dataset.textColumn]?.name}; metadata: ${
                dataset.columns
                  .filter((c) => c.idx !== dataset.textColumn)
                  .map((c) => `${c.name} (${c.type})`)
                  .join(', ') || 'none'
              }`,
            ]
            for (const w of dataset.importReport?.warnings ?? []) lines.push(`  note: ${w}`)
            for (const r of dataset.importReport?.ragged.examples.slice(0, 5) ?? []) lines.push(`    line ${r.line}: ${r.got} fields, header has ${r.expected}`)
            return lines.join('\n')
          })
        },
        { resume: false },
      )
    })
}

function toOptions(flags: ImportFlags): ImportOptionsInput {
  const o: ImportOptionsInput = {}
  if (flags.textColumn !== undefined) o.textColumn = /^\d+$/.test(flags.textColumn) ? Number(flags.textColumn) : flags.textColumn
  if (flags.encoding) o.encoding = flags.encoding
  if (flags.delimiter !== undefined) {
    const d = DELIMITERS[flags.delimiter.toLowerCase()]
    if (!d) throw new EmbedMapError('BAD_INPUT', `Unknown delimiter '${flags.delimiter}'.`, 'Use comma, tab, semicolon or pipe.')
    o.delimiter = d as ImportOptionsInput['delimiter']
  }
  if (flags.format) o.format = flags.format as ImportOptionsInput['format']
  if (flags.name) o.name = flags.name
  if (flags.headerCheck === false) o.headerCheck = false
  if (flags.maxFieldMb) o.maxFieldBytes = Math.round(Number(flags.maxFieldMb) * 1024 * 1024)
  if (flags.maxColumns) o.maxColumns = Number(flags.maxColumns)
  if (flags.new) o.allowDuplicate = true
  return o
}
