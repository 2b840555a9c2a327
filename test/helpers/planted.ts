import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import path from 'node:path'
import { seededRandom } from '../../src-main/analyze/common'
import { sharedData } from './tmp'

/**
 * A real data set with off-topic rows planted at 1 %: 1,980 AG News test rows (English news) plus 20
 * planted rows of three kinds — Chinese hotel reviews (another language), SciFact abstract sentences
 * (another domain) and random character strings — inserted at seeded random positions.
 */
export interface PlantedSet {
  texts: string[]
  /** Row index → kind of the planted row ('zh-review' | 'science' | 'random'), for planted rows only. */
  planted: Map<number, string>
}

function csvRows(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(file), { columns: true, skip_empty_lines: true }) as Record<string, string>[]
}

function randomString(rand: () => number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  const words: string[] = []
  const nWords = 4 + Math.floor(rand() * 8)
  for (let w = 0; w < nWords; w++) {
    let s = ''
    const len = 2 + Math.floor(rand() * 9)
    for (let c = 0; c < len; c++) s += alphabet[Math.floor(rand() * alphabet.length)]
    words.push(s)
  }
  return words.join(' ')
}

export function plantedSet({ base = 1980, zh = 7, science = 6, random = 7, seed = 7 } = {}): PlantedSet {
  const rand = seededRandom(seed)
  const news = csvRows(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv'))
    .slice(0, base)
    .map((r) => r.text)
  // Every 97th review and abstract, so the planted rows are spread over each source rather than its first lines.
  const reviews = csvRows(path.join(sharedData, 'zh_chnsenticorp_htl', 'chnsenticorp_htl_all.csv'))
    .filter((_, i) => i % 97 === 0)
    .slice(0, zh)
    .map((r) => r.text)
  const abstracts = csvRows(path.join(sharedData, 'en_scifact_retrieval', 'corpus.csv'))
    .filter((_, i) => i % 97 === 0)
    .slice(0, science)
    .map((r) => (r.text.match(/^.*?[.!?](\s|$)/)?.[0] ?? r.text).trim())
  const extra: [string, string][] = [
    ...reviews.map((t): [string, string] => [t, 'zh-review']),
    ...abstracts.map((t): [string, string] => [t, 'science']),
    ...Array.from({ length: random }, (): [string, string] => [randomString(rand), 'random']),
  ]
  return plantInto(news, extra, rand)
}

/**
 * 1 % off-domain rows in 990 SciFact paper titles (biomedical research, every other title): 4 AG News articles
 * (English, another domain and register), 3 THUCNews headlines (Chinese news) and 3 random strings.
 */
export function plantedPaperTitles({ base = 990, news = 4, zh = 3, random = 3, seed = 11 } = {}): PlantedSet {
  const rand = seededRandom(seed)
  const titles = csvRows(path.join(sharedData, 'en_scifact_retrieval', 'corpus.csv'))
    .filter((_, i) => i % 2 === 1)
    .slice(0, base)
    .map((r) => r.title)
  const articles = csvRows(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv'))
    .filter((_, i) => i % 389 === 17)
    .slice(0, news)
    .map((r) => r.text)
  const headlines = csvRows(path.join(sharedData, 'zh_thucnews_titles', 'thucnews_titles_test.csv'))
    .filter((_, i) => i % 433 === 8)
    .slice(0, zh)
    .map((r) => r.text)
  return plantInto(
    titles,
    [
      ...articles.map((t): [string, string] => [t, 'news']),
      ...headlines.map((t): [string, string] => [t, 'zh-news']),
      ...Array.from({ length: random }, (): [string, string] => [randomString(rand), 'random']),
    ],
    rand,
  )
}

/** Inserts each [text, kind] at a seeded random position of the base rows. */
function plantInto(base: string[], extra: [string, string][], rand: () => number): PlantedSet {
  const texts = [...base]
  const kinds: (string | undefined)[] = base.map(() => undefined)
  for (const [t, kind] of extra) {
    const at = Math.floor(rand() * (texts.length + 1))
    texts.splice(at, 0, t)
    kinds.splice(at, 0, kind)
  }
  const planted = new Map<number, string>()
  kinds.forEach((k, i) => k && planted.set(i, k))
  return { texts, planted }
}

/** Recall among the top-N rows by score, N = the number planted. */
export function recallAtPlanted(scores: ArrayLike<number>, planted: Map<number, string>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b)
  const top = order.slice(0, planted.size)
  return top.filter((i) => planted.has(i)).length / planted.size
}

/** How many planted rows of each kind are among the top-N rows by score (N = the number planted). */
export function foundByKind(scores: ArrayLike<number>, planted: Map<number, string>): Record<string, number> {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b)
  const out: Record<string, number> = {}
  for (const kind of planted.values()) out[kind] = 0
  for (const i of order.slice(0, planted.size)) if (planted.has(i)) out[planted.get(i)!]++
  return out
}
