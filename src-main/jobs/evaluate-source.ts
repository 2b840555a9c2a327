/**
 * Turns an evaluation task (files, or an imported dataset's columns) into what the task loaders read, and gives its
 * data fingerprint: settings plus the files' bytes, or plus the dataset's cells, so the same data found again (a
 * second import of the same file included) finds its stored results.
 */
import { createHash } from 'node:crypto'
import type { EvalTaskSpec } from '../contract'
import { dataFingerprint, type TaskFiles } from '../evaluate'
import type { MemoryTable } from '../evaluate/load/read-table'
import type { Db } from '../store/connection'
import { DatasetsRepo } from '../store/datasets-repo'
import { EmbedMapError } from '../errors'

export interface DatasetTable extends MemoryTable {
  datasetId: number
  /** The dataset's text column (the one its map's vectors were embedded from). */
  textColumn: number
}

const CHUNK = 5000

/** Every row's cells of a ready dataset, read in chunks (no cursor stays open). */
export function readDatasetTable(db: Db, datasetId: number): DatasetTable {
  const repo = new DatasetsRepo(db)
  const d = repo.get(datasetId)
  if (!d) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${datasetId}.`, 'List them with `embedmap datasets`.')
  const columns = repo.columns(datasetId).map((c) => c.name)
  const rows: MemoryTable['rows'] = []
  for (let offset = 0; ;) {
    const page = repo.rows(datasetId, offset, CHUNK)
    if (page.rows.length === 0) break
    for (const r of page.rows) rows.push({ line: r.line, cells: r.cells.map((c) => (c === null || c === undefined ? '' : String(c))) })
    offset = page.rows[page.rows.length - 1].idx + 1
  }
  return { name: `dataset ${datasetId} (${d.name})`, columns, rows, datasetId, textColumn: d.textColumn }
}

/** The loaders' view of the task: file paths as they are, or the dataset's table in their place. */
export function taskFilesFor(t: EvalTaskSpec, table: DatasetTable | undefined): TaskFiles {
  if (table) {
    switch (t.kind) {
      case 'retrieval':
        return { kind: 'retrieval', file: table, query: t.queryText, doc: t.docText?.[0] }
      case 'classification':
        return { ...t, file: table, test: undefined }
      default:
        return { ...t, file: table }
    }
  }
  // The contract's refinement guarantees the files when there is no dataset.
  const need = (f: string | undefined) => f ?? ''
  switch (t.kind) {
    case 'retrieval':
      return { ...t, queries: need(t.queries), corpus: need(t.corpus), qrels: need(t.qrels) }
    default:
      return { ...t, file: need(t.file) }
  }
}

/** The task without where its data is: the same bytes copied elsewhere, or imported again, are the same data. */
function taskSettings(t: EvalTaskSpec): Record<string, unknown> {
  const where = new Set(['queries', 'corpus', 'qrels', 'file', 'test', 'dataset'])
  return Object.fromEntries(Object.entries(t).filter(([k]) => !where.has(k)))
}

export async function taskFingerprint(t: EvalTaskSpec, table: DatasetTable | undefined): Promise<string> {
  if (table) {
    const h = createHash('sha256')
    h.update(JSON.stringify(taskSettings(t)))
    h.update('\0dataset\0')
    h.update(JSON.stringify(table.columns))
    for (const r of table.rows) h.update(JSON.stringify(r.cells))
    return h.digest('hex')
  }
  const files = t.kind === 'retrieval' ? [t.queries, t.corpus, t.qrels] : t.kind === 'classification' && t.test ? [t.file, t.test] : [t.file]
  return dataFingerprint(
    taskSettings(t),
    files.map((f) => f ?? ''),
  )
}
