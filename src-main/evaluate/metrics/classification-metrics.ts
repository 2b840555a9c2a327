/**
 * Accuracy and per-class precision / recall / F1 averaged the way sklearn.metrics does (the numbers
 * mteb reports for classification and bitext mining): the classes are the sorted union of gold and
 * predicted labels; an undefined ratio (0/0) counts as 0 (`zero_division=0`); "macro" is the plain
 * mean over classes, "weighted" weights each class by its gold support.
 */

export interface AveragedScores {
  precision: number
  recall: number
  f1: number
}

export interface ClassificationScores {
  accuracy: number
  f1: number
  f1_weighted: number
  precision: number
  precision_weighted: number
  recall: number
  recall_weighted: number
}

export function accuracy(gold: ArrayLike<number | string>, predicted: ArrayLike<number | string>): number {
  let ok = 0
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) ok++
  return gold.length ? ok / gold.length : 0
}

/** Per-class scores averaged "macro" or "weighted". */
export function averagedScores(gold: ArrayLike<number | string>, predicted: ArrayLike<number | string>, average: 'macro' | 'weighted'): AveragedScores {
  const tp = new Map<number | string, number>()
  const support = new Map<number | string, number>()
  const predCount = new Map<number | string, number>()
  for (let i = 0; i < gold.length; i++) {
    support.set(gold[i], (support.get(gold[i]) ?? 0) + 1)
    predCount.set(predicted[i], (predCount.get(predicted[i]) ?? 0) + 1)
    if (gold[i] === predicted[i]) tp.set(gold[i], (tp.get(gold[i]) ?? 0) + 1)
  }
  const classes = new Set([...support.keys(), ...predCount.keys()])
  let p = 0
  let r = 0
  let f = 0
  let weightSum = 0
  for (const c of classes) {
    const t = tp.get(c) ?? 0
    const s = support.get(c) ?? 0
    const q = predCount.get(c) ?? 0
    const w = average === 'macro' ? 1 : s
    p += w * (q ? t / q : 0)
    r += w * (s ? t / s : 0)
    f += w * (s + q ? (2 * t) / (s + q) : 0)
    weightSum += w
  }
  if (weightSum === 0) return { precision: 0, recall: 0, f1: 0 }
  return { precision: p / weightSum, recall: r / weightSum, f1: f / weightSum }
}

/** The scores mteb's AbsTaskClassification reports for one experiment. */
export function classificationScores(gold: ArrayLike<number | string>, predicted: ArrayLike<number | string>): ClassificationScores {
  const macro = averagedScores(gold, predicted, 'macro')
  const weighted = averagedScores(gold, predicted, 'weighted')
  return {
    accuracy: accuracy(gold, predicted),
    f1: macro.f1,
    f1_weighted: weighted.f1,
    precision: macro.precision,
    precision_weighted: weighted.precision,
    recall: macro.recall,
    recall_weighted: weighted.recall,
  }
}
