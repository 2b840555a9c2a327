/**
 * Two aligned text columns for bitext mining (row i of one is the translation of row i of the other).
 * A row with one side empty breaks the alignment the metric relies on, so it is BAD_INPUT naming the
 * lines, not silently skipped.
 */
import { badInput } from '../../import/input-error'
import { readTable, type ColumnChoice, type TableSource } from './read-table'

export interface ParallelColumns {
  file: TableSource
  source: ColumnChoice
  target: ColumnChoice
}

export async function loadParallelTexts(cols: ParallelColumns): Promise<{ source: string; target: string }[]> {
  const t = await readTable(cols.file, [cols.source, cols.target], ['source', 'target'])
  const broken = t.rows.filter((r) => (r.values[0] === '') !== (r.values[1] === '') || r.values[0] === '')
  if (broken.length) {
    const lines = broken.slice(0, 5).map((r) => r.line)
    throw badInput(
      t.file,
      lines[0],
      `${broken.length} row(s) are not parallel: one or both of '${t.columns[0]}' / '${t.columns[1]}' is empty (lines ${lines.join(', ')}${broken.length > 5 ? ', …' : ''})`,
      'Each row must hold a sentence and its translation; remove or complete the broken rows.',
      { count: broken.length, lines },
    )
  }
  return t.rows.map((r) => ({ source: r.values[0], target: r.values[1] }))
}
