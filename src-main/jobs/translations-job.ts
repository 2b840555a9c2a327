import { z } from 'zod'
import { MAX_TRANSLATION_PAIRS, VariantSchema } from '../contract'
import { linkTranslations } from '../analyze/translation-links'
import { Embedder, type EmbedKind } from '../embed'
import { EmbedMapError } from '../errors'
import { AnalysisRepo } from '../store/analysis-repo'
import { EmbeddingsRepo } from '../store/embeddings-repo'
import { TranslationsRepo } from '../store/translations-repo'
import { defineJob } from './define-job'
import type { JobContext } from './types'

export const TranslationsJobParamsSchema = z.object({
  datasetId: z.number().int().positive(),
  runId: z.number().int().positive(),
  column: z.number().int().nonnegative(),
  columnName: z.string(),
  /** The map's model, as its vectors were made: where it is, its variant, dimensions and prompt kind. */
  modelId: z.string().min(1),
  modelLocation: z.string().min(1),
  modelVersion: z.string(),
  variant: VariantSchema,
  dims: z.number().int().positive(),
  kind: z.enum(['query', 'passage', 'clustering', 'none']) satisfies z.ZodType<EmbedKind>,
})
export type TranslationsJobParams = z.output<typeof TranslationsJobParamsSchema>

/** Texts per embedding call: small enough for progress and cancel to respond within seconds. */
const CHUNK = 256

/**
 * Embeds a dataset's translation column with the model of a map and places the translations on that map
 * (analyze/translation-links.ts). Vectors are held in memory only (at most MAX_TRANSLATION_PAIRS rows, seconds to a
 * few minutes of embedding): a resumed job starts again, and its one write is the finished result.
 */
export const translationsJob = defineJob({
  kind: 'translations',
  params: TranslationsJobParamsSchema,
  title: (p) => `Link translations in '${p.columnName}' on map ${p.runId}`,

  async run(ctx) {
    const p = ctx.params
    const analysis = new AnalysisRepo(ctx.db)
    const run = analysis.run(p.runId)
    const projection = run && run.projectionId !== null ? analysis.projection(run.projectionId) : null
    if (!run || !projection) throw new EmbedMapError('NOT_FOUND', `Analysis run ${p.runId} has no map.`, `Run \`embedmap analyze --dataset ${p.datasetId}\`.`)
    const rowCount = projection.coords.length / 2
    const pairs = readPairs(ctx, rowCount)
    const n = pairs.rows.length
    if (n < 2)
      throw new EmbedMapError(
        'BAD_INPUT',
        `Only ${n} row(s) have both a text and a translation in '${p.columnName}'.`,
        'Pick the column that holds each row’s translation.',
      )
    const source = gatherRows(new EmbeddingsRepo(ctx.db).readMatrix(run.setId, rowCount, p.dims).matrix, pairs.rows, p.dims)
    const target = await embedTargets(ctx, pairs.targets)
    ctx.throwIfCancelled()
    const sourceCoords = new Float32Array(2 * n)
    pairs.rows.forEach((r, q) => sourceCoords.set(projection.coords.subarray(2 * r, 2 * r + 2), 2 * q))
    const links = linkTranslations(source, target, p.dims, sourceCoords)
    const nearest = Int32Array.from(links.nearest, (q) => (q >= 0 ? pairs.rows[q] : -1))
    const mapId = new TranslationsRepo(ctx.db).save({
      runId: p.runId,
      column: p.column,
      modelId: p.modelId,
      rows: pairs.rows,
      coords: links.coords,
      nearest,
      metrics: links.metrics,
      sampled: pairs.sampled,
    })
    ctx.report(n, n)
    return { mapId, pairs: n, accuracy: links.metrics.accuracy ?? 0, reverseAccuracy: links.metrics.reverse_accuracy ?? 0 }
  },
})

/** Rows with a non-empty text and translation, evenly sampled down to MAX_TRANSLATION_PAIRS. */
function readPairs(ctx: JobContext<TranslationsJobParams>, rowCount: number): { rows: Int32Array; targets: string[]; sampled: boolean } {
  const all = ctx.db
    .prepare(`SELECT idx, text, json_extract(cells, ?) FROM rows WHERE dataset_id = ? ORDER BY idx`)
    .raw()
    .all(`$[${ctx.params.column}]`, ctx.params.datasetId) as [number, string, unknown][]
  const usable = all.filter(([idx, text, t]) => idx < rowCount && text.trim() !== '' && t !== null && t !== undefined && String(t).trim() !== '')
  const step = usable.length > MAX_TRANSLATION_PAIRS ? usable.length / MAX_TRANSLATION_PAIRS : 1
  const kept = step === 1 ? usable : Array.from({ length: MAX_TRANSLATION_PAIRS }, (_, i) => usable[Math.floor(i * step)])
  return { rows: Int32Array.from(kept, ([idx]) => idx), targets: kept.map(([, , t]) => String(t)), sampled: step !== 1 }
}

function gatherRows(matrix: Float32Array, rows: Int32Array, d: number): Float32Array {
  const out = new Float32Array(rows.length * d)
  rows.forEach((r, q) => out.set(matrix.subarray(r * d, (r + 1) * d), q * d))
  return out
}

/** The translations embedded exactly as the map's rows were: same model version, variant, dimensions and prompt. */
async function embedTargets(ctx: JobContext<TranslationsJobParams>, texts: string[]): Promise<Float32Array> {
  const p = ctx.params
  let embedder = await Embedder.load(p.modelLocation, { variant: p.variant })
  try {
    if (embedder.info.dims !== p.dims) {
      await embedder.close()
      embedder = await Embedder.load(p.modelLocation, { variant: p.variant, dims: p.dims })
    }
    if (embedder.info.version !== p.modelVersion)
      throw new EmbedMapError(
        'CONFLICT',
        `Model ${p.modelId} changed since this map was made (version ${p.modelVersion}, now ${embedder.info.version}).`,
        'Embed the dataset again with it and map the new vectors, then link the translations.',
      )
    const out = new Float32Array(texts.length * p.dims)
    ctx.report(0, texts.length)
    for (let i = 0; i < texts.length; i += CHUNK) {
      ctx.throwIfCancelled()
      const chunk = texts.slice(i, i + CHUNK)
      const { vectors } = await embedder.embed(chunk, { kind: p.kind, signal: ctx.signal })
      out.set(vectors, i * p.dims)
      ctx.report(i + chunk.length, texts.length)
    }
    return out
  } finally {
    await embedder.close()
  }
}
