/**
 * Retrieval from one table with a query column and a positive-document column (a dataset of question → answer, title
 * → abstract …): each distinct document text is one corpus entry, each distinct query one query, and every row marks
 * its document relevant (score 1) to its query. Empty cells are BAD_INPUT naming the lines: a row without its query or
 * its document would silently change the metric.
 */
import type { Qrels } from '../metrics/retrieval-metrics'
import type { BeirData } from './beir'
import { readTable, requireNonEmpty, type ColumnChoice, type TableSource } from './read-table'

export interface QueryDocColumns {
  file: TableSource
  query?: ColumnChoice
  doc?: ColumnChoice
}

export async function loadQueryDocPairs(cols: QueryDocColumns): Promise<BeirData> {
  const t = await readTable(
    cols.file,
    [cols.query ?? ['query', 'question', 'anchor', 'sentence1'], cols.doc ?? ['positive', 'answer', 'document', 'passage', 'sentence2']],
    ['query', 'relevant document'],
  )
  requireNonEmpty(t, 0, 'Every row needs a query; remove the rows without one.')
  requireNonEmpty(t, 1, 'Every row needs its relevant document; remove the rows without one.')
  const queryIds = new Map<string, string>()
  const docIds = new Map<string, string>()
  const qrels: Qrels = new Map()
  for (const r of t.rows) {
    const [q, d] = r.values
    let qid = queryIds.get(q)
    if (qid === undefined) queryIds.set(q, (qid = `q${queryIds.size + 1}`))
    let did = docIds.get(d)
    if (did === undefined) docIds.set(d, (did = `d${docIds.size + 1}`))
    let judged = qrels.get(qid)
    if (!judged) qrels.set(qid, (judged = new Map()))
    judged.set(did, 1)
  }
  return {
    queries: [...queryIds].map(([text, id]) => ({ id, text })),
    corpus: [...docIds].map(([text, id]) => ({ id, text })),
    qrels,
    warnings: [],
    dropped: { unknownQueries: 0, unknownDocs: 0 },
  }
}
