import type { Command } from 'commander'
import { EmbedMapError } from '../../errors'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, formatCount } from '../output'

interface SimilarityFlags {
  model?: string
  device: string
  variant?: string
  pairs?: string
  a?: string
  b?: string
  out?: string
  force?: boolean
}

export function registerSimilarity(program: Command): void {
  program
    .command('similarity')
    .description('cosine similarity of two texts, or of every pair in a CSV (--pairs FILE --a COL --b COL)')
    .argument('[textA]', 'first text')
    .argument('[textB]', 'second text')
    .option('--model <id|dir>', 'catalog id, local model id or folder (default: the catalog default)')
    .option('--device <auto|cpu|cuda|dml|coreml>', 'where to run the model', 'auto')
    .option('--variant <fp32|int8|fp16>', 'which ONNX file of the model')
    .option('--pairs <file>', 'score every row of this CSV/TSV/JSONL file')
    .option('--a <column>', 'with --pairs: the first text column (name or index)')
    .option('--b <column>', 'with --pairs: the second text column (name or index)')
    .option('--out <file>', 'with --pairs: write the rows with a similarity column to this CSV')
    .option('--force', 'with --out: replace the file if it exists')
    .action(async (textA: string | undefined, textB: string | undefined, flags: SimilarityFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        if (flags.pairs && (!flags.a || !flags.b))
          throw new EmbedMapError('BAD_INPUT', '--pairs needs --a COL and --b COL.', 'Name the two text columns, e.g. --a sentence1 --b sentence2.')
        const model = { model: flags.model, device: flags.device, variant: flags.variant } as const
        if (flags.pairs) {
          const r = await client.call('similarity.pairs', {
            ...model,
            path: flags.pairs,
            a: flags.a!,
            b: flags.b!,
            out: flags.out,
            overwrite: flags.force ?? false,
          })
          emit(
            globals,
            r,
            () => `${formatCount(r.count)} pairs scored with ${r.model.id}; mean similarity ${r.mean.toFixed(4)}${r.out ? `; written to ${r.out}` : ''}.`,
          )
          return
        }
        if (textA === undefined || textB === undefined) {
          throw new EmbedMapError(
            'BAD_INPUT',
            'Give two texts, or --pairs FILE --a COL --b COL.',
            'Example: embedmap similarity "今天天气很好" "The weather is nice today"',
          )
        }
        const r = await client.call('similarity.texts', { ...model, a: [textA], b: [textB] })
        emit(globals, { model: r.model, similarity: r.scores[0] }, () => r.scores[0].toFixed(4))
      })
    })
}
