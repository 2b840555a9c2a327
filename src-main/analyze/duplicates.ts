/**
 * Near-duplicate and exact-duplicate groups.
 *
 *  - near: rows whose vectors are within `threshold` cosine distance (default 0.02) are joined by
 *    union-find over the kNN edges (k = 10 by default). This is single linkage: a chain a–b–c joins a
 *    and c even if they are slightly farther apart; `maxDistance` reports the spread of each group.
 *  - exact text: rows whose normalized text (NFKC, lower-case, whitespace collapsed, trimmed) is equal.
 * Both kinds are merged into one partition. Each group of ≥ 2 rows gets one suggested keeper:
 * 'centroid' (default) = the row closest to the group's normalized mean vector (ties → lowest row),
 * or 'first' = the lowest row index (first occurrence).
 */
import { type LongRunOptions, type Matrix, Ticker, checkMatrix, dotRows, subProgress } from './common'
import { type KnnResult, knn } from './knn'

export interface DuplicateOptions extends LongRunOptions {
  /** Cosine distance at or below which two rows are near-duplicates (default 0.02). */
  threshold?: number
  /** Neighbours examined per row (default 10). */
  k?: number
  knn?: KnnResult
  /** Row texts for exact-duplicate detection (same order as the rows). */
  texts?: ArrayLike<string>
  keeper?: 'centroid' | 'first'
}

export interface DuplicateGroup {
  /** Rows in the group, ascending. */
  rows: number[]
  keeper: number
  /** 'exact-text': all rows have the same normalized text; 'near': joined by vectors only; 'mixed'. */
  kind: 'exact-text' | 'near' | 'mixed'
  /** Largest cosine distance from a row to the keeper (NaN without vectors). */
  maxDistance: number
}

export interface DuplicateResult {
  groups: DuplicateGroup[]
  /** Group index of each row, −1 for rows without duplicates. */
  groupOf: Int32Array
  /** Rows that are not keepers (what removing duplicates would drop). */
  redundantRows: number
}

export function normalizeText(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim()
}

class UnionFind {
  readonly parent: Int32Array
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i)
  }
  find(x: number): number {
    const p = this.parent
    while (p[x] !== x) {
      p[x] = p[p[x]]
      x = p[x]
    }
    return x
  }
  union(a: number, b: number): void {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra !== rb) {
      if (ra < rb) this.parent[rb] = ra
      else this.parent[ra] = rb
    }
  }
}

export async function duplicates(X: Matrix | null, opts: DuplicateOptions = {}): Promise<DuplicateResult> {
  const texts = opts.texts
  const n = X ? X.n : (texts?.length ?? 0)
  if (X) checkMatrix(X)
  const threshold = opts.threshold ?? 0.02
  const uf = new UnionFind(n)
  const viaText = new Uint8Array(n)
  const viaNear = new Uint8Array(n)
  if (X && n > 1 && threshold >= 0) {
    let kn = opts.knn
    const k = Math.min(opts.k ?? 10, n - 1)
    if (!kn || kn.n !== n) kn = await knn(X, { k, signal: opts.signal, onProgress: subProgress(opts.onProgress, 0, 80, 100) })
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < kn.k; t++) {
        const j = kn.indices[i * kn.k + t]
        if (j < 0 || kn.distances[i * kn.k + t] > threshold) break
        uf.union(i, j)
        viaNear[i] = viaNear[j] = 1
      }
    }
  }
  const ticker = new Ticker({ signal: opts.signal, onProgress: subProgress(opts.onProgress, 80, 100, 100) }, n)
  if (texts) {
    const first = new Map<string, number>()
    for (let i = 0; i < n; i++) {
      const key = normalizeText(String(texts[i] ?? ''))
      const f = first.get(key)
      if (f === undefined) first.set(key, i)
      else {
        uf.union(f, i)
        viaText[f] = viaText[i] = 1
      }
      if ((i & 8191) === 8191) await ticker.tick(i)
    }
  }
  // collect groups (roots in ascending order of their smallest member = the root, by construction)
  const size = new Int32Array(n)
  for (let i = 0; i < n; i++) size[uf.find(i)]++
  const groupOf = new Int32Array(n).fill(-1)
  const groups: DuplicateGroup[] = []
  const rootGroup = new Int32Array(n).fill(-1)
  for (let i = 0; i < n; i++) {
    const r = uf.find(i)
    if (size[r] < 2) continue
    if (rootGroup[r] < 0) {
      rootGroup[r] = groups.length
      groups.push({ rows: [], keeper: r, kind: 'near', maxDistance: NaN })
    }
    groupOf[i] = rootGroup[r]
    groups[rootGroup[r]].rows.push(i)
  }
  for (const g of groups) {
    const allText = g.rows.every((i) => viaText[i]) && texts !== undefined && sameText(texts, g.rows)
    const anyNear = g.rows.some((i) => viaNear[i])
    g.kind = allText ? 'exact-text' : anyNear && g.rows.some((i) => viaText[i]) ? 'mixed' : anyNear ? 'near' : 'exact-text'
    if (X) {
      const d = X.d
      const c = new Float32Array(d)
      for (const i of g.rows) for (let t = 0; t < d; t++) c[t] += X.data[i * d + t]
      let best = g.rows[0]
      let bestV = -Infinity
      for (const i of g.rows) {
        const v = dotRows(X.data, i, c, 0, d)
        if (v > bestV + 1e-7) {
          bestV = v
          best = i
        }
      }
      g.keeper = opts.keeper === 'first' ? g.rows[0] : best
      let maxD = 0
      for (const i of g.rows) maxD = Math.max(maxD, 1 - dotRows(X.data, i, X.data, g.keeper, d))
      g.maxDistance = Math.max(0, maxD)
    } else {
      g.keeper = g.rows[0]
    }
  }
  ticker.done()
  let redundant = 0
  for (const g of groups) redundant += g.rows.length - 1
  return { groups, groupOf, redundantRows: redundant }
}

function sameText(texts: ArrayLike<string>, rows: number[]): boolean {
  const t0 = normalizeText(String(texts[rows[0]] ?? ''))
  return rows.every((i) => normalizeText(String(texts[i] ?? '')) === t0)
}
