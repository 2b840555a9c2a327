import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { detectLanguage, rowLanguage } from '../../../src-main/engine/detect-language'
import { sharedData } from '../../helpers/tmp'

const texts = (dir: string, file: string, n: number) =>
  (parse(fs.readFileSync(path.join(sharedData, dir, file)), { columns: true }) as Record<string, string>[]).slice(0, n).map((r) => r.text)

describe('dataset language', () => {
  const en = texts('en_ag_news_test', 'ag_news_test.csv', 54)
  const zh = texts('zh_thucnews_titles', 'thucnews_titles_test.csv', 46)

  it('one language: en for AG News, zh for THUCNews', () => {
    expect(detectLanguage(en)).toBe('en')
    expect(detectLanguage(zh)).toBe('zh')
  })

  it('46 % short Chinese rows among long English ones is multilingual, not "en"', () => {
    expect(detectLanguage([...en, ...zh])).toBe('multilingual')
    // a stray foreign row or two does not make a set multilingual
    expect(detectLanguage([...en, ...zh.slice(0, 2)])).toBe('en')
  })

  it('per row: script decides; Japanese kana outweigh shared kanji; no letters, no language', () => {
    expect(rowLanguage('Oil prices rise')).toBe('en')
    expect(rowLanguage('油价上涨')).toBe('zh')
    expect(rowLanguage('東京でラーメンを食べました')).toBe('ja')
    expect(rowLanguage('12 34 !!')).toBeNull()
  })
})
