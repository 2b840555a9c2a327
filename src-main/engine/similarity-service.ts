import path from 'node:path'
import type { Caller, ChannelOutput, ChannelParsedInput } from '../contract'
import { Embedder } from '../embed'
import type { FileAccess } from './file-access'
import { remoteNotHere, type ModelsService } from './models-service'
import { scorePairsFile, scoreTexts } from './similarity'

/** Scores text pairs with one model load: two texts from the CLI, or every row of a pairs file. */
export class SimilarityService {
  constructor(
    private readonly models: ModelsService,
    private readonly files: FileAccess,
  ) {}

  async texts(input: ChannelParsedInput<'similarity.texts'>, caller: Caller): Promise<ChannelOutput<'similarity.texts'>> {
    return this.withModel(input, caller, async (embedder, model) => {
      const n = Math.min(input.a.length, input.b.length)
      const scores = await scoreTexts(embedder, input.a.slice(0, n), input.b.slice(0, n))
      return { model, scores: Array.from(scores) }
    })
  }

  async pairs(input: ChannelParsedInput<'similarity.pairs'>, caller: Caller): Promise<ChannelOutput<'similarity.pairs'>> {
    const file = this.files.readable(input.path, caller)
    const out = input.out === undefined ? undefined : this.files.writable(input.out, caller, input.overwrite)
    return this.withModel(input, caller, async (embedder, model) => {
      const r = await scorePairsFile(embedder, path.resolve(file), input.a, input.b, out)
      return { model, count: r.count, mean: r.mean, out: r.out ?? null, scores: r.out ? undefined : r.scores }
    })
  }

  private async withModel<T>(
    input: { model?: string; device: ChannelParsedInput<'similarity.texts'>['device']; variant?: ChannelParsedInput<'similarity.texts'>['variant'] },
    caller: Caller,
    fn: (embedder: Embedder, model: ChannelOutput<'similarity.texts'>['model']) => Promise<T>,
  ): Promise<T> {
    const choice = this.models.choose(input.model, caller)
    if (choice.remote) throw remoteNotHere(choice.modelId, 'similarity scoring')
    const embedder = await Embedder.load(choice.location, { device: input.device, variant: input.variant })
    try {
      return await fn(embedder, { id: choice.modelId, variant: embedder.info.variant, provider: embedder.info.provider })
    } finally {
      await embedder.close()
    }
  }
}
