/**
 * Training pairs from what the user has: pair columns, BEIR files, or groups (a label column, clusters,
 * selections). Every builder deduplicates, drops pairs with an empty side (and says how many), and keeps
 * a held-out evaluation split aside before anything trains, so the "after" metric is never measured on
 * pairs the model saw.
 */
import { EmbedMapError } from '../errors'
import { permutation, seededRandom } from './rng'

export interface TrainingPair {
  anchor: string
  positive: string
  /** A hard negative given by the data (third column). Mined negatives are added later, by index. */
  negative?: string
  /** Which group/query the pair came from: batches keep pairs of one group apart (see batches.ts). */
  group?: string
}

export interface PairReport {
  /** Pairs (or qrels / rows) read. */
  input: number
  /** Exact duplicate pairs removed (same anchor, positive and negative). */
  duplicates: number
  /** Pairs dropped because the anchor or positive was empty (a negative that is empty is just removed). */
  empty: number
  /** BEIR only: qrels with score ≤ 0, or pointing at a query/doc id that is not in the files. */
  skippedQrels?: number
  unknownIds?: number
  train: number
  eval: number
}

export interface PairSet {
  train: TrainingPair[]
  eval: TrainingPair[]
  report: PairReport
}

export interface SplitOptions {
  /** Share kept aside for evaluation (default 0.1). 0 keeps nothing aside. */
  evalFraction?: number
  seed?: number
}

/** Fewer pairs than this cannot train anything meaningful (and a 10 % split would be empty). */
export const MIN_PAIRS = 10

const DEFAULT_EVAL_FRACTION = 0.1
const DEFAULT_SEED = 42

// ---- pair columns ----------------------------------------------------------------------------------

export interface PairRow {
  anchor: string | null | undefined
  positive: string | null | undefined
  negative?: string | null | undefined
}

/** (anchor, positive[, negative]) rows, e.g. question/answer columns of a dataset. Split by pair. */
export function pairsFromColumns(rows: readonly PairRow[], opts: SplitOptions = {}): PairSet {
  const { pairs, duplicates, empty } = cleanPairs(rows.map((r) => ({ anchor: r.anchor, positive: r.positive, negative: r.negative })))
  checkEnough(pairs.length, rows.length, empty)
  // Split by anchor text, not by row: two pairs with the same question on both sides would leak.
  const { train, evalSet } = splitByKey(pairs, (p) => p.anchor, opts)
  return { train, eval: evalSet, report: { input: rows.length, duplicates, empty, train: train.length, eval: evalSet.length } }
}

// ---- BEIR ------------------------------------------------------------------------------------------

export interface BeirQuery {
  id: string
  text: string
}
export interface BeirDoc {
  id: string
  /** BEIR documents have a title and a text; they are joined "title text" like sentence-transformers' BEIR examples. */
  title?: string
  text: string
}
export interface BeirQrel {
  queryId: string
  docId: string
  score: number
}

export interface BeirPairSet extends PairSet {
  /** Query ids on each side: no query is on both (the retrieval evaluation needs whole queries). */
  trainQueryIds: string[]
  evalQueryIds: string[]
}

/** The text of a BEIR document as it is embedded: "title text" when there is a title. */
export function beirDocText(doc: BeirDoc): string {
  const title = (doc.title ?? '').trim()
  const text = (doc.text ?? '').trim()
  return title && text ? `${title} ${text}` : title || text
}

/**
 * Query text → positive document text for every qrel with score > 0. Split by *query*: all pairs of a
 * query go to the same side, so the held-out retrieval metric measures queries the model never saw.
 */
export function pairsFromBeir(
  input: { queries: readonly BeirQuery[]; corpus: readonly BeirDoc[]; qrels: readonly BeirQrel[] },
  opts: SplitOptions = {},
): BeirPairSet {
  const queries = new Map(input.queries.map((q) => [q.id, q.text]))
  const docs = new Map(input.corpus.map((d) => [d.id, beirDocText(d)]))
  let skippedQrels = 0
  let unknownIds = 0
  const raw: Array<{ anchor: string | undefined; positive: string | undefined; group: string }> = []
  for (const r of input.qrels) {
    if (!(r.score > 0)) {
      skippedQrels++
      continue
    }
    if (!queries.has(r.queryId) || !docs.has(r.docId)) {
      unknownIds++
      continue
    }
    raw.push({ anchor: queries.get(r.queryId), positive: docs.get(r.docId), group: r.queryId })
  }
  if (raw.length === 0 && input.qrels.length > 0 && unknownIds > 0) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `None of the ${input.qrels.length} qrels point at a query and a document in the files (${unknownIds} unknown ids)`,
      'check that the qrels file belongs to these queries and corpus files (columns query_id, doc_id, score)',
    )
  }
  const { pairs, duplicates, empty } = cleanPairs(raw)
  checkEnough(pairs.length, input.qrels.length, empty)
  const { train, evalSet } = splitByKey(pairs, (p) => p.group ?? p.anchor, opts)
  const ids = (ps: TrainingPair[]) => [...new Set(ps.map((p) => p.group as string))]
  return {
    train,
    eval: evalSet,
    trainQueryIds: ids(train),
    evalQueryIds: ids(evalSet),
    report: { input: input.qrels.length, duplicates, empty, skippedQrels, unknownIds, train: train.length, eval: evalSet.length },
  }
}

// ---- groups ----------------------------------------------------------------------------------------

export interface GroupRow {
  text: string | null | undefined
  /** A label, cluster id or selection name. Rows with no group are ignored. */
  group: string | number | null | undefined
}

export interface GroupPairOptions extends SplitOptions {
  /** Pairs sampled per row, each with another row of its group (default 1). */
  pairsPerRow?: number
}

/**
 * Rows that belong together → (row, other row of the same group) pairs. The split is by *row*: held-out
 * rows only pair with held-out rows, so no text is on both sides. Sampling is seeded.
 */
export function pairsFromGroups(rows: readonly GroupRow[], opts: GroupPairOptions = {}): PairSet {
  const seed = opts.seed ?? DEFAULT_SEED
  const rand = seededRandom(seed)
  const perRow = Math.max(1, Math.floor(opts.pairsPerRow ?? 1))
  // Empty texts cannot be a side of any pair: count each as one dropped pair candidate.
  let empty = 0
  const usable: Array<{ text: string; group: string }> = []
  for (const r of rows) {
    if (r.group === null || r.group === undefined || String(r.group) === '') continue
    const text = (r.text ?? '').trim()
    if (!text) {
      empty++
      continue
    }
    usable.push({ text, group: String(r.group) })
  }
  const fraction = evalFraction(opts)
  const order = permutation(usable.length, rand)
  const nEval = Math.round(usable.length * fraction)
  const evalRows = Array.from(order.subarray(0, nEval), (i) => usable[i])
  const trainRows = Array.from(order.subarray(nEval), (i) => usable[i])
  const sample = (side: typeof usable) => {
    const byGroup = new Map<string, string[]>()
    for (const r of side) {
      const g = byGroup.get(r.group)
      if (g) g.push(r.text)
      else byGroup.set(r.group, [r.text])
    }
    const out: Array<{ anchor: string; positive: string; group: string }> = []
    for (const r of side) {
      const members = byGroup.get(r.group) as string[]
      const others = members.filter((t) => t !== r.text)
      for (let k = 0; k < Math.min(perRow, others.length); k++) {
        out.push({ anchor: r.text, positive: others[Math.floor(rand() * others.length)], group: r.group })
      }
    }
    return out
  }
  const trainClean = cleanPairs(sample(trainRows))
  const evalClean = cleanPairs(sample(evalRows))
  const total = trainClean.pairs.length + evalClean.pairs.length
  checkEnough(total, rows.length, empty, 'no group has two or more non-empty rows; groups need at least two rows to form a pair')
  return {
    train: trainClean.pairs,
    eval: evalClean.pairs,
    report: {
      input: rows.length,
      duplicates: trainClean.duplicates + evalClean.duplicates,
      empty,
      train: trainClean.pairs.length,
      eval: evalClean.pairs.length,
    },
  }
}

// ---- shared ----------------------------------------------------------------------------------------

interface RawPair {
  anchor: string | null | undefined
  positive: string | null | undefined
  negative?: string | null | undefined
  group?: string
}

/** Trim, drop pairs with an empty side, drop exact duplicates (first one kept). */
function cleanPairs(raw: readonly RawPair[]): { pairs: TrainingPair[]; duplicates: number; empty: number } {
  const seen = new Set<string>()
  const pairs: TrainingPair[] = []
  let duplicates = 0
  let empty = 0
  for (const r of raw) {
    const anchor = (r.anchor ?? '').trim()
    const positive = (r.positive ?? '').trim()
    if (!anchor || !positive) {
      empty++
      continue
    }
    const negative = (r.negative ?? '').trim() || undefined
    // \u0000 cannot occur in CSV text we accept, so it separates the fields unambiguously.
    const key = `${anchor}\u0000${positive}\u0000${negative ?? ''}`
    if (seen.has(key)) {
      duplicates++
      continue
    }
    seen.add(key)
    const p: TrainingPair = { anchor, positive }
    if (negative !== undefined) p.negative = negative
    if (r.group !== undefined) p.group = r.group
    pairs.push(p)
  }
  return { pairs, duplicates, empty }
}

function checkEnough(usable: number, input: number, empty: number, extraHint?: string): void {
  if (usable >= MIN_PAIRS) return
  const why = empty ? ` (${empty} dropped because a side was empty)` : ''
  throw new EmbedMapError(
    'BAD_INPUT',
    `Only ${usable} usable training pairs from ${input} input rows${why}; fine-tuning needs at least ${MIN_PAIRS}`,
    extraHint ?? 'check the chosen columns, or add more pairs',
    { usable, input, empty },
  )
}

function evalFraction(opts: SplitOptions): number {
  const f = opts.evalFraction ?? DEFAULT_EVAL_FRACTION
  if (!(f >= 0 && f < 1)) throw new EmbedMapError('BAD_INPUT', `The evaluation share must be in [0, 1), got ${f}`)
  return f
}

/** Seeded split of whole keys (anchor text or query id): every pair of a key lands on the same side. */
function splitByKey(pairs: TrainingPair[], key: (p: TrainingPair) => string, opts: SplitOptions): { train: TrainingPair[]; evalSet: TrainingPair[] } {
  const fraction = evalFraction(opts)
  const keys = [...new Set(pairs.map(key))]
  const order = permutation(keys.length, seededRandom(opts.seed ?? DEFAULT_SEED))
  // At least one key held out when a share was asked for, but never all of them.
  const nEval = fraction > 0 ? Math.min(keys.length - 1, Math.max(1, Math.round(keys.length * fraction))) : 0
  const held = new Set<string>()
  for (let i = 0; i < nEval; i++) held.add(keys[order[i]])
  const train: TrainingPair[] = []
  const evalSet: TrainingPair[] = []
  for (const p of pairs) (held.has(key(p)) ? evalSet : train).push(p)
  return { train, evalSet }
}
