/**
 * Pair-classification metrics as mteb 2.x computes them (AbsTaskPairClassification):
 *  - average precision = sklearn's `average_precision_score`: Σ (R_n − R_{n−1}) P_n over the distinct
 *    score thresholds (tied scores enter together, no interpolation);
 *  - best accuracy and best F1 by sweeping a threshold down a stable sort of the scores (ties keep
 *    input order, the last pair is never a cut point), threshold = midpoint of the two neighbours.
 * Why replicate the sweeps rather than compute the "true" optimum: mteb's loops ignore ties and skip
 * the last cut, and our numbers must equal its numbers.
 */

/** sklearn average_precision_score for binary labels (1 = positive) and scores (higher = positive). */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a])
  let positives = 0
  for (let i = 0; i < n; i++) if (labels[i] === 1) positives++
  if (positives === 0) return NaN
  let tp = 0
  let fp = 0
  let prevRecall = 0
  let ap = 0
  for (let i = 0; i < n; i++) {
    if (labels[order[i]] === 1) tp++
    else fp++
    // only at the last element of a run of equal scores (a distinct threshold)
    if (i + 1 < n && scores[order[i + 1]] === scores[order[i]]) continue
    const recall = tp / positives
    const precision = tp / (tp + fp)
    ap += (recall - prevRecall) * precision
    prevRecall = recall
  }
  return ap
}

function sortedRows(scores: ArrayLike<number>, higherIsPositive: boolean): number[] {
  // Array.prototype.sort is stable, like Python's sorted (also with reverse=True).
  const order = Array.from({ length: scores.length }, (_, i) => i)
  return order.sort((a, b) => (higherIsPositive ? scores[b] - scores[a] : scores[a] - scores[b]))
}

export function bestAccuracyAndThreshold(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  higherIsPositive: boolean,
): { accuracy: number; threshold: number } {
  const rows = sortedRows(scores, higherIsPositive)
  let negativesLeft = 0
  for (let i = 0; i < labels.length; i++) if (labels[i] === 0) negativesLeft++
  let positivesSoFar = 0
  let best = 0
  let threshold = -1
  for (let i = 0; i < rows.length - 1; i++) {
    if (labels[rows[i]] === 1) positivesSoFar++
    else negativesLeft--
    const acc = (positivesSoFar + negativesLeft) / labels.length
    if (acc > best) {
      best = acc
      threshold = (scores[rows[i]] + scores[rows[i + 1]]) / 2
    }
  }
  return { accuracy: best, threshold }
}

export function bestF1AndThreshold(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  higherIsPositive: boolean,
): { f1: number; precision: number; recall: number; threshold: number } {
  const rows = sortedRows(scores, higherIsPositive)
  let total = 0
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) total++
  let best = { f1: 0, precision: 0, recall: 0, threshold: 0 }
  let extracted = 0
  let correct = 0
  for (let i = 0; i < rows.length - 1; i++) {
    extracted++
    if (labels[rows[i]] === 1) correct++
    if (correct > 0) {
      const precision = correct / extracted
      const recall = correct / total
      const f1 = (2 * precision * recall) / (precision + recall)
      if (f1 > best.f1) best = { f1, precision, recall, threshold: (scores[rows[i]] + scores[rows[i + 1]]) / 2 }
    }
  }
  return best
}

export interface PairMetrics {
  accuracy: number
  accuracy_threshold: number
  f1: number
  f1_threshold: number
  precision: number
  recall: number
  ap: number
}

/** All of mteb's pair metrics for one scoring function. */
export function pairMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>, higherIsPositive: boolean): PairMetrics {
  const acc = bestAccuracyAndThreshold(scores, labels, higherIsPositive)
  const f1 = bestF1AndThreshold(scores, labels, higherIsPositive)
  const signed = higherIsPositive ? scores : Array.from(scores, (s) => -s)
  return {
    accuracy: acc.accuracy,
    accuracy_threshold: acc.threshold,
    f1: f1.f1,
    f1_threshold: f1.threshold,
    precision: f1.precision,
    recall: f1.recall,
    ap: averagePrecision(labels, signed),
  }
}
