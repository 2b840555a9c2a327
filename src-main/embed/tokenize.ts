/**
 * Tokenization over @huggingface/tokenizers (pure JS, same ids as the Rust `tokenizers`).
 *
 * The library has no truncation or padding options, so this module does both the way
 * `transformers` does with `truncation=True, padding=True`: the text's own tokens are cut to
 * `maxLength - specials`, then the post-processor's special tokens ([CLS] … [SEP], <s> … </s>,
 * … <|endoftext|>) are put back around them, and a batch is right-padded to its longest sequence.
 *
 * Very long texts are pre-cut by characters before tokenizing (tokenizing 100k characters to keep
 * 512 tokens is wasted work): the cut grows until it yields more tokens than fit, so the kept
 * tokens are exactly those of the full text.
 */
import fs from 'node:fs'
import { Tokenizer } from '@huggingface/tokenizers'
import { EmbedMapError } from '../errors'

export interface TokenizedText {
  /** Token ids including the special tokens. */
  ids: Int32Array
  /** True when the text had more tokens than fit. */
  truncated: boolean
}

export interface EncodedBatch {
  batchSize: number
  seqLen: number
  /** [batchSize × seqLen], row-major, right-padded */
  inputIds: BigInt64Array
  attentionMask: BigInt64Array
  /** All zeros (single-sequence inputs). */
  tokenTypeIds: BigInt64Array
  /** Real (unpadded) length of each row. */
  lengths: number[]
}

export interface TokenizerFiles {
  tokenizerFile: string
  tokenizerConfigFile?: string
}

/** Extra tokens beyond the budget that a pre-cut must produce before it is trusted (a cut word re-tokenizes differently). */
const CUT_MARGIN_TOKENS = 8
/** Characters per token assumed for the first pre-cut (generous: most scripts are 1–5). */
const FIRST_CUT_CHARS_PER_TOKEN = 6

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Replaces lone UTF-16 surrogates (invalid text that cannot be UTF-8 encoded) with U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD')
}

export class TextTokenizer {
  /** Ids the post-processor puts before / after a single sequence. */
  readonly prefixIds: number[]
  readonly suffixIds: number[]
  readonly padId: number
  /** Highest token id this tokenizer can produce (vocabulary and added tokens). */
  readonly maxTokenId: number
  /** Number of distinct tokens (vocabulary and added tokens). */
  readonly vocabSize: number
  /** Room for the text's own tokens. */
  readonly contentBudget: number

  private constructor(
    private readonly tok: Tokenizer,
    readonly maxLength: number,
    config: Record<string, unknown>,
    source: string,
  ) {
    const vocab = tok.get_vocab(true)
    let maxId = -1
    for (const id of vocab.values()) if (id > maxId) maxId = id
    this.maxTokenId = maxId
    this.vocabSize = vocab.size
    const template = detectTemplate(tok)
    this.prefixIds = template.prefix
    this.suffixIds = template.suffix
    this.padId = detectPadId(tok, config)
    this.contentBudget = maxLength - this.prefixIds.length - this.suffixIds.length
    if (this.contentBudget < 1) {
      throw new EmbedMapError('BAD_INPUT', `maxLength ${maxLength} leaves no room for text after the special tokens of ${source}`, 'use a larger maxLength')
    }
  }

  /** Loads tokenizer.json (+ tokenizer_config.json). BAD_INPUT when a file is unreadable or not a tokenizer. */
  static fromFiles(files: TokenizerFiles, maxLength: number): TextTokenizer {
    const json = readJson(files.tokenizerFile, 'tokenizer')
    const config = files.tokenizerConfigFile && fs.existsSync(files.tokenizerConfigFile) ? readJson(files.tokenizerConfigFile, 'tokenizer config') : {}
    return TextTokenizer.fromJson(json, config, maxLength, files.tokenizerFile)
  }

  static fromJson(json: unknown, config: Record<string, unknown>, maxLength: number, source = 'tokenizer.json'): TextTokenizer {
    if (!json || typeof json !== 'object' || !('model' in json)) {
      throw new EmbedMapError(
        'BAD_INPUT',
        `${source} is not a Hugging Face tokenizer (no "model" section)`,
        'use the tokenizer.json saved with the model (AutoTokenizer.save_pretrained writes one)',
      )
    }
    let tok: Tokenizer
    try {
      tok = new Tokenizer(json, config)
    } catch (err) {
      throw new EmbedMapError('BAD_INPUT', `cannot load the tokenizer ${source}: ${(err as Error).message}`, 'use the tokenizer.json saved with the model')
    }
    return new TextTokenizer(tok, maxLength, config, source)
  }

  /** Encodes one text: special tokens included, cut to maxLength. */
  encode(text: string): TokenizedText {
    const clean = wellFormed(text)
    const budget = this.contentBudget
    let cut = Math.max(256, budget * FIRST_CUT_CHARS_PER_TOKEN)
    let content: number[]
    let truncated: boolean
    for (;;) {
      if (clean.length <= cut) {
        content = this.contentIds(clean)
        truncated = content.length > budget
        break
      }
      content = this.contentIds(cutText(clean, cut))
      if (content.length > budget + CUT_MARGIN_TOKENS) {
        truncated = true
        break
      }
      cut *= 4
    }
    const n = Math.min(content.length, budget)
    const ids = new Int32Array(this.prefixIds.length + n + this.suffixIds.length)
    ids.set(this.prefixIds, 0)
    for (let i = 0; i < n; i++) ids[this.prefixIds.length + i] = content[i]
    ids.set(this.suffixIds, this.prefixIds.length + n)
    return { ids, truncated }
  }

  /** Token count of a text after truncation (special tokens included). */
  countTokens(text: string): number {
    return this.encode(text).ids.length
  }

  tokenToId(token: string): number | undefined {
    return this.tok.token_to_id(token)
  }

  private contentIds(text: string): number[] {
    return this.tok.encode(text, { add_special_tokens: false }).ids
  }
}

/** Right-pads encoded texts into one batch of int64 tensors' data. */
export function padBatch(items: Int32Array[], padId: number): EncodedBatch {
  const batchSize = items.length
  let seqLen = 0
  for (const ids of items) if (ids.length > seqLen) seqLen = ids.length
  const inputIds = new BigInt64Array(batchSize * seqLen)
  const attentionMask = new BigInt64Array(batchSize * seqLen)
  const pad = BigInt(padId)
  items.forEach((ids, row) => {
    const off = row * seqLen
    for (let t = 0; t < seqLen; t++) {
      if (t < ids.length) {
        inputIds[off + t] = BigInt(ids[t])
        attentionMask[off + t] = 1n
      } else {
        inputIds[off + t] = pad
      }
    }
  })
  return { batchSize, seqLen, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(batchSize * seqLen), lengths: items.map((x) => x.length) }
}

/** Cuts to at most `max` UTF-16 units: at whitespace when one is near, never inside a surrogate pair. */
function cutText(text: string, max: number): string {
  let end = max
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end -= 1
  const floor = Math.max(1, end - 64)
  for (let i = end; i > floor; i--) {
    const c = text.charCodeAt(i)
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x3000) return text.slice(0, i)
  }
  return text.slice(0, end)
}

/**
 * Finds the special tokens a single sequence gets (e.g. [CLS] … [SEP]) by encoding probe texts
 * with and without them and locating the content inside.
 */
function detectTemplate(tok: Tokenizer): { prefix: number[]; suffix: number[] } {
  for (const probe of ['hello world', 'a', 'the', '1', 'x']) {
    const bare = tok.encode(probe, { add_special_tokens: false }).ids
    const full = tok.encode(probe).ids
    if (bare.length === 0) continue
    for (let start = 0; start + bare.length <= full.length; start++) {
      let match = true
      for (let i = 0; i < bare.length; i++) {
        if (full[start + i] !== bare[i]) {
          match = false
          break
        }
      }
      if (match) return { prefix: full.slice(0, start), suffix: full.slice(start + bare.length) }
    }
  }
  // Nothing matched: assume the whole template of an empty text goes in front.
  return { prefix: tok.encode('').ids, suffix: [] }
}

function detectPadId(tok: Tokenizer, config: Record<string, unknown>): number {
  const named = config.pad_token
  const name =
    typeof named === 'string' ? named : named && typeof named === 'object' && 'content' in named ? String((named as { content: unknown }).content) : undefined
  for (const candidate of [name, '[PAD]', '<pad>', '<|endoftext|>', '<|pad|>']) {
    if (!candidate) continue
    const id = tok.token_to_id(candidate)
    if (id !== undefined) return id
  }
  return 0 // padded positions are masked out; any valid id will do
}

function readJson(file: string, what: string): Record<string, unknown> {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new EmbedMapError(
      'NOT_FOUND',
      `cannot read the ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'check the model folder',
    )
  }
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch (err) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `the ${what} file ${file} is not valid JSON: ${(err as Error).message}`,
      'the download may be incomplete: download the model again',
    )
  }
}
