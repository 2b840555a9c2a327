/**
 * Deterministic, modest slices of the shared real data for the evaluation parity tests (a few
 * thousand short texts per model, so the suite stays fast on a 2-core CI machine).
 */
import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import path from 'node:path'
import { sharedData } from './tmp'

type Row = Record<string, string>
const read = (...p: string[]): Row[] => parse(fs.readFileSync(path.join(sharedData, ...p)), { columns: true }) as Row[]

/** Every 'step'-th row from the start, up to `n`. */
const every = <T>(rows: T[], n: number): T[] => {
  const step = Math.max(1, Math.floor(rows.length / n))
  return rows.filter((_, i) => i % step === 0).slice(0, n)
}

/**
 * SciFact: the first `nQueries` judged queries and their qrels; the corpus keeps every document they cite plus the
 * first uncited ones up to `corpusSize`. Parity is exact on the same vectors at any size, so the slice only has to be
 * big enough to exercise every metric and tie; its long abstracts are most of the suite's embedding time.
 */
export function scifact(corpusSize = 500, nQueries = 300) {
  const allQrels = read('en_scifact_retrieval', 'qrels.csv')
  const keepQueries = new Set([...new Set(allQrels.map((r) => r.query_id))].slice(0, nQueries))
  const queries = read('en_scifact_retrieval', 'queries.csv')
    .filter((r) => keepQueries.has(r.query_id))
    .map((r) => ({ id: r.query_id, text: r.text }))
  const qrelsRows = allQrels.filter((r) => keepQueries.has(r.query_id))
  const cited = new Set(qrelsRows.map((r) => r.doc_id))
  const all = read('en_scifact_retrieval', 'corpus.csv').map((r) => ({ id: r.doc_id, text: `${r.title} ${r.text}`.trim() }))
  const uncited = all.filter((d) => !cited.has(d.id)).slice(0, Math.max(0, corpusSize - cited.size))
  const keep = new Set([...cited, ...uncited.map((d) => d.id)])
  const corpus = all.filter((d) => keep.has(d.id))
  const qrels = new Map<string, Map<string, number>>()
  for (const r of qrelsRows) {
    if (!qrels.has(r.query_id)) qrels.set(r.query_id, new Map())
    qrels.get(r.query_id)!.set(r.doc_id, Number(r.score))
  }
  return { queries, corpus, qrels }
}

export function stsPairs(lang: 'en' | 'zh', n = 500) {
  const rows =
    lang === 'en'
      ? read('en_stsb', 'stsb_en_train_dev.csv').filter((r) => r.split === 'dev')
      : read('zh_stsb', 'stsb_zh_train_valid.csv').filter((r) => r.split === 'valid')
  return rows.slice(0, n).map((r) => ({ a: r.sentence1, b: r.sentence2, score: Number(r.score) }))
}

export function labelledPairs(set: 'lcqmc' | 'bq', n = 500) {
  const rows = set === 'lcqmc' ? read('zh_lcqmc_dev', 'lcqmc_dev.csv') : read('zh_bq_dev', 'bq_dev.csv')
  return rows.slice(0, n).map((r) => ({ a: r.sentence1, b: r.sentence2, label: Number(r.label) as 0 | 1 }))
}

export function tatoeba() {
  return read('parallel_tatoeba', 'tatoeba_cmn_eng.csv').map((r) => ({ source: r.cmn, target: r.eng }))
}

/** Labelled news texts; the first `train` rows train classifiers, the rest are their test split. */
export function news(set: 'ag' | 'thuc', n = 1200) {
  const rows = set === 'ag' ? read('en_ag_news_test', 'ag_news_test.csv') : read('zh_thucnews_titles', 'thucnews_titles_test.csv')
  return every(rows, n).map((r) => ({ text: r.text, label: r.label }))
}
