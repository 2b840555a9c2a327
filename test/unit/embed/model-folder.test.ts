import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkVocabulary, fileSha256, findOnnxVariants, modelVersion, resolveModelFolder } from '../../../src-main/embed/model-folder'
import { embeddingRows, scanOnnx } from '../../../src-main/embed/onnx-scan'
import { TextTokenizer } from '../../../src-main/embed/tokenize'
import { EmbedMapError } from '../../../src-main/errors'
import { VOCAB, writeTinyModel } from '../../helpers/tiny-model'
import { tmpDir } from '../../helpers/tmp'

const root = tmpDir('embedmap-folder-')
process.env.EMBEDMAP_CACHE = path.join(root, 'cache')

function caught(fn: () => unknown): EmbedMapError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(EmbedMapError)
    return err as EmbedMapError
  }
  throw new Error('expected an error')
}

describe('resolveModelFolder: layouts', () => {
  it('reads the root layout with sentence-transformers files', () => {
    const m = writeTinyModel(path.join(root, 'st'), { variants: ['fp32', 'int8'], sentenceTransformers: { pooling: 'cls', normalize: true, maxSeqLength: 24 } })
    const r = resolveModelFolder(m.dir)
    expect(r.variant).toBe('fp32')
    expect(r.onnx.file).toBe(path.join(m.dir, 'model.onnx'))
    expect(r.available.int8?.file).toBe(path.join(m.dir, 'model_int8.onnx'))
    expect(r.pooling).toBe('cls')
    expect(r.normalize).toBe(true)
    expect(r.maxLength).toBe(24)
    expect(r.sources).toMatchObject({ pooling: 'sentence-transformers', normalize: 'sentence-transformers', maxLength: 'sentence-transformers' })
    expect(r.expectedDims).toBe(16)
    expect(r.maxPositions).toBe(64)
    expect(r.catalog).toBeUndefined()
  })

  it('reads the Xenova layout (onnx/model.onnx, model_quantized, model_fp16) and external data', () => {
    const m = writeTinyModel(path.join(root, 'xen'), { layout: 'onnx', variants: ['fp32', 'int8', 'fp16'] })
    fs.writeFileSync(path.join(m.dir, 'onnx', 'model.onnx_data'), 'weights')
    const v = findOnnxVariants(m.dir)
    expect(v.fp32).toEqual({ file: path.join(m.dir, 'onnx', 'model.onnx'), externalData: [path.join(m.dir, 'onnx', 'model.onnx_data')] })
    expect(v.int8?.file).toBe(path.join(m.dir, 'onnx', 'model_quantized.onnx'))
    expect(v.fp16?.file).toBe(path.join(m.dir, 'onnx', 'model_fp16.onnx'))
    const r = resolveModelFolder(m.dir, { variant: 'fp16' })
    expect(r.variant).toBe('fp16')
    // no sentence-transformers files and no catalog match: tokenizer_config's model_max_length, mean, normalized
    expect(r.maxLength).toBe(48)
    expect(r.sources).toMatchObject({ pooling: 'default', maxLength: 'tokenizer', normalize: 'default' })
  })

  it('takes settings from the catalog entry matched by folder name, and caps maxLength to the positions', () => {
    const m = writeTinyModel(path.join(root, 'bge-small-zh-v1.5'), { layout: 'onnx', variants: ['fp32', 'int8'] })
    const r = resolveModelFolder(m.dir)
    expect(r.catalog?.id).toBe('bge-small-zh-v1.5')
    expect(r.pooling).toBe('cls')
    expect(r.variant).toBe('fp32') // the entry's defaultVariant
    expect(r.prefixes.query).toBe('为这个句子生成表示以用于检索相关文章：')
    expect(r.prefixes.passage).toBe('')
    expect(r.maxLength).toBe(64) // catalog says 512, config.json has 64 positions
    expect(resolveModelFolder(m.dir, { maxLength: 20 }).maxLength).toBe(20)
    const over = resolveModelFolder(m.dir, { maxLength: 1000 })
    expect(over.maxLength).toBe(64)
    expect(over.warnings.join(' ')).toMatch(/64 positions/)
  })

  it('matches the catalog by config.json _name_or_path and reads sentence-transformers prompts', () => {
    const m = writeTinyModel(path.join(root, 'renamed'))
    const cfg = JSON.parse(fs.readFileSync(path.join(m.dir, 'config.json'), 'utf8'))
    fs.writeFileSync(path.join(m.dir, 'config.json'), JSON.stringify({ ...cfg, _name_or_path: 'nomic-ai/nomic-embed-text-v1.5' }))
    const r = resolveModelFolder(m.dir)
    expect(r.catalog?.id).toBe('nomic-embed-text-v1.5')
    expect(r.matryoshkaDims).toEqual([768, 512, 256, 128, 64])
    expect(r.matryoshkaLayerNorm).toBe(true)
    expect(r.prefixes.clustering).toBe('clustering: ')

    const p = writeTinyModel(path.join(root, 'prompts'))
    fs.writeFileSync(path.join(p.dir, 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 'Q: ', document: 'D: ' } }))
    expect(resolveModelFolder(p.dir).prefixes).toEqual({ query: 'Q: ', passage: 'D: ' })
  })
})

describe('resolveModelFolder: errors', () => {
  it('a missing folder', () => {
    const e = caught(() => resolveModelFolder(path.join(root, 'nope')))
    expect(e.code).toBe('NOT_FOUND')
    expect(e.message).toMatch(/model folder .*nope does not exist/)
    expect(e.hint).toMatch(/embedmap models add DIR/)
  })

  it('a file instead of a folder', () => {
    const f = path.join(root, 'file.txt')
    fs.writeFileSync(f, 'x')
    expect(caught(() => resolveModelFolder(f)).code).toBe('BAD_INPUT')
  })

  it('no .onnx (and a PyTorch checkpoint instead)', () => {
    const m = writeTinyModel(path.join(root, 'noonnx'))
    fs.rmSync(m.onnxFiles.fp32!)
    const e = caught(() => resolveModelFolder(m.dir))
    expect(e.code).toBe('BAD_INPUT')
    expect(e.message).toMatch(/no ONNX model in .*noonnx/)
    fs.writeFileSync(path.join(m.dir, 'model.safetensors'), 'x')
    expect(caught(() => resolveModelFolder(m.dir)).hint).toMatch(/optimum-cli export onnx/)
  })

  it('no tokenizer.json (and a slow tokenizer instead)', () => {
    const m = writeTinyModel(path.join(root, 'notok'), { noTokenizer: true })
    const e = caught(() => resolveModelFolder(m.dir))
    expect(e.code).toBe('BAD_INPUT')
    expect(e.message).toMatch(/no tokenizer\.json in .*notok/)
    fs.writeFileSync(path.join(m.dir, 'vocab.txt'), VOCAB.join('\n'))
    expect(caught(() => resolveModelFolder(m.dir)).hint).toMatch(/save_pretrained/)
  })

  it('a broken JSON file names the file', () => {
    const m = writeTinyModel(path.join(root, 'badjson'))
    fs.writeFileSync(path.join(m.dir, 'config.json'), '{"model_type": "bert",')
    const e = caught(() => resolveModelFolder(m.dir))
    expect(e.message).toMatch(/config\.json is not valid JSON/)
  })
})

describe('vocabulary check', () => {
  it('reads the embedding table rows from the graph without loading weights', () => {
    const m = writeTinyModel(path.join(root, 'scan'), { vocabRows: 70 })
    const scan = scanOnnx(m.onnxFiles.fp32!)
    expect(scan.initializers.get('word_embeddings')).toEqual({ dims: [70, 16], dataType: 1 })
    expect(scan.graphInputs).toEqual(['input_ids', 'attention_mask', 'token_type_ids'])
    expect(scan.graphOutputs).toEqual(['last_hidden_state'])
    expect(embeddingRows(scan)).toBe(70)
    const r = resolveModelFolder(m.dir)
    const tok = TextTokenizer.fromFiles(r, r.maxLength)
    const e = caught(() => checkVocabulary(r, tok, scan))
    expect(e.message).toMatch(/token ids up to 94, but the embedding table in model\.onnx has 70 rows/)
  })

  it('falls back to config.json vocab_size when the graph does not show the table', () => {
    const m = writeTinyModel(path.join(root, 'cfgvocab'), { configVocabSize: 50 })
    const r = resolveModelFolder(m.dir)
    const tok = TextTokenizer.fromFiles(r, r.maxLength)
    expect(caught(() => checkVocabulary(r, tok, undefined)).message).toMatch(/config\.json says vocab_size 50/)
    // the graph (95 rows) wins when it can be read
    expect(() => checkVocabulary(r, tok, scanOnnx(m.onnxFiles.fp32!))).not.toThrow()
  })

  it('warns when the tokenizer is much smaller than the table', () => {
    const m = writeTinyModel(path.join(root, 'bigtable'), { vocabRows: 400 })
    const r = resolveModelFolder(m.dir)
    checkVocabulary(r, TextTokenizer.fromFiles(r, r.maxLength), scanOnnx(m.onnxFiles.fp32!))
    expect(r.warnings.join(' ')).toMatch(/different models/)
  })

  it('a file that is not protobuf fails to scan', () => {
    const f = path.join(root, 'junk.onnx')
    fs.writeFileSync(f, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x07]))
    expect(() => scanOnnx(f)).toThrow()
  })
})

describe('model version', () => {
  it('is the sha256 of the weights, cached in a sidecar under the cache dir', async () => {
    const m = writeTinyModel(path.join(root, 'ver'))
    const r = resolveModelFolder(m.dir)
    const v = await modelVersion(r.onnx)
    expect(v).toBe(await fileSha256(m.onnxFiles.fp32!))
    const sidecars = fs.readdirSync(path.join(process.env.EMBEDMAP_CACHE!, 'model-hashes'))
    expect(sidecars.length).toBeGreaterThan(0)
    // a different file (new weights) → a different version, even at the same path
    writeTinyModel(m.dir, { seed: 999 })
    const t = new Date(Date.now() + 5000)
    fs.utimesSync(m.onnxFiles.fp32!, t, t)
    expect(await modelVersion(r.onnx)).not.toBe(v)
  })
})
