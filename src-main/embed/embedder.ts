/**
 * Embedder: a model folder (or a downloaded catalog model) → vectors.
 *
 *   const e = await Embedder.load('multilingual-e5-small', { device: 'auto' })
 *   const { vectors, truncated } = await e.embed(texts, { kind: 'passage' })   // vectors: n × e.info.dims
 *   await e.close()
 *
 * Texts are tokenized, sorted by token length (little padding), grouped into batches bounded by a
 * token budget (batch × seqLen) and an attention budget (batch × seqLen²), run, pooled, normalized,
 * optionally cut to Matryoshka dims, and written back in the caller's order.
 *
 * Empty texts are embedded like sentence-transformers does: the tokenizer's template alone
 * ([CLS] [SEP], plus the prefix when the kind has one) — a real, non-zero vector, the same for all
 * empty rows. Callers that want to skip empty rows should filter them out first.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import * as ort from 'onnxruntime-node'
import { EmbedMapError } from '../errors'
import { cacheDir } from '../paths'
import { findCatalogModel, findCatalogModelByRepo, getCatalogModel } from './catalog'
import { checkVocabulary, modelVersion, type ResolveOptions, resolveModelFolder, type ResolvedModelFolder, tryScanOnnx } from './model-folder'
import { checkDims, float16ToFloat32, l2NormalizeRows, pool, truncateDims } from './pooling'
import { corruptModelError, createSession, type CreatedSession } from './session'
import { padBatch, TextTokenizer } from './tokenize'
import type { Device, EmbedKind, Pooling, Prefixes, ProviderInfo, Variant } from './types'

export interface EmbedderLoadOptions extends ResolveOptions {
  device?: Device
  /** Matryoshka dims to cut vectors to (must be one the model was trained for, unless forceDims). */
  dims?: number
  forceDims?: boolean
  /** intra-op threads (default: physical cores). */
  threads?: number
  /** Max tokens per batch, batch × padded length (default 16384). */
  tokenBudget?: number
  /** Max batch × padded length² (default 4,194,304): bounds attention memory for long texts. */
  attentionBudget?: number
  /** Max texts per batch (default 64). */
  maxBatch?: number
}

export interface EmbedOptions {
  /** Which prefix/instruction the model wants in front of the text (default 'passage'). */
  kind?: EmbedKind
  signal?: AbortSignal
  onProgress?: (p: { done: number; total: number }) => void
}

export interface EmbedResult {
  /** n × dims, row i is texts[i]. */
  vectors: Float32Array
  /** How many texts were cut to maxLength tokens. */
  truncated: number
  /** Tokens run through the model (padding excluded). */
  tokens: number
}

export interface EmbedderInfo {
  id: string
  displayName: string
  dir: string
  variant: Variant
  onnxFile: string
  /** sha256 of the weights (the .onnx file, with its external data): key stored vectors by it. */
  version: string
  /** Hash of everything else that shapes a vector (tokenizer, pooling, normalize, maxLength, dims). */
  configKey: string
  /** Output vector size (after a Matryoshka cut). */
  dims: number
  /** The model's own vector size. */
  fullDims: number
  pooling: Pooling
  normalize: boolean
  maxLength: number
  prefixes: Prefixes
  matryoshkaDims?: number[]
  provider: ProviderInfo
  /** The graph's inputs, as fed. */
  inputs: string[]
  /** The graph output used: token states (pooled here) or a ready sentence embedding. */
  output: string
  outputKind: 'token_states' | 'sentence_embedding'
  threads: number
  warnings: string[]
}

/** What the Ray job's Python embedder reads from its manifest (snake_case: it is Python's side of the file). */
export interface ReplicaSpec {
  onnx_file: string
  tokenizer_file: string
  max_length: number
  pad_id: number
  prefix: string
  inputs: string[]
  int32_inputs: string[]
  output: string
  output_kind: 'token_states' | 'sentence_embedding'
  pooling: Pooling
  normalize: boolean
  full_dims: number
  dims: number
  layer_norm: boolean
  max_batch: number
  token_budget: number
  attention_budget: number
}

const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids', 'position_ids'])
const TOKEN_OUTPUT_NAMES = ['last_hidden_state', 'token_embeddings', 'hidden_states']
/** Largest share of padding tokens a batch may carry (compute spent on padding is wasted). */
const MAX_PADDING_SHARE = 0.25

/** A path to a folder, vs a catalog id: resolves where a model lives. */
export function resolveModelLocation(modelDirOrCatalogId: string): { dir: string; catalogId?: string } {
  const arg = modelDirOrCatalogId.trim()
  if (!arg) throw new EmbedMapError('BAD_INPUT', 'no model given', 'give a catalog id (e.g. multilingual-e5-small) or a model folder path')
  const looksLikePath = path.isAbsolute(arg) || arg.startsWith('.') || arg.includes('\\') || arg.startsWith('~')
  if (!looksLikePath) {
    const entry = findCatalogModel(arg) ?? (arg.includes('/') ? findCatalogModelByRepo(arg) : undefined)
    if (entry) return { dir: path.join(cacheDir(), 'models', entry.id), catalogId: entry.id }
    if (!arg.includes('/') && !fs.existsSync(arg)) getCatalogModel(arg) // throws NOT_FOUND listing the ids
  }
  return { dir: path.resolve(arg) }
}

export class Embedder {
  private chain: Promise<unknown> = Promise.resolve()
  private closed = false

  private constructor(
    private created: CreatedSession,
    private readonly model: ResolvedModelFolder,
    readonly tokenizer: TextTokenizer,
    private readonly io: { inputs: string[]; output: string; outputKind: 'token_states' | 'sentence_embedding'; int32: Set<string> },
    private readonly opts: EmbedderLoadOptions,
    private _info: EmbedderInfo,
  ) {}

  get info(): EmbedderInfo {
    return this._info
  }

  /** Loads a model from a folder path or a catalog id (looked up in cacheDir()/models/<id>/). */
  static async load(modelDirOrCatalogId: string, opts: EmbedderLoadOptions = {}): Promise<Embedder> {
    const loc = resolveModelLocation(modelDirOrCatalogId)
    if (loc.catalogId && !fs.existsSync(loc.dir)) {
      throw new EmbedMapError(
        'NOT_FOUND',
        `model ${loc.catalogId} is not downloaded (expected in ${loc.dir})`,
        `download it with \`embedmap models download ${loc.catalogId}\`, or add a local folder with \`embedmap models add DIR\``,
        {
          id: loc.catalogId,
          dir: loc.dir,
        },
      )
    }
    const model = resolveModelFolder(loc.dir, { ...opts, catalogId: opts.catalogId ?? loc.catalogId })
    const tokenizer = TextTokenizer.fromFiles(model, model.maxLength)
    const scan = tryScanOnnx(model.onnx.file)
    const created = await createSession(model.onnx.file, { device: opts.device, threads: opts.threads })
    try {
      const io = inspectGraph(created.session, model)
      checkVocabulary(model, tokenizer, scan)
      const version = await modelVersion(model.onnx)
      const placeholder: EmbedderInfo = {
        id: model.id,
        displayName: model.displayName,
        dir: model.dir,
        variant: model.variant,
        onnxFile: model.onnx.file,
        version,
        configKey: '',
        dims: 0,
        fullDims: 0,
        pooling: model.pooling,
        normalize: model.normalize,
        maxLength: model.maxLength,
        prefixes: model.prefixes,
        matryoshkaDims: model.matryoshkaDims,
        provider: created.provider,
        inputs: io.inputs,
        output: io.output,
        outputKind: io.outputKind,
        threads: created.threads,
        warnings: model.warnings,
      }
      const e = new Embedder(created, model, tokenizer, io, opts, placeholder)
      // One short run: proves the graph works end to end and tells the vector size.
      const probe = await e.runRaw(['hello'], 'none')
      const fullDims = probe.dims
      if (model.expectedDims && model.expectedDims !== fullDims) {
        model.warnings.push(`the model outputs ${fullDims}-dim vectors, its files/catalog say ${model.expectedDims}`)
      }
      const dims = checkDims(opts.dims, { fullDims, matryoshkaDims: model.matryoshkaDims, force: opts.forceDims, model: model.id })
      const tokSha = crypto.createHash('sha256').update(fs.readFileSync(model.tokenizerFile)).digest('hex')
      const configKey = crypto
        .createHash('sha256')
        .update(
          JSON.stringify({
            version,
            tokSha,
            pooling: model.pooling,
            normalize: model.normalize,
            maxLength: model.maxLength,
            dims,
            ln: model.matryoshkaLayerNorm,
            out: io.output,
          }),
        )
        .digest('hex')
        .slice(0, 16)
      e._info = { ...placeholder, dims, fullDims, configKey }
      return e
    } catch (err) {
      await created.session.release().catch(() => {})
      throw err
    }
  }

  /** Embeds texts; vectors come back in the order given. */
  embed(texts: string[], opts: EmbedOptions = {}): Promise<EmbedResult> {
    const run = this.chain.then(() => this.embedNow(texts, opts))
    this.chain = run.catch(() => {})
    return run
  }

  /**
   * Everything another runtime needs to give the same vectors as this embedder (the Ray job's onnxruntime actors):
   * model and tokenizer files, cut, padding id, prefix for the kind, graph inputs/output, pooling, normalization, dims.
   */
  replicaSpec(kind: EmbedKind): ReplicaSpec {
    const i = this.info
    return {
      onnx_file: this.model.onnx.file,
      tokenizer_file: this.model.tokenizerFile,
      max_length: this.model.maxLength,
      pad_id: this.tokenizer.padId,
      prefix: this.prefixFor(kind),
      inputs: this.io.inputs,
      int32_inputs: [...this.io.int32],
      output: this.io.output,
      output_kind: this.io.outputKind,
      pooling: this.model.pooling,
      normalize: this.model.normalize,
      full_dims: i.fullDims,
      dims: i.dims,
      layer_norm: this.model.matryoshkaLayerNorm,
      max_batch: this.opts.maxBatch ?? 64,
      token_budget: this.opts.tokenBudget ?? 16384,
      attention_budget: this.opts.attentionBudget ?? 4 * 1024 * 1024,
    }
  }

  /** Token count of a text as the model will see it (prefix and special tokens included, after truncation). */
  countTokens(text: string, kind: EmbedKind = 'passage'): number {
    return this.tokenizer.countTokens(this.prefixFor(kind) + text)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.chain
    await this.created.session.release()
  }

  private prefixFor(kind: EmbedKind): string {
    const p = this.model.prefixes
    if (kind === 'query') return p.query
    if (kind === 'passage') return p.passage
    if (kind === 'clustering') return p.clustering ?? p.passage
    return ''
  }

  private async embedNow(texts: string[], opts: EmbedOptions): Promise<EmbedResult> {
    if (this.closed) throw new EmbedMapError('INTERNAL', `embedder for ${this.info.id} is closed`)
    if (!Array.isArray(texts)) throw new EmbedMapError('BAD_INPUT', 'embed() takes an array of strings')
    const kind = opts.kind ?? 'passage'
    const dims = this.info.dims
    const fullDims = this.info.fullDims
    const raw = await this.runRaw(texts, kind, opts)
    let vectors = raw.vectors
    if (dims !== fullDims) vectors = truncateDims(vectors, fullDims, dims, { layerNorm: this.model.matryoshkaLayerNorm })
    return { vectors, truncated: raw.truncated, tokens: raw.tokens }
  }

  /** Tokenize → batches → run → pool → normalize, at the model's full dims. */
  private async runRaw(
    texts: string[],
    kind: EmbedKind,
    opts: EmbedOptions = {},
  ): Promise<{ vectors: Float32Array; dims: number; truncated: number; tokens: number }> {
    const n = texts.length
    const prefix = this.prefixFor(kind)
    const encoded: Int32Array[] = new Array(n)
    let truncated = 0
    let tokens = 0
    for (let i = 0; i < n; i++) {
      const t = texts[i]
      if (typeof t !== 'string')
        throw new EmbedMapError('BAD_INPUT', `text ${i} is not a string (${t === null ? 'null' : typeof t})`, 'pass strings; use "" for empty rows')
      const enc = this.tokenizer.encode(prefix + t)
      encoded[i] = enc.ids
      tokens += enc.ids.length
      if (enc.truncated) truncated++
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => encoded[b].length - encoded[a].length || a - b)
    const tokenBudget = this.opts.tokenBudget ?? 16384
    const attentionBudget = this.opts.attentionBudget ?? 4 * 1024 * 1024
    const maxBatch = this.opts.maxBatch ?? 64
    let dims = this.info.fullDims
    let out: Float32Array | undefined = dims ? new Float32Array(n * dims) : undefined
    let done = 0
    for (let start = 0; start < n;) {
      if (opts.signal?.aborted) throw new EmbedMapError('CANCELLED', 'embedding cancelled')
      const len = encoded[order[start]].length
      const cap = Math.max(1, Math.min(maxBatch, Math.floor(tokenBudget / len), Math.floor(attentionBudget / (len * len)), n - start))
      // Texts are sorted longest first, so every text in the batch is padded to `len`: stop before
      // padding would exceed a quarter of the batch (two 256-token rows must not drag 62 short ones to 256).
      let count = 1
      let real = len
      while (count < cap) {
        const next = encoded[order[start + count]].length
        if ((count + 1) * len - (real + next) > MAX_PADDING_SHARE * (count + 1) * len) break
        real += next
        count++
      }
      const idx = order.slice(start, start + count)
      const pooled = await this.runBatch(idx.map((i) => encoded[i]))
      if (!out) {
        dims = pooled.length / idx.length
        out = new Float32Array(n * dims)
      }
      idx.forEach((orig, row) => out!.set(pooled.subarray(row * dims, (row + 1) * dims), orig * dims))
      start += count
      done += count
      opts.onProgress?.({ done, total: n })
    }
    return { vectors: out ?? new Float32Array(0), dims, truncated, tokens }
  }

  private async runBatch(items: Int32Array[]): Promise<Float32Array> {
    const batch = padBatch(items, this.tokenizer.padId)
    const feeds: Record<string, ort.Tensor> = {}
    const shape = [batch.batchSize, batch.seqLen]
    const tensor = (name: string, data: BigInt64Array) =>
      this.io.int32.has(name)
        ? new ort.Tensor(
            'int32',
            Int32Array.from(data, (v) => Number(v)),
            shape,
          )
        : new ort.Tensor('int64', data, shape)
    for (const name of this.io.inputs) {
      if (name === 'input_ids') feeds[name] = tensor(name, batch.inputIds)
      else if (name === 'attention_mask') feeds[name] = tensor(name, batch.attentionMask)
      else if (name === 'token_type_ids') feeds[name] = tensor(name, batch.tokenTypeIds)
      else if (name === 'position_ids') {
        const pos = new BigInt64Array(batch.batchSize * batch.seqLen)
        for (let b = 0; b < batch.batchSize; b++) for (let t = 0; t < batch.seqLen; t++) pos[b * batch.seqLen + t] = BigInt(t)
        feeds[name] = tensor(name, pos)
      }
    }
    let result: ort.InferenceSession.ReturnType
    try {
      result = await this.created.session.run(feeds, [this.io.output])
    } catch (err) {
      result = await this.recover(err, feeds)
    }
    const t = result[this.io.output] as ort.Tensor
    const data = t.type === 'float16' ? float16ToFloat32(t.data as Uint16Array) : (t.data as Float32Array)
    let pooled: Float32Array
    if (this.io.outputKind === 'token_states') {
      const [b, s, h] = t.dims
      pooled = pool(data, b, s, h, batch.attentionMask, this.model.pooling)
    } else {
      pooled = Float32Array.from(data)
    }
    t.dispose?.()
    if (this.model.normalize) l2NormalizeRows(pooled, pooled.length / batch.batchSize)
    return pooled
  }

  /** A run failed: a vocabulary mismatch becomes a clear error; an accelerator failure falls back to CPU once. */
  private async recover(err: unknown, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType> {
    const msg = err instanceof Error ? err.message : String(err)
    if (/indices element out of data bounds|out of range|idx=\d+ must be within/i.test(msg)) {
      throw new EmbedMapError(
        'BAD_INPUT',
        `the tokenizer in ${this.model.dir} does not match the model: a token id is outside the embedding table (${msg.split('\n')[0]})`,
        'tokenizer.json must come from the same model as the .onnx file',
      )
    }
    if (this.created.provider.used === 'cpu') throw new EmbedMapError('INTERNAL', `running ${this.model.id} failed: ${msg.split('\n')[0]}`)
    const previous = this.created
    let cpu: CreatedSession
    try {
      cpu = await createSession(this.model.onnx.file, { device: 'cpu', threads: this.opts.threads })
    } catch (e) {
      throw e instanceof EmbedMapError ? e : corruptModelError(this.model.onnx.file, e)
    }
    this.created = {
      ...cpu,
      provider: {
        requested: previous.provider.requested,
        used: 'cpu',
        fallbackReason: `${previous.provider.used} failed while running: ${msg.split('\n')[0]}`,
      },
    }
    this._info = { ...this._info, provider: this.created.provider }
    await previous.session.release().catch(() => {})
    return this.created.session.run(feeds, [this.io.output])
  }
}

/** Chooses the inputs to feed and the output to read; BAD_INPUT when the graph is not an encoder we can run. */
function inspectGraph(
  session: ort.InferenceSession,
  model: ResolvedModelFolder,
): { inputs: string[]; output: string; outputKind: 'token_states' | 'sentence_embedding'; int32: Set<string> } {
  const file = path.basename(model.onnx.file)
  const inputs = [...session.inputNames]
  const int32 = new Set<string>()
  for (const m of session.inputMetadata) if (m.isTensor && m.type === 'int32') int32.add(m.name)
  if (!inputs.includes('input_ids')) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `${file} in ${model.dir} has no input_ids input (inputs: ${inputs.join(', ') || 'none'})`,
      'EmbedMap runs text encoders exported with input_ids / attention_mask (optimum-cli export onnx --task feature-extraction)',
    )
  }
  const unknown = inputs.filter((n) => !KNOWN_INPUTS.has(n))
  if (unknown.length > 0) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `${file} in ${model.dir} takes inputs EmbedMap cannot fill: ${unknown.join(', ')} (all inputs: ${inputs.join(', ')})`,
      'export the model for feature-extraction without past key/values (optimum-cli export onnx --task feature-extraction)',
    )
  }
  if (!inputs.includes('attention_mask')) model.warnings.push('the graph takes no attention_mask: padding may change vectors')
  const outs = session.outputMetadata
  const meta = (name: string) => outs.find((o) => o.name === name)
  const rank = (name: string) => {
    const m = meta(name)
    return m && m.isTensor ? m.shape.length : -1
  }
  const isFloat = (name: string) => {
    const m = meta(name)
    return !!m && m.isTensor && (m.type === 'float32' || m.type === 'float16')
  }
  const sentence = session.outputNames.find((n) => n === 'sentence_embedding' && rank(n) === 2 && isFloat(n))
  const tokenLevel = TOKEN_OUTPUT_NAMES.find((n) => rank(n) === 3 && isFloat(n)) ?? session.outputNames.find((n) => rank(n) === 3 && isFloat(n))
  if (model.extraModules.length > 0) {
    if (sentence) return { inputs, output: sentence, outputKind: 'sentence_embedding', int32 }
    throw new EmbedMapError(
      'BAD_INPUT',
      `the model in ${model.dir} has ${model.extraModules.join(', ')} layers after pooling that ${file} does not contain`,
      'export the full sentence-transformers model so the graph outputs sentence_embedding',
    )
  }
  if (tokenLevel) return { inputs, output: tokenLevel, outputKind: 'token_states', int32 }
  if (sentence) return { inputs, output: sentence, outputKind: 'sentence_embedding', int32 }
  const desc = outs.map((o) => (o.isTensor ? `${o.name} [${o.shape.join(', ')}] ${o.type}` : o.name)).join('; ')
  throw new EmbedMapError(
    'BAD_INPUT',
    `${file} in ${model.dir} has no usable output: expected token states (last_hidden_state, 3-D) or sentence_embedding (2-D); it has ${desc || 'none'}`,
    'export the encoder with optimum-cli export onnx --task feature-extraction',
  )
}
