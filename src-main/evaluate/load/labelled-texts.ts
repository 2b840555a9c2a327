/**
 * Texts with a class label, for clustering and classification. Refused with BAD_INPUT (file and line):
 * empty texts or labels, a single class (nothing to separate), and a label column that looks like an
 * id or free text — more than `maxLabels` (default 1,000) distinct values or as many labels as rows —
 * since k-means with k = 10,000 or a 10,000-way classifier trained on 8 rows per label would run for a
 * long time and mean nothing.
 */
import { badInput } from '../../import/input-error'
import { readTable, requireNonEmpty, type ColumnChoice, type TableSource } from './read-table'

export interface LabelledColumns {
  file: TableSource
  text?: ColumnChoice
  label?: ColumnChoice
  maxLabels?: number
}

export async function loadLabelledTexts(cols: LabelledColumns): Promise<{ text: string; label: string }[]> {
  const t = await readTable(cols.file, [cols.text ?? ['text', 'sentence', 'content'], cols.label ?? ['label', 'category', 'class']], ['text', 'label'])
  requireNonEmpty(t, 0, 'Remove the rows without text.')
  requireNonEmpty(t, 1, 'Every row needs a label; remove the unlabelled rows.')
  const rows = t.rows.map((r) => ({ text: r.values[0], label: r.values[1] }))
  const labels = new Set(rows.map((r) => r.label))
  if (labels.size < 2)
    throw badInput(
      t.file,
      undefined,
      `column '${t.columns[1]}' has one class only ('${rows[0].label}')`,
      'Clustering and classification need at least two different labels.',
    )
  const max = cols.maxLabels ?? 1000
  if (labels.size > max || (labels.size === rows.length && rows.length > 20)) {
    throw badInput(
      t.file,
      undefined,
      `column '${t.columns[1]}' has ${labels.size.toLocaleString('en')} distinct values in ${rows.length.toLocaleString('en')} rows: that looks like an id or a text, not a class label`,
      `Pick a label column with a few classes (at most ${max.toLocaleString('en')}).`,
      { distinct: labels.size, rows: rows.length },
    )
  }
  return rows
}
