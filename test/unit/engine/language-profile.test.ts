import { describe, expect, it } from 'vitest'
import { languageProfile, rowLanguage } from '../../../src-main/engine/detect-language'

describe('languageProfile', () => {
  it('calls a dataset with 46 % Chinese rows multilingual, not English', () => {
    const zh = Array.from({ length: 46 }, (_, i) => `今天的股票市场下跌了百分之${i}`)
    const en = Array.from({ length: 54 }, (_, i) => `The stock market fell by ${i} percent today after a long and quiet week of trading`)
    const p = languageProfile([...zh, ...en])
    expect(p.main).toBe('multilingual')
    expect(p.shares).toEqual([
      { language: 'en', share: 0.54 },
      { language: 'zh', share: 0.46 },
    ])
  })

  it('names one language when nearly every row is in it, and judges each row by its own script', () => {
    const rows = [...Array.from({ length: 19 }, () => '我喜欢用 iPhone 拍照'), 'A short English line']
    expect(languageProfile(rows)).toEqual({
      main: 'zh',
      shares: [
        { language: 'zh', share: 0.95 },
        { language: 'en', share: 0.05 },
      ],
    })
    expect(rowLanguage('こんにちは、元気ですか')).toBe('ja')
    expect(rowLanguage('안녕하세요')).toBe('ko')
    expect(rowLanguage('12345 !!')).toBeNull()
  })
})
