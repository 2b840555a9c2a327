/**
 * Text pairs with a gold similarity score (STS) or a binary label (pair classification).
 * Empty texts, non-numeric scores, labels other than 0/1 and a label column with one class only are
 * BAD_INPUT naming file and line: each would silently change or void the metric.
 */
import { badInput } from '../../import/input-error'
import { readTable, requireNonEmpty, type ColumnChoice, type TableSource } from './read-table'

export interface PairColumns {
  file: TableSource
  a?: ColumnChoice
  b?: ColumnChoice
}

async function readPairs(cols: PairColumns, target: ColumnChoice, what: string) {
  const t = await readTable(
    cols.file,
    [cols.a ?? ['sentence1', 'text1', 'a'], cols.b ?? ['sentence2', 'text2', 'b'], target],
    ['first text', 'second text', what],
  )
  requireNonEmpty(t, 0, 'Every pair needs two texts; remove the pairs with an empty side.')
  requireNonEmpty(t, 1, 'Every pair needs two texts; remove the pairs with an empty side.')
  requireNonEmpty(t, 2, `Every pair needs a ${what}.`)
  return t
}

export async function loadScoredPairs(cols: PairColumns & { score?: ColumnChoice }): Promise<{ a: string; b: string; score: number }[]> {
  const t = await readPairs(cols, cols.score ?? ['score', 'similarity', 'label'], 'score')
  const out = t.rows.map((r) => {
    const score = Number(r.values[2])
    if (!Number.isFinite(score)) throw badInput(t.file, r.line, `score '${r.values[2]}' is not a number`, 'STS scores are numbers (e.g. 0–5).')
    return { a: r.values[0], b: r.values[1], score }
  })
  if (new Set(out.map((p) => p.score)).size < 2)
    throw badInput(
      t.file,
      undefined,
      `every pair has the same score (${out[0].score}): a correlation needs at least two different scores`,
      'Use a file with graded scores.',
    )
  return out
}

const POSITIVE = new Set(['1', 'true', 'yes'])
const NEGATIVE = new Set(['0', 'false', 'no', '-1'])

export async function loadLabelledPairs(cols: PairColumns & { label?: ColumnChoice }): Promise<{ a: string; b: string; label: 0 | 1 }[]> {
  const t = await readPairs(cols, cols.label ?? ['label', 'labels', 'is_duplicate'], 'label')
  const out = t.rows.map((r) => {
    const v = r.values[2].toLowerCase()
    if (!POSITIVE.has(v) && !NEGATIVE.has(v))
      throw badInput(
        t.file,
        r.line,
        `label '${r.values[2]}' is not binary`,
        'Pair labels are 1 (same meaning / duplicate) or 0 (not); true/false and yes/no work too.',
      )
    return { a: r.values[0], b: r.values[1], label: (POSITIVE.has(v) ? 1 : 0) as 0 | 1 }
  })
  const positives = out.filter((p) => p.label === 1).length
  if (positives === 0 || positives === out.length) {
    throw badInput(
      t.file,
      undefined,
      `all ${out.length} pairs have label ${out[0].label}: average precision and F1 need both positive and negative pairs`,
      'Add pairs of the other class.',
    )
  }
  return out
}
