import type { Command } from 'commander'
import fs from 'node:fs'
import path from 'node:path'
import { EmbedMapError } from '../../errors'
import type { CliClient } from '../client'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, formatCount } from '../output'
import { waitForJob } from '../progress'
import { analysisOptions, describeSummary, runAnalysis, type AnalyzeFlags } from './analyze'
import { runExport } from './export'

interface RunFlags extends AnalyzeFlags {
  out: string
  model?: string
  device?: string
  textColumn?: string
  format: string
}

/** The whole pipeline in one command: import → embed → analyze → export, each step resumable. */
export function registerRun(program: Command): void {
  analysisOptions(program.command('run').description('import, embed, analyze and export a file in one go'))
    .argument('<file>', 'CSV, TSV or JSON Lines file')
    .requiredOption('--out <dir>', 'folder for the results')
    .option('--model <id|dir>', 'embedding model (default: the catalog default)')
    .option('--device <auto|cpu|cuda|dml|coreml>', 'where to run the model', 'auto')
    .option('--text-column <name|index>', 'the column to embed')
    .option('--format <csv|jsonl|parquet>', 'format of the exported files', 'csv')
    .action(async (file: string, flags: RunFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const say = (s: string) => !globals.json && process.stderr.write(`${s}\n`)
        const wait = (jobId: number) => waitForJob(client, jobId, !globals.json, 'Stopped ({state}); run the same command again to continue.')
        say(`1/4 importing ${file}`)
        const imp = await startOrReuseImport(client, file, flags.textColumn)
        if (imp.jobId !== null) await wait(imp.jobId)
        const datasetId = imp.datasetId
        say(`2/4 embedding ${formatCount((await client.call('datasets.get', { id: datasetId })).rowCount)} rows`)
        const emb = await client.call('embed.start', { datasetId, model: flags.model, device: flags.device })
        await wait(emb.jobId)
        say('3/4 analyzing')
        const summary = await runAnalysis(client, datasetId, flags, !globals.json)
        say(`4/4 exporting to ${flags.out}`)
        fs.mkdirSync(flags.out, { recursive: true })
        const ext = flags.format === 'jsonl' ? 'jsonl' : flags.format
        const files: Record<string, string> = {}
        for (const what of ['all', 'clusters', 'anomalies', 'duplicates']) {
          const r = await runExport(
            client,
            datasetId,
            { what, format: flags.format, out: path.join(flags.out, `${what === 'all' ? 'rows' : what}.${ext}`), force: true },
            false,
          )
          files[what] = r.out
        }
        const summaryFile = path.join(flags.out, 'summary.json')
        fs.writeFileSync(summaryFile, JSON.stringify(summary, null, 2) + '\n')
        emit(
          globals,
          { datasetId, summary, files: { ...files, summary: summaryFile } },
          () =>
            `${describeSummary(summary)}\n\nFiles in ${path.resolve(flags.out)}: ${Object.values(files)
              .map((f) => path.basename(f))
              .join(', ')}, summary.json`,
        )
      })
    })
}

/**
 * Running the pipeline again continues with the dataset already imported from this unchanged file: the import
 * refuses a second copy with a CONFLICT that names it (a CONFLICT with a jobId is an import still running: thrown).
 */
async function startOrReuseImport(client: CliClient, file: string, textColumn: string | undefined): Promise<{ jobId: number | null; datasetId: number }> {
  try {
    return await client.call('import.start', { path: file, options: { textColumn } })
  } catch (err) {
    const existing = err instanceof EmbedMapError && err.code === 'CONFLICT' && err.details?.jobId === undefined ? err.details?.datasetId : undefined
    if (typeof existing === 'number') return { jobId: null, datasetId: existing }
    throw err
  }
}
