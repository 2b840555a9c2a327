import type { Dataset, EvalTaskKind, EvalTaskSpec } from '../../../src-main/contract'

/** Each task's column roles, in the order the form shows them (like the import preview's column choice). */
export const TASK_ROLES: Record<EvalTaskKind, { key: string; label: string }[]> = {
  retrieval: [
    { key: 'query', label: 'Query' },
    { key: 'doc', label: 'Relevant document' },
  ],
  sts: [
    { key: 'a', label: 'First text' },
    { key: 'b', label: 'Second text' },
    { key: 'score', label: 'Gold score' },
  ],
  pairs: [
    { key: 'a', label: 'First text' },
    { key: 'b', label: 'Second text' },
    { key: 'label', label: '0/1 label' },
  ],
  clustering: [
    { key: 'text', label: 'Text' },
    { key: 'label', label: 'Label' },
  ],
  classification: [
    { key: 'text', label: 'Text' },
    { key: 'label', label: 'Label' },
  ],
  bitext: [
    { key: 'source', label: 'Source language' },
    { key: 'target', label: 'Translation' },
  ],
}

export const TASK_LABELS: Record<EvalTaskKind, string> = {
  retrieval: 'Retrieval (query → document)',
  sts: 'Semantic similarity (STS)',
  pairs: 'Pair classification',
  clustering: 'Clustering',
  classification: 'Classification',
  bitext: 'Bitext mining (translations)',
}

/** A first guess per role: the text column for texts, a column named like the role, else the next unused one. */
export function defaultColumns(dataset: Dataset, kind: EvalTaskKind): Record<string, string> {
  const names = dataset.columns.map((c) => c.name)
  const text = names[dataset.textColumn]
  const used = new Set<string>()
  const out: Record<string, string> = {}
  const guess: Record<string, RegExp> = {
    label: /label|category|class/i,
    score: /score|similarity/i,
    query: /query|question|title/i,
    doc: /doc|answer|passage|text|description/i,
  }
  for (const role of TASK_ROLES[kind]) {
    const byName = guess[role.key] && names.find((n) => !used.has(n) && guess[role.key].test(n))
    const pick = (['text', 'a', 'source'].includes(role.key) && !used.has(text) ? text : byName) ?? names.find((n) => !used.has(n)) ?? names[0]
    used.add(pick)
    out[role.key] = pick
  }
  return out
}

export function taskSpec(datasetId: number, kind: EvalTaskKind, c: Record<string, string>): EvalTaskSpec {
  switch (kind) {
    case 'retrieval':
      return { kind, dataset: datasetId, queryText: c.query, docText: [c.doc] }
    case 'sts':
      return { kind, dataset: datasetId, a: c.a, b: c.b, score: c.score }
    case 'pairs':
      return { kind, dataset: datasetId, a: c.a, b: c.b, label: c.label }
    case 'bitext':
      return { kind, dataset: datasetId, source: c.source, target: c.target }
    default:
      return { kind, dataset: datasetId, text: c.text, label: c.label }
  }
}
