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
    expect(long.length).toBeLessThanOrEqual(120)
    expect(long.endsWith('.jsonl')).toBe(true)
  })
})
