/**
 * The evaluation a dataset's shape allows, when the user names none: two texts in different languages → bitext; two
 * texts and a 0/1 label → pair classification; two texts and a graded score → STS; a text and a class label →
 * classification; two texts alone → retrieval (the shorter as query, the longer as its relevant document).
 */
import type { EvalTaskKind, EvalTaskSpec } from '../../contract'
import { EmbedMapError } from '../../errors'
import type { DatasetTable } from '../../jobs/evaluate-source'
import { languageProfile } from '../detect-language'

interface ColumnFacts {
  idx: number
  name: string
  distinct: number
  medianLength: number
  numeric: boolean
  integer: boolean
  binary: boolean
  language: string | null
}

const SAMPLE = 2000
const BINARY = new Set(['0', '1', 'true', 'false', 'yes', 'no'])
const LABEL_NAME = /label|category|class|topic|intent|sentiment|tag/i
const SCORE_NAME = /score|similarity|relatedness|rating/i

function facts(table: DatasetTable): ColumnFacts[] {
  const rows = table.rows.slice(0, SAMPLE)
  return table.columns.map((name, idx) => {
    const values = rows.map((r) => (r.cells[idx] ?? '').trim()).filter((v) => v !== '')
    const lengths = values.map((v) => [...v].length).sort((a, b) => a - b)
    const numeric = values.length > 0 && values.every((v) => Number.isFinite(Number(v)))
    return {
      idx,
      name,
      distinct: new Set(values).size,
      medianLength: lengths.length ? lengths[lengths.length >> 1] : 0,
      numeric,
      integer: numeric && values.every((v) => Number.isInteger(Number(v))),
      binary: values.length > 0 && values.every((v) => BINARY.has(v.toLowerCase())) && new Set(values).size === 2,
      language: languageProfile(values.slice(0, 500)).main,
    }
  })
}

export interface ChosenTask {
  spec: EvalTaskSpec
  reason: string
}

/** The task and its columns for `models recommend`; explicit choices win, the rest is guessed and explained. */
export function chooseTask(table: DatasetTable, task: EvalTaskKind | undefined, columns: (string | number)[] | undefined): ChosenTask {
  const cols = facts(table)
  const n = Math.min(table.rows.length, SAMPLE)
  const text = cols[table.textColumn]
  const isText = (c: ColumnFacts) => !c.numeric && c.medianLength >= 8 && c.distinct > n * 0.5
  const secondText = cols
    .filter((c) => c.idx !== text.idx && isText(c))
    .sort((a, b) => Math.abs(a.medianLength - text.medianLength) - Math.abs(b.medianLength - text.medianLength))[0]
  const labels = cols
    .filter((c) => c.idx !== text.idx && c !== secondText && c.distinct >= 2 && c.distinct <= Math.min(200, Math.max(2, n / 3)) && !isText(c))
    .sort((a, b) => Number(LABEL_NAME.test(b.name)) - Number(LABEL_NAME.test(a.name)) || a.distinct - b.distinct)
  const binary = labels.find((c) => c.binary)
  const score = cols.find((c) => c.idx !== text.idx && c.numeric && c.distinct > 2 && (SCORE_NAME.test(c.name) || !c.integer))
  const label = labels.find((c) => !c.binary) ?? labels[0]
  const pick = (i: number, fallback: ColumnFacts | undefined) => columns?.[i] ?? fallback?.name
  const need = (v: string | number | undefined, what: string, kind: string) => {
    if (v === undefined)
      throw new EmbedMapError(
        'BAD_INPUT',
        `Dataset ${table.datasetId} has no ${what} for a ${kind} evaluation.`,
        'Name the columns with --columns (see `embedmap models recommend --help`), or choose another --task.',
      )
    return v
  }
  const pairOrder = secondText && secondText.medianLength < text.medianLength ? [secondText, text] : [text, secondText]
  const kind: EvalTaskKind =
    task ??
    (secondText && text.language && secondText.language && text.language !== secondText.language && text.language !== 'multilingual'
      ? 'bitext'
      : secondText && binary
        ? 'pairs'
        : secondText && score
          ? 'sts'
          : label
            ? 'classification'
            : secondText
              ? 'retrieval'
              : (() => {
                  throw new EmbedMapError(
                    'BAD_INPUT',
                    `Dataset ${table.datasetId} has one text column and no label: there is nothing to measure a model against.`,
                    'Import data with a label column (classification), a second text (pairs, retrieval) or a translation (bitext), or name the columns with --task and --columns.',
                  )
                })())
  const d = table.datasetId
  switch (kind) {
    case 'bitext': {
      const [s, t] = [need(pick(0, text), 'source column', kind), need(pick(1, secondText), 'target column', kind)]
      return {
        spec: { kind, dataset: d, source: s, target: t },
        reason: `bitext mining: '${s}' (${text.language}) and '${t}' (${secondText?.language}) look like translations`,
      }
    }
    case 'pairs': {
      const [a, b, l] = [need(pick(0, text), 'first text', kind), need(pick(1, secondText), 'second text', kind), need(pick(2, binary), '0/1 label', kind)]
      return { spec: { kind, dataset: d, a, b, label: l }, reason: `pair classification: text pairs '${a}' / '${b}' with a 0/1 label '${l}'` }
    }
    case 'sts': {
      const [a, b, s] = [need(pick(0, text), 'first text', kind), need(pick(1, secondText), 'second text', kind), need(pick(2, score), 'score', kind)]
      return { spec: { kind, dataset: d, a, b, score: s }, reason: `STS: text pairs '${a}' / '${b}' with a graded score '${s}'` }
    }
    case 'retrieval': {
      const [q, doc] = [need(pick(0, pairOrder[0]), 'query column', kind), need(pick(1, pairOrder[1]), 'document column', kind)]
      return { spec: { kind, dataset: d, queryText: q, docText: [doc] }, reason: `retrieval: each '${q}' as a query for its own '${doc}'` }
    }
    case 'classification':
    case 'clustering': {
      const [t, l] = [need(pick(0, text), 'text column', kind), need(pick(1, label), 'label column', kind)]
      return {
        spec: { kind, dataset: d, text: t, label: l },
        reason: `${kind}: texts '${t}' with ${label && columns?.[1] === undefined ? `${label.distinct} classes` : 'classes'} in '${l}'`,
      }
    }
  }
}
