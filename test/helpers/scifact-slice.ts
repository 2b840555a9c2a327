/**
 * BEIR files a user would hand to `embedmap finetune` / `eval retrieval`, cut from the shared SciFact training data:
 * the first `nQueries` judged queries, every document they cite, and `nOthers` uncited documents as distractors.
 */
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import fs from 'node:fs'
import path from 'node:path'
import { sharedData } from './tmp'

export interface BeirSlice {
  queries: string
  corpus: string
  qrels: string
}

const scifact = path.join(sharedData, 'en_scifact_retrieval')
const read = (f: string) => parse(fs.readFileSync(path.join(scifact, f)), { columns: true }) as Record<string, string>[]

export function scifactSlice(outDir: string, nQueries: number, nOthers: number): BeirSlice {
  const qrels = read('qrels.csv')
  const ids = new Set([...new Set(qrels.map((r) => r.query_id))].slice(0, nQueries))
  const judged = qrels.filter((r) => ids.has(r.query_id))
  const relevant = new Set(judged.map((r) => r.doc_id))
  const docs = read('corpus.csv')
  fs.mkdirSync(outDir, { recursive: true })
  const files = { queries: path.join(outDir, 'queries.csv'), corpus: path.join(outDir, 'corpus.csv'), qrels: path.join(outDir, 'qrels.csv') }
  fs.writeFileSync(
    files.queries,
    stringify(
      read('queries.csv').filter((q) => ids.has(q.query_id)),
      { header: true },
    ),
  )
  fs.writeFileSync(
    files.corpus,
    stringify([...docs.filter((d) => relevant.has(d.doc_id)), ...docs.filter((d) => !relevant.has(d.doc_id)).slice(0, nOthers)], { header: true }),
  )
  fs.writeFileSync(files.qrels, stringify(judged, { header: true }))
  return files
}
