import { describe, expect, it } from 'vitest'
import { sanitizeFileName } from '../../../src-main/server/upload'

describe('sanitizeFileName', () => {
  it('keeps a readable base name and nothing that could leave the folder', () => {
    expect(sanitizeFileName('news.csv')).toBe('news.csv')
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd')
    expect(sanitizeFileName('C:\\Users\\me\\data.tsv')).toBe('data.tsv')
    expect(sanitizeFileName('..')).toBe('upload.csv')
    expect(sanitizeFileName('')).toBe('upload.csv')
    expect(sanitizeFileName('.bashrc')).toBe('bashrc')
    expect(sanitizeFileName('a<b>c:d"e|f?g*.csv')).toBe('a_b_c_d_e_f_g_.csv')
    expect(sanitizeFileName('line\nbreak\u0000.csv')).toBe('line_break_.csv')
    expect(sanitizeFileName('CON.csv')).toBe('_CON.csv')
    expect(sanitizeFileName('trailing. . ')).toBe('trailing')
    expect(sanitizeFileName('新闻 标题.csv')).toBe('新闻 标题.csv')
    const long = sanitizeFileName('x'.repeat(500) + '.jsonl')
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(200)
    expect(long.endsWith('.jsonl')).toBe(true)
  })

  it('cuts a long name by UTF-8 bytes, keeping the extension and whole characters (issue 9)', () => {
    // 130 Chinese characters are 390 bytes: cutting at 120 characters (360 bytes) still broke the 255-byte limit.
    const chinese = sanitizeFileName('新'.repeat(130) + '.csv')
    expect(Buffer.byteLength(chinese)).toBeLessThanOrEqual(200)
    expect(chinese).toBe('新'.repeat(65) + '.csv')
    // Flags and family emoji are several code points each; a cut never leaves half of one.
    const emoji = sanitizeFileName('🇯🇵👨‍👩‍👧'.repeat(40) + '.tsv')
    expect(Buffer.byteLength(emoji)).toBeLessThanOrEqual(200)
    expect(emoji.endsWith('.tsv')).toBe(true)
    const stem = emoji.slice(0, -4)
    expect(stem.length % '🇯🇵👨‍👩‍👧'.length === 0 || stem.endsWith('🇯🇵')).toBe(true)
    expect('🇯🇵👨‍👩‍👧'.repeat(40).startsWith(stem)).toBe(true)
    const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(stem)].map((g) => g.segment)
    expect(graphemes.every((g) => g === '🇯🇵' || g === '👨‍👩‍👧')).toBe(true)
    expect(sanitizeFileName('é'.repeat(300))).toBe('é'.repeat(100))
  })
})
