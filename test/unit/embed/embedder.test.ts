import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Embedder } from '../../../src-main/embed/embedder'
import { EmbedMapError } from '../../../src-main/errors'
import { HIDDEN, referenceHiddenStates, type TinyWeights, VOCAB, writeTinyModel } from '../../helpers/tiny-model'
import { tmpDir } from '../../helpers/tmp'

const root = tmpDir('embedmap-embedder-')
process.env.EMBEDMAP_CACHE = path.join(root, 'cache')

const vocab = new Map(VOCAB.map((t, i) => [t, i]))
const CLS = vocab.get('[CLS]')!
const SEP = vocab.get('[SEP]')!
const id = (t: string) => {
  const v = vocab.get(t)
  if (v === undefined) throw new Error(`not in vocab: ${t}`)
  return v
}

function normalize(v: Float64Array | Float32Array): Float64Array {
  const out = Float64Array.from(v)
  const n = Math.sqrt(out.reduce((s, x) => s + x * x, 0))
  return out.map((x) => x / n)
}

/** Mean pooling computed by hand from the weights: the text alone, no padding. */
function handMean(w: TinyWeights, ids: number[], withTypes = true): Float64Array {
  const states = referenceHiddenStates(w, ids, withTypes ? ids.map(() => 0) : undefined)
  const acc = new Float64Array(HIDDEN)
  for (const s of states) for (let h = 0; h < HIDDEN; h++) acc[h] += s[h] / states.length
  return acc
}

function row(vectors: Float32Array, i: number, dims = HIDDEN): Float32Array {
  return vectors.subarray(i * dims, (i + 1) * dims)
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6) {
  expect(a.length).toBe(b.length)
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(tol)
}

function norm(v: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < v.length; i++) s += v[i] * v[i]
  return Math.sqrt(s)
}

describe('Embedder on a tiny BERT-shaped model', () => {
  const mean = writeTinyModel(path.join(root, 'mean'), { sentenceTransformers: { pooling: 'mean', normalize: true, maxSeqLength: 32 } })
  const w = mean.weights.fp32!
  let e: Embedder

  beforeAll(async () => {
    e = await Embedder.load(mean.dir, { device: 'cpu' })
  })
  afterAll(async () => {
    await e?.close()
  })

  it('reports what it loaded', () => {
    expect(e.info).toMatchObject({
      id: 'mean',
      variant: 'fp32',
      dims: HIDDEN,
      fullDims: HIDDEN,
      pooling: 'mean',
      normalize: true,
      maxLength: 32,
      inputs: ['input_ids', 'attention_mask', 'token_type_ids'],
      output: 'last_hidden_state',
      provider: { requested: 'cpu', used: 'cpu', fallbackReason: null },
    })
    expect(e.info.version).toMatch(/^[0-9a-f]{64}$/)
    expect(e.info.threads).toBeGreaterThanOrEqual(1)
  })

  it('mean pooling equals a hand computation over the same weights, normalized', async () => {
    const { vectors, truncated } = await e.embed(['Hello world!', '机器学习'])
    expect(truncated).toBe(0)
    expectClose(row(vectors, 0), normalize(handMean(w, [CLS, id('hello'), id('world'), id('!'), SEP])))
    expectClose(row(vectors, 1), normalize(handMean(w, [CLS, id('机'), id('器'), id('学'), id('习'), SEP])))
    expect(norm(row(vectors, 0))).toBeCloseTo(1, 6)
    expect(norm(row(vectors, 1))).toBeCloseTo(1, 6)
  })

  it('padding does not change a vector: alone vs batched with a longer text', async () => {
    const alone = await e.embed(['the cat'])
    const batched = await e.embed(['the cat', 'the dog sat on the mat and the cat sat on the dog , hello world'])
    expectClose(row(alone.vectors, 0), row(batched.vectors, 0), 1e-6)
  })

  it('restores the caller order after sorting by length, across many batches', async () => {
    const texts = Array.from({ length: 37 }, (_, i) =>
      i % 3 === 0 ? 'hello world '.repeat(1 + (i % 7)) : i % 3 === 1 ? 'cat' : '你好世界 '.repeat(1 + (i % 5)),
    )
    const small = await Embedder.load(mean.dir, { device: 'cpu', maxBatch: 4, tokenBudget: 64 })
    try {
      const all = await small.embed(texts)
      for (let i = 0; i < texts.length; i += 5) {
        const one = await small.embed([texts[i]])
        expectClose(row(all.vectors, i), row(one.vectors, 0), 1e-6)
      }
    } finally {
      await small.close()
    }
  })

  it('counts and cuts a 100,000-character text to maxLength', async () => {
    const long = 'hello world the cat sat on the mat . '.repeat(2800) // ~100k characters
    expect(long.length).toBeGreaterThanOrEqual(100_000)
    const t0 = performance.now()
    const { vectors, truncated } = await e.embed([long, 'short'])
    expect(performance.now() - t0).toBeLessThan(5000)
    expect(truncated).toBe(1)
    expect(e.countTokens(long)).toBe(32)
    // The kept tokens are the first 30 of the text, between [CLS] and [SEP].
    const words = 'hello world the cat sat on the mat .'.split(' ')
    const ids = [CLS, ...Array.from({ length: 30 }, (_, i) => id(words[i % words.length])), SEP]
    expectClose(row(vectors, 0), normalize(handMean(w, ids)))
  })

  it('embeds the empty text like sentence-transformers: the [CLS] [SEP] vector', async () => {
    const { vectors } = await e.embed(['', 'cat', ''])
    expectClose(row(vectors, 0), normalize(handMean(w, [CLS, SEP])))
    expectClose(row(vectors, 0), row(vectors, 2))
    expect(norm(row(vectors, 0))).toBeCloseTo(1, 6)
  })

  it('survives emoji, control characters, lone surrogates, mixed scripts and unknown words', async () => {
    const weird = [
      '😀🎉👍🏽',
      '\u0000\u0001\u0007\u001b[31m red',
      'x\ud800y \udc00',
      'Hello 世界 мир عالم 🌍',
      '\t\n\r  ',
      'supercalifragilistic',
      '﷽'.repeat(50),
    ]
    const { vectors } = await e.embed(weird)
    expect(vectors.length).toBe(weird.length * HIDDEN)
    for (let i = 0; i < weird.length; i++) {
      expect(Number.isFinite(norm(row(vectors, i)))).toBe(true)
      expect(norm(row(vectors, i))).toBeCloseTo(1, 5)
    }
    // emoji are unknown to this vocabulary: [CLS] [UNK] [SEP]
    expectClose(row(vectors, 0), normalize(handMean(w, [CLS, id('[UNK]'), SEP])))
  })

  it('returns an empty result for no texts and rejects non-strings', async () => {
    expect((await e.embed([])).vectors.length).toBe(0)
    await expect(e.embed([42 as unknown as string])).rejects.toMatchObject({ code: 'BAD_INPUT' })
  })

  it('stops between batches when cancelled', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(e.embed(['a', 'b'], { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
  })

  it('refuses Matryoshka dims the model was not trained for, unless forced (then cut and re-normalized)', async () => {
    await expect(Embedder.load(mean.dir, { device: 'cpu', dims: 8 })).rejects.toThrow(/not trained with Matryoshka/)
    await expect(Embedder.load(mean.dir, { device: 'cpu', dims: 32 })).rejects.toThrow(/cannot give 32/)
    const cut = await Embedder.load(mean.dir, { device: 'cpu', dims: 8, forceDims: true })
    try {
      expect(cut.info.dims).toBe(8)
      expect(cut.info.fullDims).toBe(HIDDEN)
      const { vectors } = await cut.embed(['hello world'])
      expect(vectors.length).toBe(8)
      const full = handMean(w, [CLS, id('hello'), id('world'), SEP])
      expectClose(vectors, normalize(full.subarray(0, 8)))
      expect(norm(vectors)).toBeCloseTo(1, 6)
    } finally {
      await cut.close()
    }
  })

  it('records the fallback reason when CUDA is asked for on a machine without it', async () => {
    const g = await Embedder.load(mean.dir, { device: 'cuda' })
    try {
      expect(g.info.provider.requested).toBe('cuda')
      expect(g.info.provider.used).toBe('cpu')
      expect(g.info.provider.fallbackReason).toMatch(/CUDA/)
      const { vectors } = await g.embed(['cat'])
      expect(norm(vectors)).toBeCloseTo(1, 6)
    } finally {
      await g.close()
    }
  })
})

describe('pooling choices and graph shapes', () => {
  it('CLS pooling takes the first token state', async () => {
    const m = writeTinyModel(path.join(root, 'cls'), { sentenceTransformers: { pooling: 'cls', normalize: true } })
    const e = await Embedder.load(m.dir, { device: 'cpu' })
    try {
      expect(e.info.pooling).toBe('cls')
      const ids = [CLS, id('the'), id('dog'), SEP]
      const { vectors } = await e.embed(['the dog', 'hello world the cat sat on the mat'])
      expectClose(row(vectors, 0), normalize(referenceHiddenStates(m.weights.fp32!, ids, [0, 0, 0, 0])[0]))
    } finally {
      await e.close()
    }
  })

  it('last-token pooling takes the last real token even when the batch is padded', async () => {
    const m = writeTinyModel(path.join(root, 'last'), { sentenceTransformers: { pooling: 'last_token', normalize: false } })
    // No Normalize module in modules.json: EmbedMap still normalizes by default (cosine everywhere);
    // normalize: false gives the raw pooled state.
    const normalized = await Embedder.load(m.dir, { device: 'cpu' })
    expect(normalized.info.normalize).toBe(true)
    await normalized.close()
    const e = await Embedder.load(m.dir, { device: 'cpu', normalize: false })
    try {
      expect(e.info.normalize).toBe(false)
      const ids = [CLS, id('the'), id('dog'), SEP]
      const { vectors } = await e.embed(['the dog', 'hello world the cat sat on the mat'])
      expectClose(row(vectors, 0), referenceHiddenStates(m.weights.fp32!, ids, [0, 0, 0, 0])[3])
    } finally {
      await e.close()
    }
  })

  it('feeds token_type_ids only when the graph takes it', async () => {
    const m = writeTinyModel(path.join(root, 'notypes'), { tokenTypeIds: false })
    const e = await Embedder.load(m.dir, { device: 'cpu' })
    try {
      expect(e.info.inputs).toEqual(['input_ids', 'attention_mask'])
      expect(e.info.pooling).toBe('mean') // no sentence-transformers files, not in the catalog: the default
      const { vectors } = await e.embed(['hello'])
      expectClose(vectors, normalize(handMean(m.weights.fp32!, [CLS, id('hello'), SEP], false)))
    } finally {
      await e.close()
    }
  })

  it('uses a ready sentence_embedding output when the graph has no token states', async () => {
    const m = writeTinyModel(path.join(root, 'pooled'), { output: 'sentence_embedding' })
    const e = await Embedder.load(m.dir, { device: 'cpu' })
    try {
      expect(e.info.output).toBe('sentence_embedding')
      expect(e.info.outputKind).toBe('sentence_embedding')
      const { vectors } = await e.embed(['hello world', 'cat'])
      expectClose(row(vectors, 0), normalize(handMean(m.weights.fp32!, [CLS, id('hello'), id('world'), SEP])))
    } finally {
      await e.close()
    }
  })

  it('picks the variant asked for and keys the version by its weights', async () => {
    const m = writeTinyModel(path.join(root, 'xenova'), { layout: 'onnx', variants: ['fp32', 'int8', 'fp16'] })
    const a = await Embedder.load(m.dir, { device: 'cpu' })
    const b = await Embedder.load(m.dir, { device: 'cpu', variant: 'int8' })
    try {
      expect(a.info.variant).toBe('fp32')
      expect(a.info.onnxFile).toBe(m.onnxFiles.fp32)
      expect(b.info.variant).toBe('int8')
      expect(b.info.onnxFile.endsWith(path.join('onnx', 'model_quantized.onnx'))).toBe(true)
      expect(a.info.version).not.toBe(b.info.version)
      const { vectors } = await b.embed(['cat'])
      expectClose(vectors, normalize(handMean(m.weights.int8!, [CLS, id('cat'), SEP])))
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('applies the catalog prefixes per kind (E5: query: / passage:)', async () => {
    const m = writeTinyModel(path.join(root, 'e5like'))
    // Vocabulary has 'query', ':' and 'passage', so the prefixed texts are fully known tokens.
    const e = await Embedder.load(m.dir, { device: 'cpu', catalogId: 'multilingual-e5-small' })
    try {
      expect(e.info.prefixes).toMatchObject({ query: 'query: ', passage: 'passage: ' })
      const q = await e.embed(['cat'], { kind: 'query' })
      const p = await e.embed(['cat'], { kind: 'passage' })
      const c = await e.embed(['cat'], { kind: 'clustering' })
      const raw = await e.embed(['cat'], { kind: 'none' })
      const w = m.weights.fp32!
      expectClose(q.vectors, normalize(handMean(w, [CLS, id('query'), id(':'), id('cat'), SEP])))
      expectClose(p.vectors, normalize(handMean(w, [CLS, id('passage'), id(':'), id('cat'), SEP])))
      expectClose(c.vectors, q.vectors) // E5: "query: " for symmetric tasks
      expectClose(raw.vectors, normalize(handMean(w, [CLS, id('cat'), SEP])))
    } finally {
      await e.close()
    }
  })
})

describe('load errors', () => {
  const expectError = async (p: Promise<unknown>, code: string, re: RegExp) => {
    const err = await p.then(
      () => undefined,
      (x: unknown) => x,
    )
    expect(err).toBeInstanceOf(EmbedMapError)
    expect((err as EmbedMapError).code).toBe(code)
    expect((err as EmbedMapError).message).toMatch(re)
    expect((err as EmbedMapError).hint).toBeTruthy()
  }

  it('a corrupt .onnx file', async () => {
    const m = writeTinyModel(path.join(root, 'corrupt'))
    fs.writeFileSync(m.onnxFiles.fp32!, Buffer.from('this is not a protobuf at all, just text pretending to be a model'))
    await expectError(Embedder.load(m.dir, { device: 'cpu' }), 'BAD_INPUT', /cannot load the ONNX model .*model\.onnx/)
  })

  it('a Git LFS pointer instead of the model', async () => {
    const m = writeTinyModel(path.join(root, 'lfs'))
    fs.writeFileSync(
      m.onnxFiles.fp32!,
      'version https://git-lfs.github.com/spec/v1\noid sha256:0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39\nsize 470216568\n',
    )
    await expectError(Embedder.load(m.dir, { device: 'cpu' }), 'BAD_INPUT', /Git LFS pointer/)
  })

  it('a truncated .onnx file (half a download)', async () => {
    const m = writeTinyModel(path.join(root, 'halfonnx'))
    const bytes = fs.readFileSync(m.onnxFiles.fp32!)
    fs.writeFileSync(m.onnxFiles.fp32!, bytes.subarray(0, Math.floor(bytes.length / 2)))
    await expectError(Embedder.load(m.dir, { device: 'cpu' }), 'BAD_INPUT', /cannot load the ONNX model/)
  })

  it('a tokenizer whose ids do not fit the embedding table', async () => {
    const m = writeTinyModel(path.join(root, 'mismatch'), { vocabRows: 60 })
    await expectError(
      Embedder.load(m.dir, { device: 'cpu' }),
      'BAD_INPUT',
      /tokenizer .* does not match the model: it makes token ids up to 94, but the embedding table in model\.onnx has 60 rows/,
    )
  })

  it('a graph with no token-level and no sentence_embedding output', async () => {
    const m = writeTinyModel(path.join(root, 'badout'), { output: 'bad' })
    await expectError(Embedder.load(m.dir, { device: 'cpu' }), 'BAD_INPUT', /no usable output.*logits/)
  })

  it('an unknown catalog id, and a catalog model that is not downloaded', async () => {
    await expectError(Embedder.load('no-such-model'), 'NOT_FOUND', /no model "no-such-model" in the catalog/)
    await expectError(Embedder.load('bge-m3'), 'NOT_FOUND', /bge-m3 is not downloaded/)
  })

  it('a missing variant', async () => {
    const m = writeTinyModel(path.join(root, 'onlyfp32'))
    await expectError(Embedder.load(m.dir, { variant: 'fp16' }), 'BAD_INPUT', /has no fp16 ONNX file/)
  })
})
