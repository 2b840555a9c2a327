import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { countLineBreaks, createChunkDecoder, detectBom, firstInvalidUtf8, InvalidBytesError, normalizeEncoding } from '../../../src-main/import/decode'

const SAMPLE = 'id,text\n1,Café 中文 東京タワー 서울 🚀 “q”\r\n2,end\n'

describe('chunk decoders', () => {
  for (const enc of ['utf-8', 'utf-16le', 'utf-16be', 'gb18030', 'shift_jis', 'euc-kr', 'big5']) {
    it(`${enc}: one byte at a time gives the same text as all at once`, () => {
      const text =
        enc === 'shift_jis'
          ? SAMPLE.replace(/[^\x00-\x7f東京タワー]/g, '')
          : enc === 'euc-kr'
            ? SAMPLE.replace(/[^\x00-\x7f서울]/g, '')
            : enc === 'big5'
              ? SAMPLE.replace(/[^\x00-\x7f東京中文]/g, '')
              : SAMPLE
      const bytes = enc === 'utf-8' ? Buffer.from(text) : iconv.encode(text, enc)
      const dec = createChunkDecoder(enc)
      let out = ''
      for (let i = 0; i < bytes.length; i++) out += dec.write(bytes.subarray(i, i + 1))
      out += dec.end()
      expect(out).toBe(text)
    })
  }

  it('utf-8: an invalid byte throws with the text before it (for the line number)', () => {
    const dec = createChunkDecoder('utf-8')
    expect(dec.write(Buffer.from('a\nb\n'))).toBe('a\nb\n')
    let err: unknown
    try {
      dec.write(Buffer.concat([Buffer.from('x\ny'), Buffer.from([0xc3, 0x28]), Buffer.from('z')]))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InvalidBytesError)
    expect((err as InvalidBytesError).textBefore).toBe('x\ny')
    expect((err as InvalidBytesError).byteOffset).toBe(3)
  })

  it('utf-8: a sequence cut off by the end of the file is invalid', () => {
    const dec = createChunkDecoder('utf-8')
    expect(dec.write(Buffer.from([0x61, 0xe4, 0xb8]))).toBe('a')
    expect(() => dec.end()).toThrow(InvalidBytesError)
  })

  it('gb18030: an invalid pair throws', () => {
    const dec = createChunkDecoder('gb18030')
    expect(() => dec.write(Buffer.from([0x61, 0x0a, 0x81, 0x20]))).toThrow(InvalidBytesError)
  })
})

describe('helpers', () => {
  it('firstInvalidUtf8 finds overlongs, surrogates, stray continuation bytes', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo'))).toBe(6)
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1) // overlong
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1) // surrogate
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0x80]))).toBe(2) // stray continuation
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe4, 0xb8]))).toBe(1)
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe4, 0xb8]), true)).toBe(3)
  })

  it('normalizeEncoding maps common labels to iconv-lite ones', () => {
    expect(
      [
        'UTF8',
        'utf-8',
        'GBK',
        'gb2312',
        'GB18030',
        'Big5',
        'Shift_JIS',
        'sjis',
        'EUC-KR',
        'latin1',
        'ISO-8859-1',
        'cp1252',
        'UTF-16',
        'utf16be',
        'koi8-r',
        'nope',
      ].map(normalizeEncoding),
    ).toEqual([
      'utf-8',
      'utf-8',
      'gb18030',
      'gb18030',
      'gb18030',
      'big5',
      'shift_jis',
      'shift_jis',
      'euc-kr',
      'windows-1252',
      'windows-1252',
      'windows-1252',
      'utf-16le',
      'utf-16be',
      'koi8-r',
      undefined,
    ])
  })

  it('detectBom and countLineBreaks', () => {
    expect(detectBom(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: 'utf-8', length: 3 })
    expect(detectBom(Buffer.from([0xff, 0xfe, 0x61, 0]))).toEqual({ encoding: 'utf-16le', length: 2 })
    expect(detectBom(Buffer.from([0xfe, 0xff, 0, 0x61]))).toEqual({ encoding: 'utf-16be', length: 2 })
    expect(detectBom(Buffer.from('abc'))).toBeUndefined()
    expect(countLineBreaks('a\nb\r\nc\rd')).toBe(3)
  })
})
