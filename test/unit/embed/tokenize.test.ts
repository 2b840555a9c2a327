import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { padBatch, TextTokenizer, wellFormed } from '../../../src-main/embed/tokenize'
import { tokenizerJson, VOCAB, writeTinyModel } from '../../helpers/tiny-model'
import { tmpDir } from '../../helpers/tmp'

const root = tmpDir('embedmap-tok-')
const model = writeTinyModel(path.join(root, 'm'))
const files = { tokenizerFile: path.join(model.dir, 'tokenizer.json'), tokenizerConfigFile: path.join(model.dir, 'tokenizer_config.json') }
const id = (t: string) => VOCAB.indexOf(t)

describe('TextTokenizer', () => {
  const tok = TextTokenizer.fromFiles(files, 16)

  it('finds the special-token template and the pad id', () => {
    expect(tok.prefixIds).toEqual([id('[CLS]')])
    expect(tok.suffixIds).toEqual([id('[SEP]')])
    expect(tok.padId).toBe(id('[PAD]'))
    expect(tok.maxTokenId).toBe(VOCAB.length - 1)
    expect(tok.contentBudget).toBe(14)
  })

  it('gives the WordPiece ids the vocabulary implies (lower-casing, word pieces, CJK split, unknowns)', () => {
    expect(Array.from(tok.encode('Hello, World!').ids)).toEqual([id('[CLS]'), id('hello'), id(','), id('world'), id('!'), id('[SEP]')])
    expect(Array.from(tok.encode('cats jumping').ids)).toEqual([id('[CLS]'), id('cat'), id('##s'), id('[UNK]'), id('[SEP]')])
    expect(Array.from(tok.encode('机器学习的数据').ids)).toEqual([id('[CLS]'), ...'机器学习的数据'.split('').map(id), id('[SEP]')])
    expect(Array.from(tok.encode('').ids)).toEqual([id('[CLS]'), id('[SEP]')])
    expect(tok.encode('hello').truncated).toBe(false)
  })

  it('truncates the text tokens, keeps [SEP], and says so', () => {
    const r = tok.encode('a b c d e i o u n s t x y z b c d e')
    expect(r.truncated).toBe(true)
    expect(r.ids.length).toBe(16)
    expect(r.ids[0]).toBe(id('[CLS]'))
    expect(r.ids[15]).toBe(id('[SEP]'))
    expect(Array.from(r.ids.slice(1, 15))).toEqual('a b c d e i o u n s t x y z'.split(' ').map(id))
  })

  it('cuts a 100,000-character text quickly and keeps exactly the first tokens', () => {
    const words = ['hello', 'world', 'the', 'cat']
    const long = Array.from({ length: 25_000 }, (_, i) => words[i % 4]).join(' ')
    expect(long.length).toBeGreaterThan(100_000)
    const t0 = performance.now()
    const r = tok.encode(long)
    const ms = performance.now() - t0
    expect(ms).toBeLessThan(500)
    expect(r.truncated).toBe(true)
    expect(Array.from(r.ids.slice(1, 15))).toEqual(Array.from({ length: 14 }, (_, i) => id(words[i % 4])))
    // 100k characters of CJK with no spaces
    const cjk = '机器学习'.repeat(25_000)
    const r2 = tok.encode(cjk)
    expect(r2.truncated).toBe(true)
    expect(Array.from(r2.ids.slice(1, 5))).toEqual(['机', '器', '学', '习'].map(id))
    // a 100k-character "word" is one [UNK] for WordPiece: not truncated
    expect(Array.from(tok.encode('q'.repeat(100_000)).ids)).toEqual([id('[CLS]'), id('[UNK]'), id('[SEP]')])
  })

  it('does not cut inside a surrogate pair and repairs lone surrogates', () => {
    expect(wellFormed('a\ud800b')).toBe('a\ufffdb')
    expect(wellFormed('😀')).toBe('😀')
    const emoji = '😀'.repeat(60_000)
    const r = tok.encode(emoji)
    expect(Array.from(r.ids)).toEqual([id('[CLS]'), id('[UNK]'), id('[SEP]')])
    expect(() => tok.encode('\u0000\u0001\u001f\u007f\u200b\ufeff')).not.toThrow()
  })

  it('pads a batch on the right with a mask, and token types of 0', () => {
    const a = tok.encode('hello').ids
    const b = tok.encode('hello world the cat').ids
    const batch = padBatch([a, b], tok.padId)
    expect(batch.batchSize).toBe(2)
    expect(batch.seqLen).toBe(6)
    expect(batch.lengths).toEqual([3, 6])
    expect(Array.from(batch.inputIds.slice(0, 6), Number)).toEqual([id('[CLS]'), id('hello'), id('[SEP]'), 0, 0, 0])
    expect(Array.from(batch.attentionMask.slice(0, 6), Number)).toEqual([1, 1, 1, 0, 0, 0])
    expect(Array.from(batch.attentionMask.slice(6), Number)).toEqual([1, 1, 1, 1, 1, 1])
    expect(Array.from(batch.tokenTypeIds, Number).every((x) => x === 0)).toBe(true)
    expect(batch.inputIds).toBeInstanceOf(BigInt64Array)
  })

  it('rejects files that are not tokenizers', () => {
    const bad = path.join(root, 'bad.json')
    fs.writeFileSync(bad, '{"hello": 1}')
    expect(() => TextTokenizer.fromFiles({ tokenizerFile: bad }, 16)).toThrow(/not a Hugging Face tokenizer/)
    fs.writeFileSync(bad, '{"model": ')
    expect(() => TextTokenizer.fromFiles({ tokenizerFile: bad }, 16)).toThrow(/not valid JSON/)
    expect(() => TextTokenizer.fromJson(tokenizerJson(), {}, 2)).toThrow(/no room/)
  })
})
