import { useState } from 'react'
import type { EvaluationRun } from '../../../src-main/contract'
import { useQuery } from '../../api/hooks'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { QueryDetail } from './QueryDetail'

/** Per-query wins and losses between two retrieval results: the queries where they differ most, clickable. */
export function QueryComparison({ runs }: { runs: EvaluationRun[] }) {
  // Two models by default (the baseline when only one model ran).
  const models = runs.filter((r) => !r.lexical)
  const [a, setA] = useState((models[0] ?? runs[0]).id)
  const [b, setB] = useState((models[1] ?? runs.find((r) => r.id !== a) ?? runs[1]).id)
  const [open, setOpen] = useState<string | null>(null)
  const cmp = useQuery('eval.compare', a !== b ? { a, b } : null, `${a}:${b}`)
  const name = (id: number) => runs.find((r) => r.id === id)?.modelId ?? String(id)
  const rows = cmp.value ? [...cmp.value.queries].sort((x, y) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a)) : []
  const wins = rows.filter((q) => q.a > q.b).length
  const losses = rows.filter((q) => q.a < q.b).length
  const pick = (value: number, set: (v: number) => void, testId: string) => (
    <select value={value} onChange={(e) => set(Number(e.target.value))} data-testid={testId}>
      {runs.map((r) => (
        <option key={r.id} value={r.id}>
          {r.modelId}
        </option>
      ))}
    </select>
  )
  return (
    <section className="eval-compare" data-testid="eval-compare" aria-label="Per-query comparison">
      <h3 className="panel__title">
        Per query: {pick(a, setA, 'eval-compare-a')} vs {pick(b, setB, 'eval-compare-b')}
      </h3>
      {cmp.error && <ErrorMessage error={cmp.error} title="Could not compare" />}
      {cmp.value && (
        <p className="muted" data-testid="eval-compare-summary">
          {name(a)} wins {wins} queries, loses {losses}, ties {rows.length - wins - losses} (nDCG@10).
        </p>
      )}
      <div className="eval-compare__body">
        <ol className="eval-compare__list">
          {rows.slice(0, 40).map((q) => (
            <li key={q.queryId}>
              <button
                type="button"
                className={`eval-query${open === q.queryId ? ' is-active' : ''}`}
                onClick={() => setOpen(q.queryId)}
                data-testid="eval-query"
              >
                <span
                  className={
                    q.a > q.b ? 'eval-query__delta eval-query__delta--win' : q.a < q.b ? 'eval-query__delta eval-query__delta--loss' : 'eval-query__delta'
                  }
                >
                  {(q.a - q.b >= 0 ? '+' : '') + (q.a - q.b).toFixed(2)}
                </span>
                <span className="eval-query__text">{q.text}</span>
              </button>
            </li>
          ))}
        </ol>
        {open && <QueryDetail runIds={[a, b]} queryId={open} />}
      </div>
    </section>
  )
}
