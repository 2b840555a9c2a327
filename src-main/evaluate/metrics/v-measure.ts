/**
 * Homogeneity, completeness and V-measure of a clustering against gold labels, the way
 * sklearn.metrics computes them (natural-log entropies, mutual information from the contingency
 * table, the same operation order), so mteb's clustering score can be matched to ~1e-12 on the
 * same assignments.
 */

function denseIds(labels: ArrayLike<number | string>): { ids: Int32Array; count: number } {
  const map = new Map<number | string, number>()
  const ids = new Int32Array(labels.length)
  for (let i = 0; i < labels.length; i++) {
    let id = map.get(labels[i])
    if (id === undefined) map.set(labels[i], (id = map.size))
    ids[i] = id
  }
  return { ids, count: map.size }
}

/** Entropy (nats) of a labelling, sklearn's formula: −Σ p (log c − log n). */
function entropy(counts: Float64Array): number {
  let total = 0
  for (const c of counts) total += c
  if (total === 0) return 1
  const logTotal = Math.log(total)
  let h = 0
  for (const c of counts) if (c > 0) h -= (c / total) * (Math.log(c) - logTotal)
  return h
}

/** Mutual information (nats) of two labellings given as dense ids. */
function mutualInformation(a: Int32Array, na: number, b: Int32Array, nb: number): number {
  const n = a.length
  const table = new Map<number, number>()
  const pa = new Float64Array(na)
  const pb = new Float64Array(nb)
  for (let i = 0; i < n; i++) {
    const key = a[i] * nb + b[i]
    table.set(key, (table.get(key) ?? 0) + 1)
    pa[a[i]]++
    pb[b[i]]++
  }
  if (na === 1 || nb === 1) return 0
  const logN = Math.log(n)
  let mi = 0
  for (const [key, count] of table) {
    const i = Math.floor(key / nb)
    const j = key % nb
    const pij = count / n
    const logOuter = -Math.log(pa[i] * pb[j]) + logN + logN
    let term = pij * (Math.log(count) - logN) + pij * logOuter
    if (Math.abs(term) < Number.EPSILON) term = 0
    mi += term
  }
  return Math.max(0, mi)
}

export interface VMeasure {
  homogeneity: number
  completeness: number
  v_measure: number
}

export function vMeasure(gold: ArrayLike<number | string>, predicted: ArrayLike<number | string>, beta = 1): VMeasure {
  if (gold.length !== predicted.length) throw new Error(`v-measure: ${gold.length} gold labels vs ${predicted.length} predictions`)
  if (gold.length === 0) return { homogeneity: 1, completeness: 1, v_measure: 1 }
  const g = denseIds(gold)
  const p = denseIds(predicted)
  const cg = new Float64Array(g.count)
  const cp = new Float64Array(p.count)
  for (let i = 0; i < gold.length; i++) {
    cg[g.ids[i]]++
    cp[p.ids[i]]++
  }
  const hC = entropy(cg)
  const hK = entropy(cp)
  const mi = mutualInformation(g.ids, g.count, p.ids, p.count)
  const homogeneity = hC ? mi / hC : 1
  const completeness = hK ? mi / hK : 1
  const v = homogeneity + completeness === 0 ? 0 : ((1 + beta) * homogeneity * completeness) / (beta * homogeneity + completeness)
  return { homogeneity, completeness, v_measure: v }
}
