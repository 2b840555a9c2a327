/**
 * The model catalog: `resources/models/catalog.json`, validated with zod on first use.
 * The JSON is data; this module only checks it and looks entries up.
 */
import fs from 'node:fs'
import { z } from 'zod'
import catalogJson from '../../resources/models/catalog.json' with { type: 'json' }
import { EmbedMapError } from '../errors'
import type { Variant } from './types'

const variantSchema = z.enum(['fp32', 'int8', 'fp16'])

const fileSchema = z.object({
  /** Path inside the repository (and inside the local folder): e.g. `onnx/model_quantized.onnx`. */
  path: z.string().min(1),
  /** Exact size in bytes, when known: checked after download. */
  bytes: z.number().int().positive().optional(),
  /** Rounded size for display and progress before the server answers. */
  approxBytes: z.number().int().positive().optional(),
  /** Lower-case hex sha256, when known: checked after download. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
})

const onnxFileSchema = fileSchema.extend({
  /** Weights stored beside the graph (`model.onnx_data`) for models over 2 GB. */
  externalData: z.array(fileSchema).optional(),
})

export const catalogModelSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'ids are folder names: letters, digits, . _ -'),
    displayName: z.string().min(1),
    description: z.string().default(''),
    /** Repository holding the ONNX files (Xenova/…, onnx-community/…, or the author's own). */
    hfRepo: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
    /** The original (PyTorch) model, for credits, for matching local folders, and where a full fine-tune's weights come from. */
    sourceRepo: z.string().optional(),
    /** The full fine-tune's download of `sourceRepo` (its PyTorch weights and sentence-transformers files). */
    training: z
      .object({
        /** Rounded size of the weights, for display; default: params × 4 bytes (fp32). */
        approxBytes: z.number().int().positive().optional(),
        /** Why this model cannot be fine-tuned in full here (shown instead of the download). */
        unsupported: z.string().min(1).optional(),
      })
      .optional(),
    revision: z.string().default('main'),
    architecture: z.string().optional(),
    params: z.number().int().positive().optional(),
    dims: z.number().int().positive(),
    pooling: z.enum(['mean', 'cls', 'last_token', 'max']),
    normalize: z.boolean(),
    /** The longest input the model takes, in tokens. */
    maxLength: z.number().int().positive(),
    /** Where inputs are cut by default, when that is less than `maxLength` (long-context models). */
    defaultMaxLength: z.number().int().positive().optional(),
    prefixes: z.object({ query: z.string(), passage: z.string(), clustering: z.string().optional() }),
    matryoshkaDims: z.array(z.number().int().positive()).optional(),
    /** Apply layer_norm to the pooled vector before a Matryoshka cut (nomic-embed-text-v1.5). */
    matryoshkaLayerNorm: z.boolean().default(false),
    languages: z.array(z.string()).min(1),
    license: z.string().min(1),
    defaultVariant: variantSchema.optional(),
    files: z.object({
      onnx: z.object({ fp32: onnxFileSchema.optional(), int8: onnxFileSchema.optional(), fp16: onnxFileSchema.optional() }),
      /** Tokenizer and config files, downloaded with every variant. */
      tokenizer: z.array(z.union([z.string(), fileSchema])).min(1),
    }),
  })
  .superRefine((m, ctx) => {
    if (!m.files.onnx.fp32 && !m.files.onnx.int8 && !m.files.onnx.fp16) ctx.addIssue({ code: 'custom', message: `${m.id}: no ONNX file` })
    if (m.defaultVariant && !m.files.onnx[m.defaultVariant])
      ctx.addIssue({ code: 'custom', message: `${m.id}: defaultVariant ${m.defaultVariant} has no file` })
    if (m.matryoshkaDims && !m.matryoshkaDims.includes(m.dims)) ctx.addIssue({ code: 'custom', message: `${m.id}: matryoshkaDims must include dims ${m.dims}` })
    if (m.defaultMaxLength && m.defaultMaxLength > m.maxLength) ctx.addIssue({ code: 'custom', message: `${m.id}: defaultMaxLength > maxLength` })
  })

export const catalogSchema = z
  .object({
    schemaVersion: z.literal(1),
    default: z.string(),
    defaultVariant: variantSchema.optional(),
    models: z.array(catalogModelSchema).min(1),
  })
  .superRefine((c, ctx) => {
    const ids = new Set<string>()
    for (const m of c.models) {
      if (ids.has(m.id.toLowerCase())) ctx.addIssue({ code: 'custom', message: `duplicate model id ${m.id}` })
      ids.add(m.id.toLowerCase())
    }
    if (!c.models.some((m) => m.id === c.default)) ctx.addIssue({ code: 'custom', message: `default ${c.default} is not in the catalog` })
  })

export type CatalogModel = z.infer<typeof catalogModelSchema>
export type Catalog = z.infer<typeof catalogSchema>
export type CatalogFile = z.infer<typeof fileSchema>

/** Validates catalog data (an object, or a path to a JSON file); throws BAD_INPUT naming the problem. */
export function parseCatalog(data: unknown, source = 'catalog.json'): Catalog {
  let raw = data
  if (typeof data === 'string') {
    source = data
    try {
      raw = JSON.parse(fs.readFileSync(data, 'utf8'))
    } catch (err) {
      throw new EmbedMapError('BAD_INPUT', `cannot read the model catalog ${data}: ${(err as Error).message}`, 'fix the JSON or remove the file')
    }
  }
  const parsed = catalogSchema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
    throw new EmbedMapError('BAD_INPUT', `the model catalog ${source} is invalid: ${issues}`, 'fix the catalog entry it names')
  }
  return parsed.data
}

let builtIn: Catalog | undefined

/** The catalog shipped in resources/models/catalog.json. */
export function loadCatalog(): Catalog {
  builtIn ??= parseCatalog(catalogJson, 'resources/models/catalog.json')
  return builtIn
}

export function listCatalogModels(): CatalogModel[] {
  return loadCatalog().models
}

export function defaultModelId(): string {
  return loadCatalog().default
}

/** The entry with this id (case-insensitive), or undefined. */
export function findCatalogModel(id: string): CatalogModel | undefined {
  const lower = id.toLowerCase()
  return loadCatalog().models.find((m) => m.id.toLowerCase() === lower)
}

/** The entry with this id; NOT_FOUND listing the known ids otherwise. */
export function getCatalogModel(id: string): CatalogModel {
  const m = findCatalogModel(id)
  if (!m) {
    const known = loadCatalog()
      .models.map((x) => x.id)
      .join(', ')
    throw new EmbedMapError('NOT_FOUND', `no model "${id}" in the catalog`, `use one of: ${known}, or a local model folder path`)
  }
  return m
}

/** A catalog entry that describes the same model as a repo name (`intfloat/multilingual-e5-small`, `Xenova/bge-m3`). */
export function findCatalogModelByRepo(repo: string): CatalogModel | undefined {
  const r = repo.toLowerCase().replace(/\/+$/, '')
  return loadCatalog().models.find((m) => m.hfRepo.toLowerCase() === r || m.sourceRepo?.toLowerCase() === r)
}

/** The variant used when none is asked for: the entry's, then the catalog's, then the first with a file. */
export function defaultVariantOf(m: CatalogModel): Variant {
  const c = loadCatalog()
  for (const v of [m.defaultVariant, c.defaultVariant, 'fp32', 'int8', 'fp16'] as const) if (v && m.files.onnx[v]) return v
  return 'fp32'
}

/** Approximate size of the PyTorch weights a full fine-tune downloads from `sourceRepo`, for display. */
export function approxTrainingBytes(m: CatalogModel): number | undefined {
  return m.training?.approxBytes ?? (m.params ? m.params * 4 : undefined)
}

/** Approximate download size of one variant (graph + external data + tokenizer files), for display. */
export function approxDownloadBytes(m: CatalogModel, variant: Variant = defaultVariantOf(m)): number | undefined {
  const f = m.files.onnx[variant]
  if (!f) return undefined
  let total = f.bytes ?? f.approxBytes ?? 0
  for (const x of f.externalData ?? []) total += x.bytes ?? x.approxBytes ?? 0
  return total || undefined
}
