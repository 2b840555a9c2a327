/**
 * `embedmap eval retrieval|sts|pairs|clustering|classification|bitext`: evaluates one or more models (and the
 * lexical baseline) on the user's files with mteb's metrics, as an evaluate job through the contract; results are
 * stored in the workspace (`eval list`, `eval show ID`) and reused when the same model meets the same data again.
 */
import type { Command } from 'commander'
import fs from 'node:fs'
import path from 'node:path'
import { stringify } from 'csv-stringify/sync'
import { jobResult, type EvalTaskSpec, type EvaluationRun } from '../../contract'
import { EmbedMapError } from '../../errors'
import type { CliClient } from '../client'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, table } from '../output'
import { waitForJob } from '../progress'

interface EvalFlags {
  model: string[]
  baseline: boolean
  matryoshka: boolean
  recompute?: boolean
  device: string
  variant?: string
  out?: string
  [column: string]: unknown
}

const collect = (v: string, prev: string[]) => [...prev, v]
const opt = (v: unknown) => (typeof v === 'string' ? (/^\d+$/.test(v) ? Number(v) : v) : undefined)

function taskSpec(kind: string, f: EvalFlags): EvalTaskSpec {
  const need = (name: string) => {
    const v = f[name]
    if (typeof v !== 'string')
      throw new EmbedMapError(
        'BAD_INPUT',
        `eval ${kind} needs --${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.`,
        `See \`embedmap eval ${kind} --help\`.`,
      )
    return v
  }
  const dataset = f.dataset === undefined ? undefined : Number(f.dataset)
  if (dataset !== undefined && !(Number.isInteger(dataset) && dataset > 0))
    throw new EmbedMapError('BAD_INPUT', `--dataset needs a dataset id, not '${String(f.dataset)}'.`, 'List them with `embedmap datasets`.')
  // With --dataset the columns are read from the imported rows, and no file is needed.
  const file = (name: string) => (dataset === undefined ? path.resolve(need(name)) : undefined)
  switch (kind) {
    case 'retrieval':
      return {
        kind,
        dataset,
        queries: file('queries'),
        corpus: file('corpus'),
        qrels: file('qrels'),
        queryId: opt(f.queryId),
        queryText: opt(f.queryText),
        docId: opt(f.docId),
        docText: typeof f.docText === 'string' ? f.docText.split(',').map((c) => opt(c.trim())!) : undefined,
      }
    case 'sts':
      return { kind, dataset, file: file('pairs'), a: opt(f.a), b: opt(f.b), score: opt(f.score) }
    case 'pairs':
      return { kind, dataset, file: file('pairs'), a: opt(f.a), b: opt(f.b), label: opt(f.label) }
    case 'clustering':
      return { kind, dataset, file: file('file'), text: opt(f.text), label: opt(f.label) }
    case 'classification':
      return {
        kind,
        dataset,
        file: file('file'),
        test: typeof f.test === 'string' ? path.resolve(f.test) : undefined,
        text: opt(f.text),
        label: opt(f.label),
      }
    default:
      return { kind: 'bitext', dataset, file: file('file'), source: opt(need('src'))!, target: opt(need('tgt'))! }
  }
}

const label = (r: EvaluationRun) => `${r.modelId}${r.dims && !r.lexical ? ` @${r.dims}` : ''}`

function writeOut(file: string, runs: EvaluationRun[]): void {
  if (file.toLowerCase().endsWith('.json')) {
    fs.writeFileSync(file, JSON.stringify(runs, null, 2) + '\n')
    return
  }
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))]
  const rows = runs.map((r) => [
    r.modelId,
    r.dims ?? '',
    r.mainMetric,
    r.mainScore,
    r.costs.seconds,
    r.costs.sentencesPerSecond ?? '',
    ...names.map((n) => r.metrics[n] ?? ''),
  ])
  fs.writeFileSync(
    file,
    stringify(rows, { header: true, columns: ['model', 'dims', 'main_metric', 'main_score', 'seconds', 'sentences_per_second', ...names] }),
  )
}

function describeRuns(runs: EvaluationRun[]): string {
  const main = runs[0]?.mainMetric ?? 'main'
  return table(
    ['id', 'model', main, 'texts/s', 'size', 'seconds'],
    runs.map((r) => [
      r.id,
      label(r),
      r.mainScore.toFixed(4),
      r.costs.sentencesPerSecond ? r.costs.sentencesPerSecond.toFixed(0) : '',
      r.costs.sizeBytes ? `${Math.round(r.costs.sizeBytes / 1e6)} MB` : '',
      r.costs.seconds.toFixed(1),
    ]),
  )
}

async function runEval(client: CliClient, kind: string, flags: EvalFlags, globals: GlobalOptions): Promise<void> {
  const input = {
    task: taskSpec(kind, flags),
    models: flags.model,
    baseline: flags.baseline,
    matryoshka: flags.matryoshka,
    recompute: !!flags.recompute,
    device: flags.device,
    variant: flags.variant,
  }
  const { jobId } = await client.call('eval.start', input)
  const finished = await waitForJob(
    client,
    jobId,
    !globals.json,
    'The evaluation stopped ({state}); finished models are stored: run the same command to continue.',
  )
  const result = jobResult('evaluate', finished)
  const runs = await client.call('eval.runs', { ids: result.runIds })
  // Baseline first, then the models in the order asked, each at its dimensions from largest to smallest.
  const order = new Map(result.runIds.map((id, i) => [id, i]))
  runs.sort((a, b) => order.get(a.id)! - order.get(b.id)!)
  if (flags.out) writeOut(path.resolve(flags.out), runs)
  const reused = new Set(result.reused)
  emit(
    globals,
    {
      task: kind,
      data: result.dataLabel,
      dataFingerprint: result.dataFingerprint,
      warnings: result.warnings,
      reused: result.reused,
      vectors: result.vectors,
      results: runs,
    },
    () =>
      [
        `eval ${kind} on ${result.dataLabel}`,
        ...result.warnings.map((w) => `warning: ${w}`),
        describeRuns(runs),
        ...result.vectors.filter((v) => v.reused > 0).map((v) => `${v.modelId}: ${v.reused} stored vectors reused, ${v.embedded} texts embedded`),
        reused.size
          ? `(${reused.size} result${reused.size > 1 ? 's' : ''} stored earlier for the same data and model were reused; --recompute computes them again)`
          : '',
      ]
        .filter(Boolean)
        .join('\n'),
  )
}

export function registerEval(program: Command): void {
  const evalCmd = program.command('eval').description("evaluate models on your own data with mteb's metrics (beside a lexical baseline)")
  const tasks: [string, string, [string, string][]][] = [
    [
      'retrieval',
      'queries + corpus + qrels (BEIR-style CSVs): nDCG@10 and more',
      [
        ['--queries <file>', 'queries (id, text)'],
        ['--corpus <file>', 'documents (id, [title,] text)'],
        ['--qrels <file>', 'query id, document id, score'],
        ['--query-id <col>', 'query id column'],
        ['--query-text <col>', 'query text column (with --dataset: the query column)'],
        ['--doc-id <col>', 'document id column'],
        ['--doc-text <cols>', 'document text column(s), comma-separated, joined with a space (with --dataset: the relevant-document column)'],
      ],
    ],
    [
      'sts',
      'pairs + gold score: Spearman of cosine',
      [
        ['--pairs <file>', 'pairs file'],
        ['--a <col>', 'first text'],
        ['--b <col>', 'second text'],
        ['--score <col>', 'gold score'],
      ],
    ],
    [
      'pairs',
      'pairs + binary label: max average precision',
      [
        ['--pairs <file>', 'pairs file'],
        ['--a <col>', 'first text'],
        ['--b <col>', 'second text'],
        ['--label <col>', '0/1 label'],
      ],
    ],
    [
      'clustering',
      'text + label: V-measure of mini-batch k-means',
      [
        ['--file <file>', 'data file'],
        ['--text <col>', 'text column'],
        ['--label <col>', 'label column'],
      ],
    ],
    [
      'classification',
      'text + label: logistic-regression accuracy',
      [
        ['--file <file>', 'training file'],
        ['--test <file>', 'test file (default: 5-fold cross-validation)'],
        ['--text <col>', 'text column'],
        ['--label <col>', 'label column'],
      ],
    ],
    [
      'bitext',
      'two parallel columns: nearest-neighbour F1',
      [
        ['--file <file>', 'data file'],
        ['--src <col>', 'source-language column'],
        ['--tgt <col>', 'target-language column'],
      ],
    ],
  ]
  for (const [kind, description, options] of tasks) {
    const cmd = evalCmd.command(kind).description(description)
    for (const [flag, help] of options) cmd.option(flag, help)
    cmd
      .option('--dataset <id>', 'an imported dataset instead of the file(s): its columns, and vectors it already has for a model')
      .option('--model <id|dir>', 'catalog id, local model id or folder (repeatable; default: the catalog default)', collect, [])
      .option('--no-baseline', 'skip the lexical baseline (BM25 / TF-IDF)')
      .option('--no-matryoshka', 'evaluate Matryoshka models at their full size only')
      .option('--recompute', 'compute again even where a stored result for the same data and model exists')
      .option('--device <auto|cpu|cuda|dml|coreml>', 'where to run the models', 'auto')
      .option('--variant <fp32|int8|fp16>', 'which ONNX file of each model')
      .option('--out <file>', 'also write the results as CSV (or JSON for a .json name)')
      .action(async (flags: EvalFlags, c: Command) => {
        const globals = c.optsWithGlobals() as GlobalOptions
        await withEngine(globals, (client) => runEval(client, kind, flags, globals))
      })
  }

  evalCmd
    .command('list')
    .description('stored evaluation results, newest first')
    .option('--task <kind>', 'only this task type')
    .action(async (flags: { task?: string }, c: Command) => {
      const globals = c.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const runs = await client.call('eval.runs', { task: flags.task })
        emit(globals, runs, () =>
          runs.length
            ? table(
                ['id', 'task', 'data', 'model', 'metric', 'score', 'date'],
                runs.map((r) => [r.id, r.task, r.dataLabel, label(r), r.mainMetric, r.mainScore.toFixed(4), r.createdAt.slice(0, 16)]),
              )
            : 'No evaluations yet.',
        )
      })
    })

  evalCmd
    .command('show')
    .description('one stored result with every metric')
    .argument('<id>', 'result id (from `eval list`)')
    .action(async (id: string, _flags: unknown, c: Command) => {
      const globals = c.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const r = await client.call('eval.get', { id: Number(id) })
        emit(globals, r, () =>
          [
            `${r.task} · ${r.dataLabel} · ${label(r)} (${r.modelVersion.slice(0, 12)})`,
            table(
              ['metric', 'value'],
              Object.entries(r.metrics).map(([k, v]) => [k, v.toFixed(5)]),
            ),
            `${r.costs.seconds.toFixed(1)} s${r.costs.sentencesPerSecond ? `, ${r.costs.sentencesPerSecond.toFixed(0)} texts/s` : ''}${r.costs.sizeBytes ? `, ${Math.round(r.costs.sizeBytes / 1e6)} MB on disk` : ''}`,
            ...r.warnings.map((w) => `warning: ${w}`),
          ].join('\n'),
        )
      })
    })
}
