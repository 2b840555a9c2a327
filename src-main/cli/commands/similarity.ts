import type { Command } from 'commander'
import path from 'node:path'
import { DEVICES, Embedder, VARIANTS, type Device, type Variant } from '../../embed'
import { scorePairsFile, scoreTexts } from '../../engine/similarity'
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
    .action(async (textA: string | undefined, textB: string | undefined, flags: SimilarityFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (engine) => {
        if (!DEVICES.includes(flags.device as Device)) throw new EmbedMapError('BAD_INPUT', `Unknown device '${flags.device}'.`, `Use one of ${DEVICES.join(', ')}.`)
        if (flags.variant && !VARIANTS.includes(flags.variant as Variant)) throw new EmbedMapError('BAD_INPUT', `Unknown variant '${flags.variant}'.`, `Use one of ${VARIANTS.join(', ')}.`)
        if (flags.pairs && (!flags.a || !flags.b)) throw new EmbedMapError('BAD_INPUT', '--pairs needs --a COL and --b COL.', 'Name the two text columns, e.g. --a sentence1 --b sentence2.')
        if (!flags.pairs && (textA === undefined || textB === undefined)) {
          throw new EmbedMapError('BAD_INPUT', 'Give two texts, or --pairs FILE --a COL --b COL.', 'Example: embedmap similarity "今天天气很好" "The weather is nice today"')
        }
        const choice = engine.models.choose(flags.model)
        const embedder = await Embedder.load(choice.location, { device: flags.device as Device, variant: flags.variant as Variant | undefined })
        try {
          const model = { id: choice.modelId, variant: embedder.info.variant, provider: embedder.info.provider }
          if (flags.pairs) {
            const r = await scorePairsFile(embedder, path.resolve(flags.pairs), flags.a!, flags.b!, flags.out && path.resolve(flags.out))
            const value = { model, count: r.count, mean: r.mean, out: r.out ?? null, scores: r.out ? undefined : r.scores }
            emit(globals, value, () => `${formatCount(r.count)} pairs scored with ${choice.modelId}; mean similarity ${r.mean.toFixed(4)}${r.out ? `; written to ${r.out}` : ''}.`)
          } else {
            const [score] = await scoreTexts(embedder, [textA!], [textB!])
            emit(globals, { model, similarity: score }, () => score.toFixed(4))
          }
        } finally {
          await embedder.close()
        }
      })
    })
}
