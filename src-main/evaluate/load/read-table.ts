/**
 * Reads the named columns of a CSV / TSV / JSON Lines file through the import pipeline (encoding and
 * delimiter sniffing, file-and-line errors), keeping each row's physical line for later messages.
 */
import { badInput } from '../../import/input-error'
import { createRecordReader, resolveTextColumn, sniffSource } from '../../import'

export interface TableRow {
  /** 1-based physical line where the record starts. */
  line: number
  values: string[]
}

/**
 * An imported dataset's columns held in memory (read from the workspace by the evaluate job): evaluated like a file,
 * with `name` ("dataset 3 (reviews.csv)") in messages and each row's original line.
 */
export interface MemoryTable {
  name: string
  columns: string[]
  rows: { line: number; cells: string[] }[]
}

/** Where a task's table comes from: a file path, or a dataset already imported. */
export type TableSource = string | MemoryTable

export const sourceName = (s: TableSource): string => (typeof s === 'string' ? s : s.name)

export interface Table {
  /** The file path or the dataset's name, for messages. */
  file: string
  columns: string[]
  rows: TableRow[]
}

/** Column choices: a name / index, or a list of candidate names tried in order (first present wins). */
export type ColumnChoice = string | number | readonly string[]

export function pickColumn(file: string, columns: readonly string[], choice: ColumnChoice, what: string): number {
  if (Array.isArray(choice)) {
    const lower = columns.map((c) => c.toLowerCase())
    for (const name of choice) {
      const i = lower.indexOf(name.toLowerCase())
      if (i !== -1) return i
    }
    throw badInput(
      file,
      undefined,
      `no ${what} column (looked for ${choice.map((c) => `'${c}'`).join(', ')}; columns: ${columns.map((c) => `'${c}'`).join(', ')})`,
      `Name the ${what} column explicitly.`,
      { columns },
    )
  }
  return resolveTextColumn(
    file,
    columns.map((name) => ({ name })),
    choice as string | number,
  )
}

export async function readTable(source: TableSource, choices: ColumnChoice[], what: string[]): Promise<Table> {
  if (typeof source !== 'string') return pickFromMemory(source, choices, what)
  const file = source
  const sniff = await sniffSource(file)
  const names = sniff.columns.map((c) => c.name)
  const idx = choices.map((c, i) => pickColumn(file, names, c, what[i]))
  const reader = createRecordReader(sniff)
  const rows: TableRow[] = []
  for await (const batch of reader.batches()) {
    for (const r of batch) rows.push({ line: r.line, values: idx.map((i) => (r.cells[i] ?? '').trim()) })
  }
  if (rows.length === 0) throw badInput(file, undefined, 'has a header but no data rows', 'Add rows below the header.')
  return { file, columns: idx.map((i) => names[i]), rows }
}

/** BAD_INPUT for rows where a column is empty: names the first lines and the count. */
export function requireNonEmpty(table: Table, col: number, hint: string): void {
  const empty = table.rows.filter((r) => r.values[col] === '')
  if (empty.length === 0) return
  const lines = empty.slice(0, 5).map((r) => r.line)
  throw badInput(
    table.file,
    lines[0],
    `column '${table.columns[col]}' is empty on ${empty.length} row${empty.length > 1 ? 's' : ''} (lines ${lines.join(', ')}${empty.length > 5 ? ', …' : ''})`,
    hint,
    {
      column: table.columns[col],
      count: empty.length,
      lines,
    },
  )
}

function pickFromMemory(t: MemoryTable, choices: ColumnChoice[], what: string[]): Table {
  const idx = choices.map((c, i) => pickColumn(t.name, t.columns, c, what[i]))
  const rows = t.rows.map((r) => ({ line: r.line, values: idx.map((i) => (r.cells[i] ?? '').trim()) }))
  if (rows.length === 0) throw badInput(t.name, undefined, 'has no rows', 'Import a file with data rows.')
  return { file: t.name, columns: idx.map((i) => t.columns[i]), rows }
}
