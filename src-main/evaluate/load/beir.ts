/**
 * BEIR-style retrieval files: queries (id, text), corpus (id, [title,] text) and qrels (query id,
 * document id, score). A document's text is its title and text joined by a space, as mteb embeds it.
 * Qrels rows naming ids that are not in the queries / corpus are dropped and reported with counts (a
 * common sign of a truncated corpus or of mixed-up columns), not a crash; qrels with nothing usable,
 * empty ids / texts, duplicate ids and non-integer scores are BAD_INPUT naming file and line.
 */
import { badInput } from '../../import/input-error'
import type { Qrels } from '../metrics/retrieval-metrics'
import { readTable, requireNonEmpty, type ColumnChoice } from './read-table'

export interface BeirFiles {
  queries: string
  corpus: string
  qrels: string
  queryId?: ColumnChoice
  queryText?: ColumnChoice
  docId?: ColumnChoice
  /** One column or several joined with a space (default: title if present, then text). */
  docText?: ColumnChoice[]
}

export interface BeirData {
  queries: { id: string; text: string }[]
  corpus: { id: string; text: string }[]
  qrels: Qrels
  warnings: string[]
  /** Qrels rows dropped because the query / document id is unknown. */
  dropped: { unknownQueries: number; unknownDocs: number }
}

const ID = ['_id', 'id']

function uniqueIds(file: string, rows: { line: number; values: string[] }[], what: string): void {
  const seen = new Map<string, number>()
  for (const r of rows) {
    const first = seen.get(r.values[0])
    if (first !== undefined)
      throw badInput(file, r.line, `${what} id '${r.values[0]}' appears again (first on line ${first})`, `Each ${what} needs its own id.`)
    seen.set(r.values[0], r.line)
  }
}

export async function loadBeir(files: BeirFiles): Promise<BeirData> {
  const q = await readTable(
    files.queries,
    [files.queryId ?? ['query_id', 'query-id', 'qid', ...ID], files.queryText ?? ['text', 'query']],
    ['query id', 'query text'],
  )
  requireNonEmpty(q, 0, 'Every query needs an id.')
  requireNonEmpty(q, 1, 'Every query needs a text; remove the empty rows.')
  uniqueIds(q.file, q.rows, 'query')

  const docCols: ColumnChoice[] = files.docText ?? ['title', 'text']
  let c
  if (files.docText)
    c = await readTable(
      files.corpus,
      [files.docId ?? ['doc_id', 'corpus-id', 'corpus_id', 'docid', ...ID], ...docCols],
      ['document id', ...docCols.map(() => 'document text')],
    )
  else {
    // title is optional: try id + title + text, fall back to id + text
    try {
      c = await readTable(
        files.corpus,
        [files.docId ?? ['doc_id', 'corpus-id', 'corpus_id', 'docid', ...ID], ['title'], ['text', 'body', 'document', 'passage']],
        ['document id', 'title', 'document text'],
      )
    } catch {
      c = await readTable(
        files.corpus,
        [files.docId ?? ['doc_id', 'corpus-id', 'corpus_id', 'docid', ...ID], ['text', 'body', 'document', 'passage']],
        ['document id', 'document text'],
      )
    }
  }
  requireNonEmpty(c, 0, 'Every document needs an id.')
  uniqueIds(c.file, c.rows, 'document')
  const corpus = c.rows.map((r) => ({
    id: r.values[0],
    text: r.values
      .slice(1)
      .filter((v) => v !== '')
      .join(' '),
    line: r.line,
  }))
  const emptyDocs = corpus.filter((d) => d.text === '')
  if (emptyDocs.length)
    throw badInput(
      c.file,
      emptyDocs[0].line,
      `${emptyDocs.length} document(s) have no text (lines ${emptyDocs
        .slice(0, 5)
        .map((d) => d.line)
        .join(', ')})`,
      'Remove the empty documents or fill in their text.',
    )

  const r = await readTable(
    files.qrels,
    [
      ['query_id', 'query-id', 'qid'],
      ['doc_id', 'corpus-id', 'corpus_id', 'docid'],
      ['score', 'relevance', 'label'],
    ],
    ['qrels query id', 'qrels document id', 'qrels score'],
  )
  const queryIds = new Set(q.rows.map((row) => row.values[0]))
  const docIds = new Set(corpus.map((d) => d.id))
  const qrels: Qrels = new Map()
  const dropped = { unknownQueries: 0, unknownDocs: 0 }
  const examples: string[] = []
  for (const row of r.rows) {
    const [qid, did, raw] = row.values
    const score = Number(raw)
    if (raw === '' || !Number.isInteger(score))
      throw badInput(
        r.file,
        row.line,
        `score '${raw}' is not an integer relevance label`,
        'Qrels scores are integers: 0 = not relevant, 1 = relevant, 2 = highly relevant …',
      )
    if (!queryIds.has(qid) || !docIds.has(did)) {
      if (!queryIds.has(qid)) dropped.unknownQueries++
      else dropped.unknownDocs++
      if (examples.length < 3) examples.push(`line ${row.line}: ${!queryIds.has(qid) ? `query '${qid}'` : `document '${did}'`}`)
      continue
    }
    let judged = qrels.get(qid)
    if (!judged) qrels.set(qid, (judged = new Map()))
    judged.set(did, score)
  }
  const warnings: string[] = []
  const droppedRows = dropped.unknownQueries + dropped.unknownDocs
  if (droppedRows)
    warnings.push(
      `${r.file}: ${droppedRows} of ${r.rows.length} qrels rows name ids not in the queries / corpus and were ignored (${dropped.unknownQueries} unknown queries, ${dropped.unknownDocs} unknown documents; e.g. ${examples.join('; ')})`,
    )
  if (qrels.size === 0) {
    throw badInput(
      r.file,
      undefined,
      `none of its ${r.rows.length} rows matches a query and a document (${dropped.unknownQueries} unknown query ids, ${dropped.unknownDocs} unknown document ids)`,
      'Check that the qrels, queries and corpus files belong together and that the id columns are the right ones.',
      dropped,
    )
  }
  return {
    queries: q.rows.map((row) => ({ id: row.values[0], text: row.values[1] })),
    corpus: corpus.map(({ id, text }) => ({ id, text })),
    qrels,
    warnings,
    dropped,
  }
}
