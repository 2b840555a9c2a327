/**
 * `embedmap finetune`: trains a model on the user's pairs (dataset columns, a label column, or BEIR files) as a
 * finetune job through the contract, and prints the run, the registered model and the held-out metrics before/after.
 * `finetune list|show ID|cancel ID|resume ID` manage runs.
 */
import type { Command } from 'commander'
import path from 'node:path'
import { jobResult, type ChannelInput, type FinetuneRun, type RetrievalMetricsView } from '../../contract'
import { EmbedMapError } from '../../errors'
import type { CliClient } from '../client'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, table } from '../output'
import { waitForJob } from '../progress'

interface FinetuneFlags {
  dataset?: string
  anchor?: string
  positive?: string
  negative?: string
  label?: string
  queries?: string
  corpus?: string
  qrels?: string
  model?: string
  method: string
  loss: string
  hardNegatives?: string
  matryoshka?: string
  epochs?: string
  batchSize?: string
  lr?: string
  maxLength?: string
  evalSplit?: string
  seed?: string
  patience?: string
  device: string
  name?: string
  warmup?: string
  python?: string
  downloadWeights?: boolean
}

type StartInput = ChannelInput<'finetune.start'>

function num(flag: string, v: string | undefined, integer = true): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)))
    throw new EmbedMapError('BAD_INPUT', `--${flag} must be ${integer ? 'an integer' : 'a number'}, got '${v}'.`)
  return n
}

function sourceOf(f: FinetuneFlags): StartInput['source'] {
  if (f.queries || f.corpus || f.qrels) {
    if (!f.queries || !f.corpus || !f.qrels) throw new EmbedMapError('BAD_INPUT', 'BEIR training data needs all three of --queries, --corpus and --qrels.')
    return { kind: 'beir', queries: path.resolve(f.queries), corpus: path.resolve(f.corpus), qrels: path.resolve(f.qrels) }
  }
  const datasetId = num('dataset', f.dataset)
  if (datasetId === undefined)
    throw new EmbedMapError(
      'BAD_INPUT',
      'Say what to train on.',
      'Use --dataset ID with --anchor COL --positive COL [--negative COL] or --label COL, or --queries Q.csv --corpus C.csv --qrels R.csv.',
    )
  if (f.label) return { kind: 'label', datasetId, label: f.label }
  if (!f.anchor || !f.positive) throw new EmbedMapError('BAD_INPUT', '--dataset needs --anchor and --positive columns (or --label).')
  return { kind: 'columns', datasetId, anchor: f.anchor, positive: f.positive, negative: f.negative }
}

function startInput(f: FinetuneFlags): StartInput {
  const matryoshka = f.matryoshka?.split(',').map((d) => num('matryoshka', d.trim())!)
  const hyper = Object.fromEntries(
    Object.entries({
      epochs: num('epochs', f.epochs),
      batchSize: num('batch-size', f.batchSize),
      learningRate: num('lr', f.lr, false),
      maxLength: num('max-length', f.maxLength),
      evalSplit: num('eval-split', f.evalSplit, false),
      seed: num('seed', f.seed),
      patience: num('patience', f.patience),
      warmupRatio: num('warmup', f.warmup, false),
      hardNegatives: num('hard-negatives', f.hardNegatives),
      loss: f.loss,
      matryoshka,
    }).filter(([, v]) => v !== undefined),
  )
  return {
    source: sourceOf(f),
    model: f.model,
    method: f.method as StartInput['method'],
    hyper: hyper as StartInput['hyper'],
    device: f.device as StartInput['device'],
    name: f.name,
    python: f.python,
  }
}

const fmt = (m: RetrievalMetricsView | null, k: keyof RetrievalMetricsView) => (m ? m[k].toFixed(4) : '—')

function metricsTable(before: RetrievalMetricsView | null, after: RetrievalMetricsView | null): string {
  const rows = (['ndcg10', 'recall10', 'mrr10'] as const).map((k) => [
    { ndcg10: 'nDCG@10', recall10: 'recall@10', mrr10: 'MRR@10' }[k],
    fmt(before, k),
    fmt(after, k),
    before && after ? `${after[k] - before[k] >= 0 ? '+' : ''}${(after[k] - before[k]).toFixed(4)}` : '',
  ])
  return table(['held-out metric', 'base', 'fine-tuned', 'change'], rows)
}

/** The mean step loss of each epoch (a step of epoch e has a fractional epoch in (e − 1, e]). */
function lossByEpoch(steps: FinetuneRun['steps']): string[] {
  const sums = new Map<number, { sum: number; n: number }>()
  for (const s of steps) {
    if (s.loss === null) continue
    const e = Math.max(1, Math.ceil(s.epoch - 1e-9))
    const acc = sums.get(e) ?? { sum: 0, n: 0 }
    sums.set(e, { sum: acc.sum + s.loss, n: acc.n + 1 })
  }
  return [...sums.entries()].sort(([a], [b]) => a - b).map(([, v]) => (v.sum / v.n).toFixed(4))
}

function describeRun(r: FinetuneRun): string {
  return [
    `run ${r.id} · ${r.method} · ${r.status} · base ${r.baseModelId}${r.baseVersion ? ` (${r.baseVersion.slice(0, 12)})` : ''}`,
    `data: ${r.dataSource.description}${r.split.report ? ` — ${r.split.report.train} training pairs, ${r.split.heldoutQueries ?? r.split.report.eval} held-out queries, ${r.split.report.duplicates} duplicates removed` : ''}`,
    r.outputModelId ? `model: ${r.outputModelId} in ${r.outputDir}` : '',
    r.steps.length ? `loss: ${r.steps.length} steps; mean by epoch: ${lossByEpoch(r.steps).join(' ')}` : '',
    r.before || r.after ? metricsTable(r.before, r.after) : '',
    r.durationMs !== null ? `${(r.durationMs / 1000).toFixed(1)} s on ${r.device}` : '',
    r.error ? `error: ${r.error}` : '',
  ]
    .filter(Boolean)
    .join('\n')
}

async function runFinetune(client: CliClient, flags: FinetuneFlags, globals: GlobalOptions): Promise<void> {
  const input = startInput(flags)
  let started: { jobId: number }
  try {
    started = await client.call('finetune.start', input)
  } catch (err) {
    // A catalog base without its PyTorch weights: with --download-weights they are fetched (resumable), then the run starts.
    const id = err instanceof EmbedMapError && err.details?.reason === 'NO_PYTORCH_WEIGHTS' ? err.details.id : undefined
    if (!flags.downloadWeights || typeof id !== 'string') throw err
    const { jobId } = await client.call('models.pull', { id, training: true })
    await waitForJob(client, jobId, !globals.json, `The download of ${id}'s training weights did not finish ({state}); run the same command to resume it.`)
    started = await client.call('finetune.start', input)
  }
  await follow(client, started.jobId, globals)
}

async function follow(client: CliClient, jobId: number, globals: GlobalOptions): Promise<void> {
  const finished = await waitForJob(
    client,
    jobId,
    !globals.json,
    'The fine-tune stopped ({state}); finished stages are kept: run the same command (or `embedmap finetune resume RUN`) to continue.',
  )
  const result = jobResult('finetune', finished)
  const run = await client.call('finetune.get', { id: result.runId })
  emit(globals, { runId: result.runId, jobId, modelId: result.modelId, modelDir: result.modelDir, before: result.before, after: result.after, run }, () =>
    describeRun(run),
  )
}

export function registerFinetune(program: Command): void {
  const cmd = program
    .command('finetune')
    .description('fine-tune a model on your pairs, labels or BEIR files (subcommands: list, show, cancel, resume)')
    .option('--dataset <id>', 'dataset with the training data')
    .option('--anchor <col>', 'anchor column (e.g. question)')
    .option('--positive <col>', 'positive column (e.g. answer)')
    .option('--negative <col>', 'optional negative column')
    .option('--label <col>', 'rows with the same label belong together')
    .option('--queries <file>', 'BEIR queries (id, text)')
    .option('--corpus <file>', 'BEIR corpus (id, [title,] text)')
    .option('--qrels <file>', 'BEIR qrels (query id, doc id, score)')
    .option('--model <id|dir>', 'base model (default: the catalog default)')
    .option('--method <adapter|full>', 'adapter: a linear map on the base model (no Python); full: all weights', 'adapter')
    .option('--loss <mnrl|cached-mnrl>', 'MultipleNegativesRankingLoss, or its cached variant for large batches', 'mnrl')
    .option('--hard-negatives <n>', 'mined hard negatives per anchor (0: in-batch only; default 3)')
    .option('--matryoshka <dims>', 'Matryoshka dimensions, comma-separated (e.g. 384,256,128,64)')
    .option('--epochs <n>', 'passes over the training pairs (default: adapter 10 with early stopping on the held-out split, full 1)')
    .option('--batch-size <n>', 'pairs per batch (default 32)')
    .option('--lr <x>', 'learning rate (default: adapter 1e-3, full 2e-5)')
    .option('--warmup <x>', 'full: share of steps with a rising learning rate (default 0.1)')
    .option(
      '--python <path>',
      'full: an existing Python or venv with torch + sentence-transformers (default: $EMBEDMAP_FINETUNE_PYTHON, else the environment EmbedMap manages)',
    )
    .option('--download-weights', 'full: download a catalog base model’s PyTorch weights first when they are not here yet')
    .option('--max-length <n>', 'tokens per text (default: the model’s)')
    .option('--eval-split <x>', 'share kept aside for the before/after evaluation (default 0.1)')
    .option('--seed <n>', 'random seed (default 42)')
    .option('--patience <n>', 'epochs without held-out improvement before stopping early (default 3)')
    .option('--device <auto|cpu|cuda|mps>', 'where to run', 'auto')
    .option('--name <name>', 'id of the new model (default: BASE-ftRUN)')
    .action(async (flags: FinetuneFlags, c: Command) => {
      const globals = c.optsWithGlobals() as GlobalOptions
      await withEngine(globals, (client) => runFinetune(client, flags, globals))
    })

  cmd
    .command('list')
    .description('fine-tuning runs, newest first')
    .action(async (_flags: unknown, c: Command) => {
      const globals = c.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const runs = await client.call('finetune.runs', {})
        emit(globals, runs, () =>
          runs.length
            ? table(
                ['id', 'method', 'base', 'status', 'model', 'nDCG@10 before', 'after', 'date'],
                runs.map((r) => [
                  r.id,
                  r.method,
                  r.baseModelId,
                  r.status,
                  r.outputModelId ?? '',
                  fmt(r.before, 'ndcg10'),
                  fmt(r.after, 'ndcg10'),
                  r.createdAt.slice(0, 16),
                ]),
              )
            : 'No fine-tuning runs yet.',
        )
      })
    })

  cmd
    .command('show')
    .description('one run: data, split, loss curve, metrics before/after, model')
    .argument('<id>', 'run id')
    .action(async (id: string, _flags: unknown, c: Command) => {
      const globals = c.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const r = await client.call('finetune.get', { id: Number(id) })
        emit(globals, r, () => describeRun(r))
      })
    })

  cmd
    .command('cancel')
    .description('cancel a run; nothing it was writing stays registered')
    .argument('<id>', 'run id')
    .action(async (id: string, _flags: unknown, c: Command) => {
      const globals = c.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const r = await client.call('finetune.cancel', { id: Number(id) })
        emit(globals, r, () => `Run ${r.id}: ${r.status === 'running' ? 'cancel requested' : r.status}.`)
      })
    })

  cmd
    .command('resume')
    .description('resume an interrupted run from its last finished stage and wait for it')
    .argument('<id>', 'run id')
    .action(async (id: string, _flags: unknown, c: Command) => {
      const globals = c.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const r = await client.call('finetune.get', { id: Number(id) })
        if (r.jobId === null) throw new EmbedMapError('CONFLICT', `Run ${r.id} has no job to resume.`)
        if (r.status === 'succeeded') throw new EmbedMapError('CONFLICT', `Run ${r.id} already finished (model ${r.outputModelId}).`)
        await client.call('jobs.resume', { id: r.jobId })
        await follow(client, r.jobId, globals)
      })
    })
}
