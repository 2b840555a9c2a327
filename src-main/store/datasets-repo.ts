import type { Db } from './connection'
import type { Column, Dataset, ImportReport, Row, RowsPage } from '../contract'

export const ROW_EMPTY_TEXT = 1
export const ROW_RAGGED = 2
/** Rows per multi-row INSERT statement (6 parameters each: well under SQLite's 32,766 limit). */
const ROWS_PER_INSERT = 64

interface RawDataset {
  id: number
  name: string
  source_path: string
  source_size: number
  source_mtime: number
  format: Dataset['format']
  encoding: string
  delimiter: string | null
  text_column: number
  row_count: number
  status: 'importing' | 'ready'
  import_report: string
  created_at: string
}

export interface NewDataset {
  name: string
  sourcePath: string
  sourceSize: number
  sourceMtime: number
  format: Dataset['format']
  encoding: string
  delimiter: string | null
  textColumn: number
}

export interface RowInsert {
  idx: number
  line: number
  text: string
  cells: string[]
  /** `cells` as stored (JSON.stringify(cells)) when it was made already, off the writing thread. */
  cellsJson?: string
  flags: number
}

/** Datasets, their columns and rows. */
export class DatasetsRepo {
  constructor(private readonly db: Db) {}

  create(d: NewDataset): number {
    const info = this.db
      .prepare(
        `INSERT INTO datasets (name, source_path, source_size, source_mtime, format, encoding, delimiter, text_column, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'importing')`,
      )
      .run(d.name, d.sourcePath, d.sourceSize, d.sourceMtime, d.format, d.encoding, d.delimiter, d.textColumn)
    return Number(info.lastInsertRowid)
  }

  source(id: number): { path: string; size: number; mtime: number } | undefined {
    const r = this.db.prepare(`SELECT source_path, source_size, source_mtime FROM datasets WHERE id = ?`).get(id) as
      Pick<RawDataset, 'source_path' | 'source_size' | 'source_mtime'> | undefined
    return r && { path: r.source_path, size: r.source_size, mtime: r.source_mtime }
  }

  /** The newest ready dataset imported from this exact file (same real path, size and modification time). */
  findReadyBySource(path: string, size: number, mtime: number): Dataset | undefined {
    const r = this.db
      .prepare(`SELECT * FROM datasets WHERE source_path = ? AND source_size = ? AND source_mtime = ? AND status = 'ready' ORDER BY id DESC LIMIT 1`)
      .get(path, size, mtime) as RawDataset | undefined
    return r && this.toDataset(r)
  }

  get(id: number): Dataset | undefined {
    const r = this.db.prepare(`SELECT * FROM datasets WHERE id = ?`).get(id) as RawDataset | undefined
    return r && this.toDataset(r)
  }

  list(): Dataset[] {
    const rows = this.db.prepare(`SELECT * FROM datasets ORDER BY id DESC`).all() as RawDataset[]
    return rows.map((r) => this.toDataset(r))
  }

  delete(id: number): boolean {
    return this.db.prepare(`DELETE FROM datasets WHERE id = ?`).run(id).changes === 1
  }

  columns(id: number): Column[] {
    return this.db.prepare(`SELECT idx, name, type, median_length AS medianLength FROM dataset_columns WHERE dataset_id = ? ORDER BY idx`).all(id) as Column[]
  }

  /**
   * Returns a function that inserts one batch; call it inside the caller's transaction. Rows go in
   * ROWS_PER_INSERT at a time through one prepared multi-row INSERT (one native call per 64 rows
   * instead of one per row: measured ~30 % less CPU in the import's write step).
   */
  rowInserter(datasetId: number): (rows: readonly RowInsert[]) => void {
    const cols = `INSERT INTO rows (dataset_id, idx, line, text, cells, flags) VALUES `
    const one = this.db.prepare(`${cols}(?, ?, ?, ?, ?, ?)`)
    const many = this.db.prepare(cols + Array.from({ length: ROWS_PER_INSERT }, () => '(?, ?, ?, ?, ?, ?)').join(', '))
    const params: unknown[] = new Array(ROWS_PER_INSERT * 6)
    return (rows) => {
      let i = 0
      for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
        for (let j = 0; j < ROWS_PER_INSERT; j++) {
          const r = rows[i + j]
          const o = j * 6
          params[o] = datasetId
          params[o + 1] = r.idx
          params[o + 2] = r.line
          params[o + 3] = r.text
          params[o + 4] = r.cellsJson ?? JSON.stringify(r.cells)
          params[o + 5] = r.flags
        }
        many.run(params)
      }
      for (; i < rows.length; i++) {
        const r = rows[i]
        one.run(datasetId, r.idx, r.line, r.text, r.cellsJson ?? JSON.stringify(r.cells), r.flags)
      }
    }
  }

  /** Marks the import complete: columns, count and report written together with status 'ready'. */
  finishImport(id: number, columns: Column[], rowCount: number, report: ImportReport): void {
    this.db.prepare(`DELETE FROM dataset_columns WHERE dataset_id = ?`).run(id)
    const ins = this.db.prepare(`INSERT INTO dataset_columns (dataset_id, idx, name, type, median_length) VALUES (?, ?, ?, ?, ?)`)
    for (const c of columns) ins.run(id, c.idx, c.name, c.type, c.medianLength)
    this.db.prepare(`UPDATE datasets SET row_count = ?, status = 'ready', import_report = ? WHERE id = ?`).run(rowCount, JSON.stringify(report), id)
  }

  countRows(id: number): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM rows WHERE dataset_id = ?`).get(id) as { n: number }).n
  }

  rows(id: number, offset: number, limit: number, query?: string): RowsPage {
    type Raw = { idx: number; line: number; text: string; cells: string; flags: number }
    let total: number
    let raw: Raw[]
    if (query) {
      // LIKE: a substring match that ignores ASCII case (what people expect from a filter box);
      // the query's own % and _ are escaped so they match literally.
      const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      const where = `dataset_id = ? AND text LIKE ? ESCAPE '\\'`
      total = (this.db.prepare(`SELECT count(*) AS n FROM rows WHERE ${where}`).get(id, pattern) as { n: number }).n
      raw = this.db
        .prepare(`SELECT idx, line, text, cells, flags FROM rows WHERE ${where} ORDER BY idx LIMIT ? OFFSET ?`)
        .all(id, pattern, limit, offset) as Raw[]
    } else {
      total = this.countRows(id)
      // Keyset on the primary key: pages deep into a million rows cost the same as the first.
      raw = this.db
        .prepare(`SELECT idx, line, text, cells, flags FROM rows WHERE dataset_id = ? AND idx >= ? ORDER BY idx LIMIT ?`)
        .all(id, offset, limit) as Raw[]
    }
    return { total, offset, rows: raw.map(toRow) }
  }

  /** Full rows by index, in the order asked; indices with no row are left out. */
  rowsAt(id: number, idxs: readonly number[]): Row[] {
    const raw = this.db
      .prepare(`SELECT idx, line, text, cells, flags FROM rows WHERE dataset_id = ? AND idx IN (SELECT value FROM json_each(?))`)
      .all(id, JSON.stringify(idxs)) as { idx: number; line: number; text: string; cells: string; flags: number }[]
    const byIdx = new Map(raw.map((r) => [r.idx, r]))
    return idxs.flatMap((i) => {
      const r = byIdx.get(i)
      return r ? [toRow(r)] : []
    })
  }

  /** Texts of the given rows (any order, duplicates allowed), as a map from row index. */
  /** Row count and characters of the text column (for estimates of what embedding will send). */
  textSize(id: number): { rows: number; chars: number } {
    const r = this.db.prepare(`SELECT count(*) AS rows, coalesce(sum(length(text)), 0) AS chars FROM rows WHERE dataset_id = ?`).get(id) as {
      rows: number
      chars: number
    }
    return { rows: r.rows, chars: r.chars }
  }

  texts(id: number, idxs: readonly number[]): Map<number, string> {
    const out = new Map<number, string>()
    const unique = [...new Set(idxs)]
    const stmt = this.db.prepare(`SELECT idx, text FROM rows WHERE dataset_id = ? AND idx IN (SELECT value FROM json_each(?))`)
    for (let i = 0; i < unique.length; i += 5000) {
      for (const r of stmt.all(id, JSON.stringify(unique.slice(i, i + 5000))) as { idx: number; text: string }[]) out.set(r.idx, r.text)
    }
    return out
  }

  private toDataset(r: RawDataset): Dataset {
    const report = JSON.parse(r.import_report) as Partial<ImportReport>
    return {
      id: r.id,
      name: r.name,
      sourcePath: r.source_path,
      format: r.format,
      encoding: r.encoding,
      delimiter: r.delimiter,
      textColumn: r.text_column,
      rowCount: r.row_count,
      status: r.status,
      createdAt: r.created_at,
      columns: this.columns(r.id),
      importReport: report.ragged ? (report as ImportReport) : null,
    }
  }
}

function toRow(r: { idx: number; line: number; text: string; cells: string; flags: number }): Row {
  return {
    idx: r.idx,
    line: r.line,
    text: r.text,
    cells: JSON.parse(r.cells),
    emptyText: (r.flags & ROW_EMPTY_TEXT) !== 0,
    ragged: (r.flags & ROW_RAGGED) !== 0,
  }
}
