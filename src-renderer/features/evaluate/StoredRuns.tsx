import { useState } from 'react'
import { metricName, type EvaluationRun } from '../../../src-main/contract'
import { useEngineEvent, useQuery } from '../../api/hooks'
import { formatDate } from '../../ui/format'

/** Stored evaluations (eval.runs), one line per evaluated data set and task; a click shows its comparison. */
export function StoredRuns({ onShow }: { onShow(ids: number[]): void }) {
  const [nonce, setNonce] = useState(0)
  const runs = useQuery('eval.runs', {}, String(nonce))
  useEngineEvent((e) => {
    if (e.type === 'job' && e.job.kind === 'evaluate' && e.job.state === 'succeeded') setNonce((n) => n + 1)
  })
  const groups = new Map<string, EvaluationRun[]>()
  for (const r of runs.value ?? []) {
    const key = `${r.task}:${r.dataFingerprint}`
    groups.set(key, [...(groups.get(key) ?? []), r])
  }
  if (groups.size === 0) return null
  return (
    <section className="panel eval-stored" data-testid="eval-stored" aria-labelledby="eval-stored-heading">
      <h3 id="eval-stored-heading" className="panel__title">
        Stored evaluations
      </h3>
      <ul>
        {[...groups.values()].map((list) => {
          const best = [...list].sort((a, b) => b.mainScore - a.mainScore)[0]
          return (
            <li key={`${list[0].task}:${list[0].dataFingerprint}`}>
              <button
                type="button"
                className="btn btn--ghost btn--small"
                onClick={() => onShow([...list].reverse().map((r) => r.id))}
                data-testid="eval-stored-item"
              >
                {list[0].task} · {list[0].dataLabel} · {list.length} results · best {metricName(best.mainMetric)} {best.mainScore.toFixed(3)} ({best.modelId}) ·{' '}
                {formatDate(list[0].createdAt)}
              </button>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
