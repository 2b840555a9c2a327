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

export interface Table {
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

export async function readTable(file: string, choices: ColumnChoice[], what: string[]): Promise<Table> {
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
