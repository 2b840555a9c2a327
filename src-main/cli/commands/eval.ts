/**
 * `embedmap eval retrieval|sts|pairs|clustering|classification|bitext`: evaluates one or more models
 * (and the lexical baseline) on the user's files with mteb's metrics, by calling the evaluation
 * service (src-main/evaluate) directly. Stores nothing: the evaluate job and its table come later.
 */
import type { Command } from 'commander'
import fs from 'node:fs'
import path from 'node:path'
import { stringify } from 'csv-stringify/sync'
import { DEVICES, Embedder, VARIANTS, type Device, type Variant } from '../../embed'
import { EmbedMapError } from '../../errors'
import { embedderEmbedFn, loadTaskFiles, type TaskFiles, type TaskResult } from '../../evaluate'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, table } from '../output'

interface EvalFlags {
  model: string[]
  baseline: boolean
  device: string
  variant?: string
  out?: string
  [column: string]: unknown
}

interface ModelRow {
  model: string
  mainMetric: string
  mainScore: number
  metrics: Record<string, number>
  seconds: number
  warnings: string[]
}

const collect = (v: string, prev: string[]) => [...prev, v]
const cols = (v: unknown) => (typeof v === 'string' ? v : undefined)

function taskFiles(kind: string, f: EvalFlags): TaskFiles {
  const need = (name: string) => {
    const v = cols(f[name])
    if (!v) throw new EmbedMapError('BAD_INPUT', `eval ${kind} needs --${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.`, `See \`embedmap eval ${kind} --help\`.`)
    return path.resolve(v)
  }
  switch (kind) {
    case 'retrieval':
      return { kind, queries: need('queries'), corpus: need('corpus'), qrels: need('qrels'), queryId: cols(f.queryId), queryText: cols(f.queryText), docId: cols(f.docId), docText: cols(f.docText)?.split(',') }
    case 'sts':
      return { kind, file: need('pairs'), a: cols(f.a), b: cols(f.b), score: cols(f.score) }
    case 'pairs':
      return { kind, file: need('pairs'), a: cols(f.a), b: cols(f.b), label: cols(f.label) }
    case 'clustering':
      return { kind, file: need('file'), text: cols(f.text), label: cols(f.label) }
    case 'classification':
      return { kind, file: need('file'), test: cols(f.test) && path.resolve(cols(f.test)!), text: cols(f.text), label: cols(f.label) }
    default:
      return { kind: 'bitext', file: need('file'), source: need('src') && cols(f.src)!, target: need('tgt') && cols(f.tgt)! }
  }
}

function writeOut(file: string, rows: ModelRow[]): void {
  if (file.toLowerCase().endsWith('.json')) fs.writeFileSync(file, JSON.stringify(rows, null, 2))
  else {
    const names = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))]
    fs.writeFileSync(file, stringify(rows.map((r) => [r.model, r.mainMetric, r.mainScore, r.seconds, ...names.map((n) => r.metrics[n] ?? '')]), { header: true, columns: ['model', 'main_metric', 'main_score', 'seconds', ...names] }))
  }
}

export function registerEval(program: Command): void {
  const evalCmd = program.command('eval').description("evaluate models on your own data with mteb's metrics (beside a lexical baseline)")
  const tasks: [string, string, [string, string][]][] = [
    ['retrieval', 'queries + corpus + qrels (BEIR-style CSVs): nDCG@10 and more', [['--queries <file>', 'queries (id, text)'], ['--corpus <file>', 'documents (id, [title,] text)'], ['--qrels <file>', 'query id, document id, score'], ['--query-id <col>', 'query id column'], ['--query-text <col>', 'query text column'], ['--doc-id <col>', 'document id column'], ['--doc-text <cols>', 'document text column(s), comma-separated, joined with a space']]],
    ['sts', 'pairs + gold score: Spearman of cosine', [['--pairs <file>', 'pairs file'], ['--a <col>', 'first text'], ['--b <col>', 'second text'], ['--score <col>', 'gold score']]],
    ['pairs', 'pairs + binary label: max average precision', [['--pairs <file>', 'pairs file'], ['--a <col>', 'first text'], ['--b <col>', 'second text'], ['--label <col>', '0/1 label']]],
    ['clustering', 'text + label: V-measure of mini-batch k-means', [['--file <file>', 'data file'], ['--text <col>', 'text column'], ['--label <col>', 'label column']]],
    ['classification', 'text + label: logistic-regression accuracy', [['--file <file>', 'training file'], ['--test <file>', 'test file (default: 5-fold cross-validation)'], ['--text <col>', 'text column'], ['--label <col>', 'label column']]],
    ['bitext', 'two parallel columns: nearest-neighbour F1', [['--file <file>', 'data file'], ['--src <col>', 'source-language column'], ['--tgt <col>', 'target-language column']]],
  ]
  for (const [kind, description, options] of tasks) {
    const cmd = evalCmd.command(kind).description(description)
    for (const [flag, help] of options) cmd.option(flag, help)
    cmd
      .option('--model <id|dir>', 'catalog id, local model id or folder (repeatable; default: the catalog default)', collect, [])
      .option('--no-baseline', 'skip the lexical baseline (BM25 / TF-IDF)')
      .option('--device <auto|cpu|cuda|dml|coreml>', 'where to run the models', 'auto')
      .option('--variant <fp32|int8|fp16>', 'which ONNX file of each model')
      .option('--out <file>', 'also write the results as CSV (or JSON for a .json name)')
      .action(async (flags: EvalFlags, c: Command) => {
        const globals = c.optsWithGlobals() as GlobalOptions
        await withEngine(globals, async (engine) => {
          if (!DEVICES.includes(flags.device as Device)) throw new EmbedMapError('BAD_INPUT', `Unknown device '${flags.device}'.`, `Use one of ${DEVICES.join(', ')}.`)
          if (flags.variant && !VARIANTS.includes(flags.variant as Variant)) throw new EmbedMapError('BAD_INPUT', `Unknown variant '${flags.variant}'.`, `Use one of ${VARIANTS.join(', ')}.`)
          const task = await loadTaskFiles(taskFiles(kind, flags))
          const rows: ModelRow[] = []
          const record = async (model: string, run: () => Promise<TaskResult>) => {
            const t = performance.now()
            const r = await run()
            rows.push({ model, mainMetric: r.mainMetric, mainScore: r.mainScore, metrics: r.metrics, seconds: (performance.now() - t) / 1000, warnings: r.warnings })
          }
          if (flags.baseline) await record(kind === 'retrieval' ? 'bm25' : 'tfidf', () => task.runBaseline())
          for (const wanted of flags.model.length ? flags.model : [undefined]) {
            const choice = engine.models.choose(wanted)
            const embedder = await Embedder.load(choice.location, { device: flags.device as Device, variant: flags.variant as Variant | undefined })
            try {
              await record(choice.modelId, () => task.run(embedderEmbedFn(embedder)))
            } finally {
              await embedder.close()
            }
          }
          if (flags.out) writeOut(path.resolve(flags.out), rows)
          emit(globals, { task: kind, size: task.size, warnings: task.warnings, results: rows }, () =>
            [
              `eval ${kind} on ${task.size}`,
              ...task.warnings.map((w) => `warning: ${w}`),
              table(['model', rows[0]?.mainMetric ?? 'main', 'seconds'], rows.map((r) => [r.model, r.mainScore.toFixed(4), r.seconds.toFixed(1)])),
            ].join('\n'),
          )
        })
      })
  }
}
