/**
 * TF-IDF vectors, the lexical baseline for the embedding tasks (STS, pairs, clustering,
 * classification, bitext), as dense Float32Array rows so every task runner takes them like a model's
 * vectors. sklearn's TfidfVectorizer conventions: sublinear tf (1 + ln tf), smooth idf
 * ln((1 + N) / (1 + df)) + 1, rows L2-normalised. The vocabulary is fitted once on all texts of a task
 * (both sides of a pair share it) and capped at the `maxFeatures` most frequent features, to keep the
 * dense matrix small (10k texts × 4,096 features = 160 MB). Features: tokenize.ts (words, CJK characters and
 * character bigrams, so Chinese works without a segmenter).
 */
import type { EmbedFn } from '../tasks/types'
import { tfidfFeatures } from './tokenize'

export interface TfidfOptions {
  maxFeatures?: number
}

export interface TfidfModel {
  vocabulary: Map<string, number>
  idf: Float64Array
}

export function fitTfidf(texts: readonly string[], opts: TfidfOptions = {}): TfidfModel {
  const df = new Map<string, number>()
  const freq = new Map<string, number>()
  for (const text of texts) {
    const feats = tfidfFeatures(text)
    for (const f of feats) freq.set(f, (freq.get(f) ?? 0) + 1)
    for (const f of new Set(feats)) df.set(f, (df.get(f) ?? 0) + 1)
  }
  const max = opts.maxFeatures ?? 4096
  // most frequent first, ties alphabetical (sklearn's max_features rule), then the kept ones sorted
  const kept = [...freq.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, max)
    .map(([f]) => f)
    .sort()
  const vocabulary = new Map(kept.map((f, i) => [f, i]))
  const N = texts.length
  const idf = Float64Array.from(kept, (f) => Math.log((1 + N) / (1 + (df.get(f) ?? 0))) + 1)
  return { vocabulary, idf }
}

export function tfidfVectors(model: TfidfModel, texts: readonly string[]): Float32Array {
  const d = Math.max(1, model.vocabulary.size)
  const out = new Float32Array(texts.length * d)
  texts.forEach((text, i) => {
    const counts = new Map<number, number>()
    for (const f of tfidfFeatures(text)) {
      const j = model.vocabulary.get(f)
      if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1)
    }
    let norm = 0
    for (const [j, c] of counts) {
      const v = (1 + Math.log(c)) * model.idf[j]
      out[i * d + j] = v
      norm += v * v
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm)
      for (const j of counts.keys()) out[i * d + j] *= inv
    }
  })
  return out
}

/** An EmbedFn over a vocabulary fitted on `fitTexts` (pass every text of the task). */
export function tfidfEmbed(fitTexts: readonly string[], opts: TfidfOptions = {}): EmbedFn {
  const model = fitTfidf(fitTexts, opts)
  return async (texts) => tfidfVectors(model, texts)
}
