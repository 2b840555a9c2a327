import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { clusterKeywords, exemplars, tokenize } from '../../../src-main/analyze/labels'
import { normalizeRows } from '../../../src-main/analyze/common'
import { sharedData } from '../../helpers/tmp'

describe('tokenize', () => {
  it("segments Chinese into words with Node's ICU (not single characters)", () => {
    const toks = tokenize('机器学习是人工智能的子集', { stopwords: new Set() })
    expect(toks).toContain('机器')
    expect(toks).toContain('学习')
    expect(toks).toContain('人工')
    expect(toks.filter((t) => t.length >= 2).length).toBeGreaterThanOrEqual(3)
  })

  it('lower-cases Latin, drops numbers, punctuation, 1-char Latin tokens, stop words and possessives', () => {
    // 'the', 'a', 'up' are stop words; 'b' is a 1-char Latin token; 2024 and 3.5 are numbers
    expect(tokenize("The company's 2024 results: Apple & a B-plan, 3.5% up!")).toEqual(['company', 'results', 'apple', 'plan'])
  })

  it('drops Chinese stop words and builds bigrams', () => {
    expect(tokenize('我们的机器学习')).toEqual(['机器', '学习'])
    expect(tokenize('机器学习 deep learning', { bigrams: true })).toEqual(['机器', '学习', 'deep', 'learning', '机器学习', '学习 deep', 'deep learning'])
  })
})

describe('clusterKeywords (c-TF-IDF)', () => {
  it('picks the obvious English words', async () => {
    const texts = [
      'The striker scored a goal in the football match',
      'Football fans cheered the goal and the match result',
      'A late goal won the football match for the team',
      'The central bank raised interest rates again',
      'Interest rates and inflation worry the bank',
      'Bank shares fell after the interest rates decision',
    ]
    const r = await clusterKeywords(texts, Int32Array.from([0, 0, 0, 1, 1, 1]), { topN: 3 })
    expect(r).toHaveLength(2)
    expect(new Set(r[0].keywords.map((k) => k.term))).toEqual(new Set(['football', 'goal', 'match']))
    expect(new Set(r[1].keywords.map((k) => k.term))).toEqual(new Set(['bank', 'interest', 'rates']))
    expect(r[0].size).toBe(3)
    expect(r[0].keywords[0].weight).toBeGreaterThan(0)
  })

  it('on real news, labels each class by its own words, not by the wire names every class shares', async () => {
    const rows = (
      parse(fs.readFileSync(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv')), { columns: true }) as { text: string; category: string }[]
    ).slice(0, 2000)
    const cats = [...new Set(rows.map((r) => r.category))].sort()
    const r = await clusterKeywords(
      rows.map((x) => x.text),
      Int32Array.from(rows, (x) => cats.indexOf(x.category)),
      { topN: 5 },
    )
    const top = Object.fromEntries(r.map((c) => [cats[c.cluster], c.keywords.map((k) => k.term)]))
    for (const words of Object.values(top)) for (const wire of ['reuters', 'ap']) expect(words).not.toContain(wire)
    expect(top.Sports).toContain('olympic')
    expect(top.World).toContain('iraq')
    expect(top['Sci/Tech']).toContain('microsoft')
    expect(top.Business).toContain('oil')
    // plain c-TF-IDF (as BERTopic) is still there on request, and does rank the wire names first
    const plain = await clusterKeywords(
      rows.map((x) => x.text),
      Int32Array.from(rows, (x) => cats.indexOf(x.category)),
      { topN: 5, distinctive: false },
    )
    expect(plain.some((c) => c.keywords.slice(0, 2).some((k) => k.term === 'ap' || k.term === 'reuters'))).toBe(true)
  })

  it('on real Chinese news titles, labels are words (no lone characters such as 图) that name each class', async () => {
    const rows = (
      parse(fs.readFileSync(path.join(sharedData, 'zh_thucnews_titles', 'thucnews_titles_test.csv')), { columns: true }) as { text: string; category: string }[]
    ).slice(0, 3000)
    const cats = [...new Set(rows.map((r) => r.category))].sort()
    const r = await clusterKeywords(
      rows.map((x) => x.text),
      Int32Array.from(rows, (x) => cats.indexOf(x.category)),
      { topN: 5 },
    )
    const top = Object.fromEntries(r.map((c) => [cats[c.cluster], c.keywords.map((k) => k.term)]))
    for (const words of Object.values(top)) for (const w of words) expect([...w].length).toBeGreaterThan(1)
    expect(top['教育']).toContain('高考')
    expect(top['财经']).toContain('基金')
    expect(top['娱乐']).toContain('电影')
  })

  it('a single cluster still gets its most frequent words', async () => {
    const r = await clusterKeywords(['goal goal match', 'goal match team', 'goal team'], Int32Array.from([0, 0, 0]), { topN: 2 })
    expect(r[0].keywords.map((k) => k.term)).toEqual(['goal', 'match'])
  })

  it('picks the obvious Chinese words', async () => {
    const texts = ['北京大学研究生招生考试', '考研英语复习与研究生考试', '研究生考试报名时间公布', '股票市场今天大涨', '基金和股票投资策略', '股票基金市场分析']
    const r = await clusterKeywords(texts, Int32Array.from([0, 0, 0, 1, 1, 1]), { topN: 2 })
    expect(r[0].keywords.map((k) => k.term)).toEqual(expect.arrayContaining(['研究生', '考试']))
    expect(r[1].keywords.map((k) => k.term)[0]).toBe('股票')
  })

  it('ignores rows with cluster −1 and returns exemplars nearest the centroid', async () => {
    const d = 2
    const X = normalizeRows({ data: Float32Array.from([1, 0, 1, 0.1, 1, 0.3, 1, 0.6, 0, 1, 0.1, 1]), n: 6, d })
    const a = Int32Array.from([0, 0, 0, 0, 1, -1])
    const C = normalizeRows({ data: Float32Array.from([1, 0.1, 0, 1]), n: 2, d }).data
    const ex = exemplars(X, a, C, 3)
    expect(Array.from(ex[0])).toEqual([1, 0, 2])
    expect(Array.from(ex[1])).toEqual([4])
    const r = await clusterKeywords(['alpha', 'alpha', 'alpha', 'alpha', 'beta', 'gamma'], a, { X, centroids: C })
    expect(r.map((c) => c.cluster)).toEqual([0, 1])
    expect(r[0].exemplars).toEqual([1, 0, 2])
    expect(r[1].keywords.map((k) => k.term)).toEqual(['beta'])
  })
})
