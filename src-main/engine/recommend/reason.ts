/** Ranks candidates' stored results by the task's main metric and says in one sentence why the top one. */
import { metricName, type EvaluationRun } from '../../contract'

const WHERE: Record<string, string> = {
  retrieval: 'your queries',
  sts: 'your pairs',
  pairs: 'your pairs',
  clustering: 'your rows',
  classification: 'your rows',
  bitext: 'your translations',
}

/** Best main score first; per model its full-size result only (a Matryoshka cut is a separate choice). */
export function rankRuns(runs: EvaluationRun[]): EvaluationRun[] {
  const best = new Map<string, EvaluationRun>()
  for (const r of runs) {
    const seen = best.get(r.modelId)
    if (!seen || (r.dims ?? 0) > (seen.dims ?? 0) || ((r.dims ?? 0) === (seen.dims ?? 0) && r.id > seen.id)) best.set(r.modelId, r)
  }
  return [...best.values()].sort((a, b) => b.mainScore - a.mainScore)
}

export function recommendationReason(ranked: EvaluationRun[]): { recommended: string | null; reason: string | null } {
  const models = ranked.filter((r) => !r.lexical)
  const top = models[0]
  if (!top) return { recommended: null, reason: null }
  const metric = metricName(top.mainMetric)
  const score = (r: EvaluationRun) => r.mainScore.toFixed(3)
  const where = WHERE[top.task] ?? 'your data'
  const baseline = ranked.find((r) => r.lexical)
  const beatenBy =
    baseline && baseline.mainScore > top.mainScore ? `; note that the keyword baseline (${baseline.modelId}) scores higher, ${score(baseline)}` : ''
  const second = models[1]
  if (!second) return { recommended: top.modelId, reason: `${top.modelId} is the only candidate: ${metric} ${score(top)} on ${where}${beatenBy}.` }
  const a = top.costs.sentencesPerSecond
  const b = second.costs.sentencesPerSecond
  let speed = ''
  if (a && b) {
    const ratio = b / a
    speed =
      ratio >= 1.05
        ? `, ${ratio.toFixed(1)}× slower than the runner-up`
        : ratio <= 0.95
          ? `, and ${(1 / ratio).toFixed(1)}× faster than the runner-up`
          : ', at the runner-up’s speed'
  }
  return {
    recommended: top.modelId,
    reason: `${top.modelId} is recommended: best ${metric} on ${where} (${score(top)} vs ${score(second)} for ${second.modelId})${speed}${beatenBy}.`,
  }
}
