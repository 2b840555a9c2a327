/**
 * The user's source (dataset columns, a label column, clusters, map selections, BEIR files) → what training needs:
 * the pairs with their report, a corpus of passage-side texts, training anchors with their positive (and a given
 * negative) as corpus rows, and held-out queries with their relevant corpus rows. Used by the preview and the job.
 */
import crypto from 'node:crypto'
import type { FinetuneSource } from '../../contract'
import { EmbedMapError } from '../../errors'
import { loadBeir } from '../../evaluate'
import { pairsFromBeir, pairsFromColumns, pairsFromGroups, type GroupRow, type PairReport, type PairSet, type TrainingPair } from '../../finetune/pairs'
import { AnalysisRepo } from '../../store/analysis-repo'
import type { Db } from '../../store/connection'
import { DatasetsRepo } from '../../store/datasets-repo'

export interface TrainingSet {
  description: string
  datasetId: number | null
  report: PairReport
  /** A few training pairs, as read. */
  examples: TrainingPair[]
  /** Passage-side texts: positives and negatives are rows of this. */
  corpus: string[]
  /** Training anchors (query side), one per training pair. */
  anchors: string[]
  positives: Int32Array
  /** Per anchor: its group (query, label, anchor text); pairs of one group never share a batch. */
  groups: Int32Array
  /** Per anchor: the corpus row of the negative the data gave (−1 = none), when the source has negatives. */
  givenNegatives: Int32Array | null
  /**
   * Labels, clusters, selections: per group id (as in `groups`), every corpus row of the group. Mining excludes them
   * all (an anchor's own row and its group's rows are never its negatives). Null for pairs and BEIR data.
   */
  groupRows: number[][] | null
  /** Held-out queries and their relevant corpus rows: the before/after evaluation. */
  heldout: { queries: string[]; relevant: number[][] }
  /** sha256 over every text and link above: the same data gives the same fingerprint. */
  fingerprint: string
  warnings: string[]
}

export interface BuildOptions {
  evalSplit: number
  seed: number
}

/** Reads the source and builds the training set; BAD_INPUT for unknown columns, empty data or too few pairs. */
export async function buildTrainingSet(db: Db, source: FinetuneSource, opts: BuildOptions): Promise<TrainingSet> {
  const split = { evalFraction: opts.evalSplit, seed: opts.seed }
  if (source.kind === 'beir') {
    const data = await loadBeir({ queries: source.queries, corpus: source.corpus, qrels: source.qrels })
    const qrels = [...data.qrels].flatMap(([queryId, docs]) => [...docs].map(([docId, score]) => ({ queryId, docId, score })))
    const set = pairsFromBeir({ queries: data.queries, corpus: data.corpus, qrels }, split)
    const corpus = data.corpus.map((d) => d.text)
    const docRow = new Map(data.corpus.map((d, i) => [d.id, i]))
    const queryText = new Map(data.queries.map((q) => [q.id, q.text]))
    // Every relevant document of a held-out query counts, as the evaluation of the full files would count it.
    const relevantOf = (qid: string) => [...(data.qrels.get(qid) ?? [])].filter(([doc, s]) => s > 0 && docRow.has(doc)).map(([doc]) => docRow.get(doc)!)
    const heldout = { queries: set.evalQueryIds.map((id) => queryText.get(id)!), relevant: set.evalQueryIds.map(relevantOf) }
    const description = `${data.queries.length} queries × ${data.corpus.length} documents (${baseName(source.queries)}, ${baseName(source.corpus)}, ${baseName(source.qrels)})`
    return assemble(set, corpus, heldout, { description, datasetId: null, warnings: data.warnings })
  }

  const datasets = new DatasetsRepo(db)
  const dataset = datasets.get(source.datasetId)
  if (!dataset) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${source.datasetId}.`, 'List datasets with `embedmap datasets`.')
  const columns = datasets.columns(source.datasetId)
  const col = (name: string) => {
    const c = columns.find((x) => x.name === name) ?? (/^\d+$/.test(name) ? columns.find((x) => x.idx === Number(name)) : undefined)
    if (!c)
      throw new EmbedMapError(
        'BAD_INPUT',
        `Dataset ${dataset.id} (${dataset.name}) has no column '${name}'.`,
        `Its columns are: ${columns.map((x) => x.name).join(', ')}.`,
      )
    return c.idx
  }
  const rows = readRows(db, source.datasetId)

  if (source.kind === 'columns') {
    const [a, p, n] = [col(source.anchor), col(source.positive), source.negative === undefined ? undefined : col(source.negative)]
    const set = pairsFromColumns(
      rows.map((r) => ({ anchor: r.cells[a], positive: r.cells[p], negative: n === undefined ? undefined : r.cells[n] })),
      split,
    )
    // Distinct passage texts, then held-out queries = distinct held-out anchors with all their positives.
    const corpus = distinct([...set.train, ...set.eval].flatMap((x) => (x.negative ? [x.positive, x.negative] : [x.positive])))
    const row = new Map(corpus.map((t, i) => [t, i]))
    const byAnchor = new Map<string, Set<number>>()
    for (const x of set.eval) {
      const s = byAnchor.get(x.anchor) ?? new Set<number>()
      s.add(row.get(x.positive)!)
      byAnchor.set(x.anchor, s)
    }
    const heldout = { queries: [...byAnchor.keys()], relevant: [...byAnchor.values()].map((s) => [...s]) }
    const description = `columns ${source.anchor} → ${source.positive}${source.negative ? ` (negative ${source.negative})` : ''} of dataset ${dataset.id} (${dataset.name})`
    return assemble(set, corpus, heldout, { description, datasetId: dataset.id, warnings: [] })
  }

  let groupRows: GroupRow[]
  let description: string
  if (source.kind === 'label') {
    const l = col(source.label)
    groupRows = rows.map((r) => ({ text: r.text, group: r.cells[l] }))
    description = `rows grouped by ${source.label} in dataset ${dataset.id} (${dataset.name})`
  } else if (source.kind === 'clusters') {
    const analysis = new AnalysisRepo(db)
    const run = source.analysisRunId === undefined ? analysis.latestReady(dataset.id) : analysis.run(source.analysisRunId)
    const clustering = run?.clusteringId ? analysis.clustering(run.clusteringId) : null
    if (!run || !clustering)
      throw new EmbedMapError(
        'BAD_INPUT',
        `Dataset ${dataset.id} has no clusters${source.analysisRunId ? ` in analysis run ${source.analysisRunId}` : ''}.`,
        'Map it first (embedmap analyze).',
      )
    groupRows = rows.map((r) => ({ text: r.text, group: clustering.assignments[r.idx] ?? null }))
    description = `the ${clustering.k} clusters of analysis run ${run.id} on dataset ${dataset.id} (${dataset.name})`
  } else {
    const groupOf = new Map<number, string>()
    source.groups.forEach((g, i) => g.rows.forEach((r) => groupOf.set(r, g.name || `selection ${i + 1}`)))
    groupRows = rows.map((r) => ({ text: r.text, group: groupOf.get(r.idx) ?? null }))
    description = `${source.groups.length} selections (${groupOf.size} rows) of dataset ${dataset.id} (${dataset.name})`
  }
  const set = pairsFromGroups(groupRows, split)
  // The corpus is the training rows only: a held-out row is never trained on and never a document, so it cannot
  // find itself. Its relevant documents are the training rows of its group ("does it land among its own?").
  const corpus = distinct(set.train.flatMap((x) => [x.anchor, x.positive]))
  const groupOfText = new Map(set.train.flatMap((x) => [[x.anchor, x.group!] as const, [x.positive, x.group!] as const]))
  const rowsOfGroup = new Map<string, number[]>()
  corpus.forEach((t, i) => rowsOfGroup.set(groupOfText.get(t)!, [...(rowsOfGroup.get(groupOfText.get(t)!) ?? []), i]))
  const inCorpus = new Set(corpus)
  const held = distinct(set.eval.map((x) => x.anchor)).filter((a) => !inCorpus.has(a))
  const groupOfHeld = new Map(set.eval.map((x) => [x.anchor, x.group!]))
  const heldout = { queries: held, relevant: held.map((a) => rowsOfGroup.get(groupOfHeld.get(a)!) ?? []) }
  return assemble(set, corpus, heldout, { description, datasetId: dataset.id, warnings: [], groupRowsByKey: rowsOfGroup })
}

function assemble(
  set: PairSet,
  corpus: string[],
  heldout: TrainingSet['heldout'],
  meta: { description: string; datasetId: number | null; warnings: string[]; groupRowsByKey?: Map<string, number[]> },
): TrainingSet {
  const row = new Map(corpus.map((t, i) => [t, i]))
  const groupIds = new Map<string, number>()
  const anchors = set.train.map((p) => p.anchor)
  const positives = Int32Array.from(set.train, (p) => row.get(p.positive)!)
  const groups = Int32Array.from(set.train, (p) => {
    const key = p.group ?? p.anchor
    if (!groupIds.has(key)) groupIds.set(key, groupIds.size)
    return groupIds.get(key)!
  })
  const groupRows = meta.groupRowsByKey ? [...groupIds.keys()].map((key) => meta.groupRowsByKey!.get(key) ?? []) : null
  const hasNegatives = set.train.some((p) => p.negative !== undefined)
  const givenNegatives = hasNegatives ? Int32Array.from(set.train, (p) => (p.negative === undefined ? -1 : row.get(p.negative)!)) : null
  const warnings = [...meta.warnings]
  if (heldout.queries.length === 0) warnings.push('No pairs were kept aside: the run cannot measure before/after (raise the evaluation share).')
  const hash = crypto.createHash('sha256')
  for (const t of corpus) hash.update(t).update('\u0000')
  hash.update('\u0001')
  for (let i = 0; i < anchors.length; i++) hash.update(`${anchors[i]}\u0000${positives[i]}\u0000${groups[i]}\u0000${givenNegatives?.[i] ?? -1}\u0000`)
  hash.update('\u0001')
  heldout.queries.forEach((q, i) => hash.update(`${q}\u0000${heldout.relevant[i].join(',')}\u0000`))
  return {
    description: meta.description,
    datasetId: meta.datasetId,
    report: set.report,
    examples: set.train.slice(0, 5),
    corpus,
    anchors,
    positives,
    groups,
    givenNegatives,
    groupRows,
    heldout,
    fingerprint: hash.digest('hex'),
    warnings,
  }
}

interface StoredRow {
  idx: number
  text: string
  cells: (string | null)[]
}

function readRows(db: Db, datasetId: number): StoredRow[] {
  const raw = db.prepare(`SELECT idx, text, cells FROM rows WHERE dataset_id = ? ORDER BY idx`).all(datasetId) as { idx: number; text: string; cells: string }[]
  return raw.map((r) => ({ idx: r.idx, text: r.text, cells: JSON.parse(r.cells) }))
}

function distinct(texts: string[]): string[] {
  return [...new Set(texts)]
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p
}

/** Labels, clusters and selections: every member of a group is known, so group members are the positives. */
export function isGroupSource(s: FinetuneSource): boolean {
  return s.kind === 'label' || s.kind === 'clusters' || s.kind === 'selections'
}

/**
 * The margins of mining, per source. They guard against unlabeled positives (a relevant document the qrels do not
 * list); with groups every member is labeled, and a margin against the group's least similar member would reject
 * nearly every candidate, so groups mine without one.
 */
export function marginsFor(s: FinetuneSource, h: { absoluteMargin?: number; relativeMargin?: number }): { absoluteMargin?: number; relativeMargin?: number } {
  return isGroupSource(s) ? { absoluteMargin: undefined, relativeMargin: undefined } : { absoluteMargin: h.absoluteMargin, relativeMargin: h.relativeMargin }
}
