/**
 * A local Hugging Face-style model folder → everything needed to run it.
 *
 * Layouts read:
 * - root files: model.onnx, model_int8.onnx / model_quantized.onnx, model_fp16.onnx (+ sentence-transformers
 *   files: modules.json, 1_Pooling/config.json, sentence_bert_config.json, config_sentence_transformers.json)
 * - Xenova / onnx-community: onnx/model.onnx, onnx/model_quantized.onnx, onnx/model_fp16.onnx (+ onnx/model.onnx_data)
 * and tokenizer.json (+ tokenizer_config.json, config.json) at the root.
 *
 * Settings come from, in order: the caller's options, the sentence-transformers files, the catalog
 * entry (matched by id, folder name or config.json's _name_or_path), then defaults.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { EmbedMapError } from '../errors'
import { cacheDir } from '../paths'
import { type CatalogModel, defaultVariantOf, findCatalogModel, findCatalogModelByRepo, getCatalogModel } from './catalog'
import { containedPath } from './contained-path'
import { embeddingRows, type OnnxScan, scanOnnx } from './onnx-scan'
import type { TextTokenizer } from './tokenize'
import { type Pooling, type Prefixes, type Variant, VARIANTS } from './types'

/** Where each variant's file may be, first match wins. */
export const VARIANT_CANDIDATES: Record<Variant, readonly string[]> = {
  fp32: ['model.onnx', 'onnx/model.onnx'],
  int8: ['model_int8.onnx', 'model_quantized.onnx', 'onnx/model_int8.onnx', 'onnx/model_quantized.onnx', 'model_uint8.onnx', 'onnx/model_uint8.onnx'],
  fp16: ['model_fp16.onnx', 'onnx/model_fp16.onnx'],
}

/** The file written beside a downloaded model, naming its catalog entry. */
export const MODEL_MARKER = 'embedmap-model.json'

export interface OnnxVariantFile {
  file: string
  /** Weights stored beside it (model.onnx_data, …). */
  externalData: string[]
}

export interface ResolveOptions {
  variant?: Variant
  /** Use this catalog entry's settings (else matched by folder name / config.json). */
  catalogId?: string
  /** Cut inputs at this many tokens (at most what the model's positions allow). */
  maxLength?: number
  pooling?: Pooling
  normalize?: boolean
}

export type SettingSource = 'option' | 'sentence-transformers' | 'catalog' | 'tokenizer' | 'config' | 'default'

export interface ResolvedModelFolder {
  /** Catalog id, else the folder name. */
  id: string
  displayName: string
  dir: string
  catalog?: CatalogModel
  variant: Variant
  onnx: OnnxVariantFile
  /** Every variant present. */
  available: Partial<Record<Variant, OnnxVariantFile>>
  tokenizerFile: string
  tokenizerConfigFile?: string
  pooling: Pooling
  normalize: boolean
  maxLength: number
  /** The most tokens the model's position embeddings allow (undefined: unknown / rotary). */
  maxPositions?: number
  /** Expected vector size when the files say (1_Pooling word_embedding_dimension, catalog, hidden_size). */
  expectedDims?: number
  prefixes: Prefixes
  matryoshkaDims?: number[]
  matryoshkaLayerNorm: boolean
  configVocabSize?: number
  /** sentence-transformers modules after pooling that the ONNX graph would have to contain (Dense, …). */
  extraModules: string[]
  sources: { pooling: SettingSource; normalize: SettingSource; maxLength: SettingSource; prefixes: SettingSource }
  warnings: string[]
}

const ADD_HINT = 'download a catalog model (`embedmap models download ID`) or add a local folder (`embedmap models add DIR`)'

/** Reads a model folder. Throws EmbedMapError for a missing folder, no ONNX file, no tokenizer, bad JSON. */
export function resolveModelFolder(dirIn: string, opts: ResolveOptions = {}): ResolvedModelFolder {
  const dir = path.resolve(dirIn)
  let stat: fs.Stats
  try {
    stat = fs.statSync(dir)
  } catch {
    throw new EmbedMapError('NOT_FOUND', `model folder ${dir} does not exist`, ADD_HINT, { dir })
  }
  if (!stat.isDirectory())
    throw new EmbedMapError('BAD_INPUT', `${dir} is a file, not a model folder`, 'give the folder that holds model.onnx and tokenizer.json', { dir })

  const warnings: string[] = []
  const available = findOnnxVariants(dir)
  const variants = Object.keys(available) as Variant[]
  if (variants.length === 0) {
    const torch = ['model.safetensors', 'pytorch_model.bin'].find((f) => fs.existsSync(path.join(dir, f)))
    throw new EmbedMapError(
      'BAD_INPUT',
      `no ONNX model in ${dir} (looked for ${[...VARIANT_CANDIDATES.fp32, ...VARIANT_CANDIDATES.int8, ...VARIANT_CANDIDATES.fp16].join(', ')})`,
      torch
        ? `${torch} is a PyTorch checkpoint: export it with \`optimum-cli export onnx --model ${dir} --task feature-extraction OUT\`, or use an ONNX copy (Xenova/… or onnx-community/… on the Hub)`
        : `put the model's .onnx file in the folder, or ${ADD_HINT}`,
      { dir },
    )
  }

  const configJson = readJsonIfExists(path.join(dir, 'config.json'))
  const catalog = matchCatalog(dir, opts.catalogId, configJson)

  let variant: Variant
  if (opts.variant) {
    if (!VARIANTS.includes(opts.variant)) throw new EmbedMapError('BAD_INPUT', `unknown variant ${opts.variant}`, `use one of ${VARIANTS.join(', ')}`)
    if (!available[opts.variant]) {
      throw new EmbedMapError(
        'BAD_INPUT',
        `model folder ${dir} has no ${opts.variant} ONNX file (${VARIANT_CANDIDATES[opts.variant].join(' or ')})`,
        `available: ${variants.join(', ')}`,
        { dir, available: variants },
      )
    }
    variant = opts.variant
  } else {
    const preferred = catalog ? defaultVariantOf(catalog) : undefined
    variant = preferred && available[preferred] ? preferred : (['fp32', 'int8', 'fp16'] as const).find((v) => available[v])!
  }

  checkExternalData(dir, available[variant]!.file)

  const tokenizerFile = path.join(dir, 'tokenizer.json')
  if (!fs.existsSync(tokenizerFile)) {
    const legacy = ['vocab.txt', 'sentencepiece.bpe.model', 'spiece.model', 'vocab.json'].find((f) => fs.existsSync(path.join(dir, f)))
    throw new EmbedMapError(
      'BAD_INPUT',
      `no tokenizer.json in ${dir}`,
      legacy
        ? `the folder has ${legacy} (a slow tokenizer): write tokenizer.json with \`AutoTokenizer.from_pretrained(DIR).save_pretrained(DIR)\` in Python`
        : 'copy tokenizer.json (and tokenizer_config.json) from the model repository into the folder',
      { dir },
    )
  }
  const tokenizerConfigFile = path.join(dir, 'tokenizer_config.json')
  const tokenizerConfig = readJsonIfExists(tokenizerConfigFile)

  // sentence-transformers files
  const st = readSentenceTransformers(dir, warnings)

  // pooling
  let pooling: Pooling
  let poolingSource: SettingSource
  if (opts.pooling) [pooling, poolingSource] = [opts.pooling, 'option']
  else if (st.pooling) [pooling, poolingSource] = [st.pooling, 'sentence-transformers']
  else if (catalog) [pooling, poolingSource] = [catalog.pooling, 'catalog']
  else [pooling, poolingSource] = ['mean', 'default']
  if (catalog && st.pooling && st.pooling !== catalog.pooling)
    warnings.push(`pooling: the folder's sentence-transformers files say ${st.pooling}, the catalog says ${catalog.pooling}; using ${pooling}`)

  // normalize
  let normalize: boolean
  let normalizeSource: SettingSource
  if (opts.normalize !== undefined) [normalize, normalizeSource] = [opts.normalize, 'option']
  else if (st.normalize) [normalize, normalizeSource] = [true, 'sentence-transformers']
  else if (catalog) [normalize, normalizeSource] = [catalog.normalize, 'catalog']
  else [normalize, normalizeSource] = [true, 'default']

  // max length
  const modelType = typeof configJson?.model_type === 'string' ? configJson.model_type : ''
  const positions = typeof configJson?.max_position_embeddings === 'number' ? configJson.max_position_embeddings : undefined
  // RoBERTa-family models reserve padding_idx + 1 positions.
  const maxPositions = positions !== undefined ? (/roberta|camembert|xlm/i.test(modelType) ? positions - 2 : positions) : undefined
  const tokMax = typeof tokenizerConfig?.model_max_length === 'number' && tokenizerConfig.model_max_length < 1e6 ? tokenizerConfig.model_max_length : undefined
  let maxLength: number
  let maxLengthSource: SettingSource
  if (opts.maxLength !== undefined) {
    if (!Number.isInteger(opts.maxLength) || opts.maxLength < 2)
      throw new EmbedMapError('BAD_INPUT', `maxLength must be an integer ≥ 2, got ${opts.maxLength}`, 'use e.g. 256 or 512')
    ;[maxLength, maxLengthSource] = [opts.maxLength, 'option']
  } else if (catalog?.defaultMaxLength) [maxLength, maxLengthSource] = [catalog.defaultMaxLength, 'catalog']
  else if (st.maxSeqLength) [maxLength, maxLengthSource] = [st.maxSeqLength, 'sentence-transformers']
  else if (catalog) [maxLength, maxLengthSource] = [catalog.maxLength, 'catalog']
  else if (tokMax) [maxLength, maxLengthSource] = [tokMax, 'tokenizer']
  else if (maxPositions) [maxLength, maxLengthSource] = [maxPositions, 'config']
  else [maxLength, maxLengthSource] = [512, 'default']
  if (maxPositions && maxLength > maxPositions) {
    if (opts.maxLength !== undefined) warnings.push(`maxLength ${opts.maxLength} is more than the model's ${maxPositions} positions; using ${maxPositions}`)
    maxLength = maxPositions
  }

  // prefixes
  let prefixes: Prefixes
  let prefixSource: SettingSource
  if (catalog) [prefixes, prefixSource] = [{ ...catalog.prefixes }, 'catalog']
  else if (st.prompts) [prefixes, prefixSource] = [st.prompts, 'sentence-transformers']
  else [prefixes, prefixSource] = [{ query: '', passage: '' }, 'default']

  const hidden = typeof configJson?.hidden_size === 'number' ? configJson.hidden_size : typeof configJson?.n_embd === 'number' ? configJson.n_embd : undefined
  const expectedDims = st.dims ?? catalog?.dims ?? hidden

  return {
    id: catalog?.id ?? path.basename(dir),
    displayName: catalog?.displayName ?? path.basename(dir),
    dir,
    catalog,
    variant,
    onnx: available[variant]!,
    available,
    tokenizerFile,
    tokenizerConfigFile: fs.existsSync(tokenizerConfigFile) ? tokenizerConfigFile : undefined,
    pooling,
    normalize,
    maxLength,
    maxPositions,
    expectedDims,
    prefixes,
    matryoshkaDims: catalog?.matryoshkaDims ?? markerMatryoshkaDims(dir),
    matryoshkaLayerNorm: catalog?.matryoshkaLayerNorm ?? false,
    configVocabSize: typeof configJson?.vocab_size === 'number' ? configJson.vocab_size : undefined,
    extraModules: st.extraModules,
    sources: { pooling: poolingSource, normalize: normalizeSource, maxLength: maxLengthSource, prefixes: prefixSource },
    warnings,
  }
}

/** The ONNX files of each variant in a folder. */
export function findOnnxVariants(dir: string): Partial<Record<Variant, OnnxVariantFile>> {
  const out: Partial<Record<Variant, OnnxVariantFile>> = {}
  for (const v of VARIANTS) {
    for (const rel of VARIANT_CANDIDATES[v]) {
      const file = path.join(dir, rel)
      if (isFile(file)) {
        out[v] = { file, externalData: externalDataFiles(file) }
        break
      }
    }
  }
  if (Object.keys(out).length === 0) {
    // Any other single .onnx (model_optimized.onnx, …) counts as fp32.
    for (const sub of ['', 'onnx']) {
      const d = path.join(dir, sub)
      if (!isDir(d)) continue
      const other = fs
        .readdirSync(d)
        .filter((f) => f.endsWith('.onnx'))
        .sort()
      if (other.length > 0) {
        const file = path.join(d, other[0])
        out.fp32 = { file, externalData: externalDataFiles(file) }
        break
      }
    }
  }
  return out
}

function externalDataFiles(file: string): string[] {
  return [`${file}_data`, `${file}.data`].filter(isFile)
}

function matchCatalog(dir: string, catalogId: string | undefined, configJson: Record<string, unknown> | undefined): CatalogModel | undefined {
  if (catalogId) return getCatalogModel(catalogId)
  // Written by downloadModel (id, hfRepo) or by the model-fixture scripts (id, upstream).
  const marker = readJsonIfExists(path.join(dir, MODEL_MARKER))
  if (typeof marker?.id === 'string') {
    const m = findCatalogModel(marker.id)
    if (m) return m
  }
  for (const key of ['hfRepo', 'upstream', 'sourceRepo'] as const) {
    const repo = marker?.[key]
    const m = typeof repo === 'string' ? findCatalogModelByRepo(repo) : undefined
    if (m) return m
  }
  const byName = findCatalogModel(path.basename(dir))
  if (byName) return byName
  const nameOrPath = configJson?._name_or_path
  if (typeof nameOrPath === 'string') return findCatalogModelByRepo(nameOrPath)
  return undefined
}

/** Matryoshka dims a fine-tuned model was trained for, from its lineage (finetune/lineage.ts writes them). */
function markerMatryoshkaDims(dir: string): number[] | undefined {
  const dims = readJsonIfExists(path.join(dir, MODEL_MARKER))?.matryoshkaDims
  return Array.isArray(dims) && dims.length > 0 && dims.every((d) => Number.isInteger(d) && d > 0) ? (dims as number[]) : undefined
}

interface SentenceTransformersInfo {
  pooling?: Pooling
  normalize?: boolean
  maxSeqLength?: number
  dims?: number
  prompts?: Prefixes
  extraModules: string[]
}

function readSentenceTransformers(dir: string, warnings: string[]): SentenceTransformersInfo {
  const info: SentenceTransformersInfo = { extraModules: [] }
  const modules = readJsonIfExists(path.join(dir, 'modules.json')) as unknown
  // Every module's folder, not only the pooling one: none may point outside the model folder.
  if (Array.isArray(modules)) {
    for (const m of modules as Array<{ path?: unknown }>) {
      if (typeof m?.path === 'string' && m.path !== '') containedPath(dir, dir, m.path, path.join(dir, 'modules.json'), 'the module folder')
    }
  }
  let poolingDir = path.join(dir, '1_Pooling')
  if (Array.isArray(modules)) {
    let afterPooling = false
    for (const m of modules as Array<{ type?: string; path?: string }>) {
      const type = String(m.type ?? '')
      if (type.endsWith('.Pooling')) {
        poolingDir =
          typeof m.path === 'string' && m.path !== ''
            ? containedPath(dir, dir, m.path, path.join(dir, 'modules.json'), 'the pooling module folder')
            : path.join(dir, m.path ?? '1_Pooling')
        afterPooling = true
      } else if (type.endsWith('.Normalize')) info.normalize = true
      else if (afterPooling && !type.endsWith('.Transformer')) info.extraModules.push(type.split('.').pop() ?? type)
    }
  }
  const pc = readJsonIfExists(containedPath(dir, poolingDir, 'config.json', path.join(dir, 'modules.json'), 'the pooling config'))
  if (pc) {
    if (pc.pooling_mode_cls_token) info.pooling = 'cls'
    else if (pc.pooling_mode_lasttoken) info.pooling = 'last_token'
    else if (pc.pooling_mode_mean_tokens) info.pooling = 'mean'
    else if (pc.pooling_mode_max_tokens) info.pooling = 'max'
    else warnings.push(`${path.join(poolingDir, 'config.json')}: unsupported pooling mode; using another source`)
    if (typeof pc.word_embedding_dimension === 'number') info.dims = pc.word_embedding_dimension
    if (pc.include_prompt === false) warnings.push('the model excludes prompt tokens from pooling (include_prompt=false); EmbedMap pools over them')
  }
  const sbc = readJsonIfExists(path.join(dir, 'sentence_bert_config.json'))
  if (typeof sbc?.max_seq_length === 'number' && sbc.max_seq_length > 0) info.maxSeqLength = sbc.max_seq_length
  const cst = readJsonIfExists(path.join(dir, 'config_sentence_transformers.json'))
  const prompts = cst?.prompts as Record<string, unknown> | undefined
  if (prompts && typeof prompts === 'object') {
    const str = (k: string) => (typeof prompts[k] === 'string' ? (prompts[k] as string) : undefined)
    const query = str('query') ?? str('search_query') ?? ''
    const passage = str('passage') ?? str('document') ?? str('search_document') ?? ''
    const clustering = str('clustering')
    if (query || passage || clustering) info.prompts = { query, passage, ...(clustering !== undefined ? { clustering } : {}) }
  }
  return info
}

/**
 * Checks that the tokenizer belongs to the model: every id it can produce must index a row of the
 * graph's word-embedding table (or be < config.json vocab_size when the graph does not show it).
 */
export function checkVocabulary(model: ResolvedModelFolder, tok: TextTokenizer, scan: OnnxScan | undefined, idsInput = 'input_ids'): void {
  const rows = scan ? embeddingRows(scan, idsInput) : undefined
  const limit = rows ?? model.configVocabSize
  const where =
    rows !== undefined ? `the embedding table in ${path.basename(model.onnx.file)} has ${rows} rows` : `config.json says vocab_size ${model.configVocabSize}`
  if (limit !== undefined && tok.maxTokenId >= limit) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `the tokenizer in ${model.dir} does not match the model: it makes token ids up to ${tok.maxTokenId}, but ${where}`,
      'tokenizer.json must come from the same model as the .onnx file: copy both from one repository',
      { dir: model.dir, maxTokenId: tok.maxTokenId, rows: limit },
    )
  }
  if (rows !== undefined && tok.vocabSize < rows * 0.8) {
    model.warnings.push(`the tokenizer has ${tok.vocabSize} tokens but the model's embedding table has ${rows} rows: they may come from different models`)
  }
}

// ---------------------------------------------------------------------------------------------
// Model version: a content hash of the weights, so stored vectors are keyed by the exact model.

/** sha256 (hex) of the ONNX file, or of the file hashes joined when weights are split over several files. */
export async function modelVersion(onnx: OnnxVariantFile): Promise<string> {
  const files = [onnx.file, ...onnx.externalData]
  const hashes: string[] = []
  for (const f of files) hashes.push(await fileSha256Cached(f))
  if (hashes.length === 1) return hashes[0]
  return crypto.createHash('sha256').update(hashes.join('\n')).digest('hex')
}

interface HashSidecar {
  file: string
  size: number
  mtimeMs: number
  sha256: string
}

function hashCacheFile(realFile: string): string {
  const key = crypto.createHash('sha256').update(realFile).digest('hex').slice(0, 32)
  return path.join(cacheDir(), 'model-hashes', `${key}.json`)
}

/**
 * sha256 of a file, computed once and cached in cacheDir()/model-hashes/ keyed by path, size and
 * mtime (model folders may be read-only, so nothing is written beside the model).
 */
export async function fileSha256Cached(file: string): Promise<string> {
  const real = fs.realpathSync(file)
  const st = fs.statSync(real)
  let cached: HashSidecar | undefined
  try {
    cached = JSON.parse(fs.readFileSync(hashCacheFile(real), 'utf8')) as HashSidecar
  } catch {
    cached = undefined
  }
  if (cached && cached.file === real && cached.size === st.size && cached.mtimeMs === st.mtimeMs && /^[0-9a-f]{64}$/.test(cached.sha256)) return cached.sha256
  const sha256 = await fileSha256(real)
  rememberFileSha256(real, sha256, st)
  return sha256
}

/** Stores a hash already known (e.g. computed while downloading). Best effort. */
export function rememberFileSha256(file: string, sha256: string, st: fs.Stats = fs.statSync(file)): void {
  const real = fs.realpathSync(file)
  const cache = hashCacheFile(real)
  try {
    fs.mkdirSync(path.dirname(cache), { recursive: true })
    const tmp = `${cache}.${process.pid}.tmp`
    fs.writeFileSync(tmp, JSON.stringify({ file: real, size: st.size, mtimeMs: st.mtimeMs, sha256 } satisfies HashSidecar))
    fs.renameSync(tmp, cache)
  } catch {
    // an unwritable cache only costs a re-hash next time
  }
}

export function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash('sha256')
    fs.createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')))
  })
}

function readJsonIfExists(file: string): Record<string, unknown> | undefined {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch (err) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `${file} is not valid JSON: ${(err as Error).message}`,
      'the file may be incomplete: download the model again or fix the file',
      { file },
    )
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile()
  } catch {
    return false
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}

/**
 * onnxruntime reads a tensor's external data from the `location` the ONNX file names, relative to the file: it must
 * stay inside the model folder. (onnxruntime refuses some escapes itself, with a misleading error; we say which.)
 */
function checkExternalData(dir: string, onnxFile: string): void {
  const scan = tryScanOnnx(onnxFile)
  for (const location of new Set(scan?.externalLocations ?? [])) containedPath(dir, path.dirname(onnxFile), location, onnxFile, 'external tensor data at')
}

/** Reads the graph structure, or undefined when the file cannot be parsed (the session will say why). */
export function tryScanOnnx(file: string): OnnxScan | undefined {
  try {
    return scanOnnx(file)
  } catch {
    return undefined
  }
}
