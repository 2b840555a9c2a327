import type { Command } from 'commander'
import { jobResult, parseChannelInput, type AnalysisSummary } from '../../contract'
import type { CliClient } from '../client'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, formatCount, table, truncate } from '../output'
import { waitForJob } from '../progress'

export interface AnalyzeFlags {
  k?: string
  clusters?: string
  anomaly?: string
  contamination?: string
  threshold?: string
  neighbors?: string
  minDist?: string
  umapEngine?: string
  seed?: string
}

/** Adds the analysis options shared by `analyze` and `run`. */
export function analysisOptions(cmd: Command): Command {
  return cmd
    .option('--k <auto|n>', 'number of clusters, or auto (best silhouette over 2–20)', 'auto')
    .option(
      '--clusters <kmeans|hdbscan>',
      'kmeans (default; k from --k) or hdbscan = density clusters on the 2-D map (BERTopic-style), rows in no dense region left unclustered',
      'kmeans',
    )
    .option(
      '--anomaly <knn-text|knn|lof|centroid|cluster-centroid>',
      "outlier score: knn-text (default) = the nearest rows' distance or the text's unusual characters, whichever stands out more; knn = mean distance to the 10 nearest rows; LOF; or distance to the (cluster) centroid",
      'knn-text',
    )
    .option('--contamination <p>', 'flag this share of rows as outliers (e.g. 0.01); default: an IQR fence on the scores')
    .option('--threshold <s>', 'flag rows whose 0–1 outlier score is at least this')
    .option('--neighbors <n>', 'UMAP n_neighbors', '15')
    .option('--min-dist <d>', 'UMAP min_dist', '0.1')
    .option(
      '--umap-engine <embedmap|umap-js>',
      'UMAP implementation: our typed-array port of umap-learn (default; ~5x faster, scales to 1M rows) or the umap-js library',
      'embedmap',
    )
    .option('--seed <n>', 'random seed (same seed, same map)', '42')
}

export async function runAnalysis(client: CliClient, datasetId: number, flags: AnalyzeFlags, showProgress: boolean): Promise<AnalysisSummary> {
  const input = parseChannelInput('analyze.start', {
    datasetId,
    k: flags.k === undefined || flags.k === 'auto' ? 'auto' : Number(flags.k),
    clusterMethod: flags.clusters,
    anomaly: flags.anomaly,
    contamination: flags.contamination === undefined ? undefined : Number(flags.contamination),
    threshold: flags.threshold === undefined ? undefined : Number(flags.threshold),
    nNeighbors: Number(flags.neighbors ?? 15),
    minDist: Number(flags.minDist ?? 0.1),
    umapEngine: flags.umapEngine,
    seed: Number(flags.seed ?? 42),
  })
  const { jobId } = await client.call('analyze.start', input)
  const finished = await waitForJob(
    client,
    jobId,
    showProgress,
    'The analysis did not finish ({state}); finished stages are kept: run the same command to continue.',
  )
  const { runId } = jobResult('analyze', finished)
  return client.call('analysis.summary', { datasetId, runId, top: 10 })
}

export function describeSummary(s: AnalysisSummary): string {
  const lines = [
    `Analysis ${s.runId} of dataset ${s.datasetId} (${formatCount(s.rows)} rows, ${s.modelId}):`,
    `  ${s.k} clusters${s.silhouette !== null ? `, silhouette ${s.silhouette.toFixed(3)}` : ''}${s.silhouetteCurve.length ? ` (k chosen from ${s.silhouetteCurve[0].k}–${s.silhouetteCurve[s.silhouetteCurve.length - 1].k})` : ''}`,
    table(
      ['#', 'size', 'label', 'example'],
      s.clusters.map((c) => [c.idx, formatCount(c.size), truncate(c.label, 40), truncate(c.exemplars[0]?.text ?? '', 50)]),
    ),
    `  ${formatCount(s.anomalies.flaggedCount)} outliers (${s.anomalies.method}); most unusual:`,
    ...s.anomalies.top.slice(0, 5).map((a) => `    row ${a.row} score ${a.score.toFixed(3)}: ${truncate(a.text, 70)}`),
    `  ${formatCount(s.duplicates.groupCount)} groups of near-duplicates (${formatCount(s.duplicates.redundantRows)} rows could go)`,
  ]
  const sample = s.projection.notes.sample as { size: number } | null | undefined
  if (sample) lines.push(`  note: the map was fitted on ${formatCount(sample.size)} sampled rows; the rest were placed by the fitted model.`)
  return lines.join('\n')
}

export function registerAnalyze(program: Command): void {
  analysisOptions(program.command('analyze').description('map (UMAP), clusters with labels, outliers and near-duplicates of an embedded dataset'))
    .requiredOption('--dataset <id>', 'dataset id')
    .action(async (flags: AnalyzeFlags & { dataset: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const summary = await runAnalysis(client, Number(flags.dataset), flags, !globals.json)
        emit(globals, summary, () => describeSummary(summary))
      })
    })

  program
    .command('anomalies')
    .description('the most unusual rows of the latest analysis, with why')
    .requiredOption('--dataset <id>', 'dataset id')
    .option('--top <n>', 'how many', '20')
    .action(async (flags: { dataset: string; top: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const s = await client.call('analysis.summary', { datasetId: Number(flags.dataset), top: Number(flags.top) })
        const top = s.anomalies.top
        emit(globals, top, () =>
          [
            `${formatCount(s.anomalies.flaggedCount)} rows flagged (${s.anomalies.method}, score ≥ ${s.anomalies.threshold.toFixed(3)}).`,
            table(
              ['row', 'score', 'raw', 'why', 'cluster', 'nearest rows', 'text'],
              top.map((a) => [
                a.row,
                a.score.toFixed(3),
                a.rawDistance.toFixed(3),
                a.reason ?? '',
                a.cluster ?? '',
                a.neighbors
                  .slice(0, 3)
                  .map((n) => n.row)
                  .join(' '),
                truncate(a.text, 60),
              ]),
            ),
          ].join('\n'),
        )
      })
    })

  program
    .command('neighbors')
    .description('the rows most similar to a row')
    .requiredOption('--dataset <id>', 'dataset id')
    .requiredOption('--row <n>', 'row number (0-based)')
    .option('--k <n>', 'how many', '10')
    .action(async (flags: { dataset: string; row: string; k: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const input = parseChannelInput('rows.neighbors', { datasetId: Number(flags.dataset), row: Number(flags.row), k: Number(flags.k) })
        const hits = await client.call('rows.neighbors', input)
        emit(globals, hits, () =>
          table(
            ['row', 'similarity', 'text'],
            hits.map((h) => [h.row, h.similarity.toFixed(3), truncate(h.text, 80)]),
          ),
        )
      })
    })

  program
    .command('search')
    .description('search a dataset by meaning (or --keyword for plain text matching)')
    .requiredOption('--dataset <id>', 'dataset id')
    .argument('<query>', 'what to look for')
    .option('--k <n>', 'how many results', '10')
    .option('--keyword', 'plain substring match on the text instead of meaning')
    .action(async (query: string, flags: { dataset: string; k: string; keyword?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        if (flags.keyword) {
          const page = await client.call('datasets.rows', { id: Number(flags.dataset), query, limit: Number(flags.k) })
          emit(
            globals,
            page,
            () =>
              `${table(
                ['row', 'text'],
                page.rows.map((r) => [r.idx, truncate(r.text, 90)]),
              )}\n${formatCount(page.total)} rows contain '${query}'`,
          )
          return
        }
        const r = await client.call('search.semantic', { datasetId: Number(flags.dataset), query, k: Number(flags.k) })
        emit(globals, r, () =>
          table(
            ['row', 'score', 'text'],
            r.hits.map((h) => [h.row, h.score.toFixed(3), truncate(h.text, 80)]),
          ),
        )
      })
    })
}
