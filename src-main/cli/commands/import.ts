import type { Command } from 'commander'
import type { ImportOptionsInput, ImportPreview } from '../../contract'
import { EmbedMapError } from '../../errors'
import type { CliClient } from '../client'
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
  vectors?: string | boolean
  vectorsModel?: string
  analyze?: boolean
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'import a CSV, TSV, JSON Lines, Parquet or Arrow/Feather file as a dataset (resumes an interrupted import of the same file); a column of precomputed embeddings goes straight to analysis and the map',
    )
    .argument('<file>', 'the file to import')
    .option('--text-column <name|index>', 'the column to embed (default: the one with the longest typical text)')
    .option('--encoding <label>', 'force an encoding (utf-8, utf-16le, gbk, gb18030, big5, shift_jis …); default: detected')
    .option('--delimiter <char>', 'force a delimiter: comma, tab, semicolon or pipe; default: detected')
    .option('--format <csv|jsonl|parquet|arrow>', 'force the format; default: from the extension and content')
    .option(
      '--vectors <column>',
      'take this column as precomputed embeddings (float list, or JSON arrays of numbers); default: a detected float-list / JSON-array column',
    )
    .option('--no-vectors', 'take no vectors (a detected vector column is imported as text)')
    .option('--no-analyze', 'with vectors: do not start the analysis when the import ends')
    .option('--vectors-model <id|name>', 'the model that made the vectors: a catalog/local model id or folder (search then works), or any name (search is off)')
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
                `text column: ${preview.columns[preview.suggestedTextColumn]?.name}${preview.rowCount !== null ? `; ${formatCount(preview.rowCount)} rows` : ''}`,
                vectorLine(preview),
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
          const imported = (await client.call('embeddings.list', { datasetId })).find((s) => s.imported !== null)
          // The engine starts the analysis as a follow-up of the import; this process hosts it, so it waits for it.
          const analysis = imported && flags.analyze !== false ? await waitForFollowUp(client, datasetId) : null
          if (analysis)
            await waitForJob(
              client,
              analysis,
              !globals.json,
              `The analysis of dataset ${datasetId} stopped ({state}); run \`embedmap analyze --dataset ${datasetId}\` to run it again.`,
            )
          emit(globals, { dataset, job: finished, vectors: imported ?? null }, () => {
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
            if (imported) {
              lines.push(
                `  vectors: ${formatCount(imported.vectorCount)} × ${imported.dims} from column ${imported.imported?.column} (embedding set ${imported.id}, model ${imported.imported?.model ?? 'not named'}); ${flags.analyze === false ? `not analysed yet (\`embedmap analyze --dataset ${dataset.id}\`)` : `mapped by the analysis that followed (open it in the app, or \`embedmap export --dataset ${dataset.id}\`)`}`,
              )
              if (imported.searchDisabledReason) lines.push(`  search is off: ${imported.searchDisabledReason}`)
            }
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
  if (flags.vectors === false) o.vectors = false
  else if (typeof flags.vectors === 'string') o.vectors = /^\d+$/.test(flags.vectors) ? Number(flags.vectors) : flags.vectors
  if (flags.vectorsModel) o.vectorsModel = flags.vectorsModel
  if (flags.analyze === false) o.analyze = false
  return o
}

/** The analyze job the engine starts after an import with vectors (it appears a moment after the import ends). */
async function waitForFollowUp(client: CliClient, datasetId: number): Promise<number | null> {
  for (let i = 0; i < 100; i++) {
    const job = (await client.call('jobs.list', { activeOnly: false })).find((j) => j.kind === 'analyze' && j.datasetId === datasetId)
    if (job) return job.id
    await new Promise((r) => setTimeout(r, 100))
  }
  return null
}

function vectorLine(p: ImportPreview): string {
  if (p.vectorColumn === null)
    return p.vectorColumns.length > 0
      ? `vectors: none taken (candidates: ${p.vectorColumns.map((v) => v.name).join(', ')})`
      : 'vectors: none (the text will be embedded)'
  const v = p.vectorColumns.find((c) => c.idx === p.vectorColumn)
  return `vectors: column ${v?.name} (${v?.element}${v?.dims ? ` × ${v.dims}` : ''}) — imported as an embedding set, then analysed; --no-vectors to skip`
}
