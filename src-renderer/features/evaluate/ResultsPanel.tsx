import { SHOWN_METRICS, metricName, type EvaluationRun } from '../../../src-main/contract'
import { BarChart } from './charts/BarChart'
import { ScatterChart } from './charts/ScatterChart'
import { QueryComparison } from './QueryComparison'

const label = (r: EvaluationRun) => `${r.modelId}${r.dims && !r.lexical ? ` @${r.dims}` : ''}`
const mb = (b: number | null) => (b ? `${Math.round(b / 1e6)} MB` : '—')

/** The comparison of one evaluation: table (models × metrics and costs) and plots; per-query wins for retrieval. */
export function ResultsPanel({ runs }: { runs: EvaluationRun[] }) {
  if (runs.length === 0) return null
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))]
  const main = runs[0].mainMetric
  const preferred = (SHOWN_METRICS[runs[0].task] ?? []).filter((m) => metrics.includes(m))
  const shown = [main, ...(preferred.length ? preferred : metrics).filter((m) => m !== main)].slice(0, 6)
  const best = Math.max(...runs.map((r) => r.mainScore))
  // Per model its full size for the bar and scatter plots; every dimension for the Matryoshka curve.
  const full = runs.filter((r) => !runs.some((o) => o.modelId === r.modelId && (o.dims ?? 0) > (r.dims ?? 0)))
  const curves = [...new Set(runs.filter((r) => !r.lexical).map((r) => r.modelId))]
    .map((m) => runs.filter((r) => r.modelId === m && r.dims))
    .filter((list) => list.length > 1)
  const models = full.filter((r) => !r.lexical)
  return (
    <section className="eval-results" data-testid="eval-results" aria-label="Evaluation results">
      <p className="muted">
        {runs[0].task} on {runs[0].dataLabel} · main metric {metricName(main)}
      </p>
      <div className="eval-table-wrap">
        <table className="eval-table" data-testid="eval-table">
          <thead>
            <tr>
              <th>Model</th>
              {shown.map((m) => (
                <th key={m}>{metricName(m)}</th>
              ))}
              <th>texts/s</th>
              <th>dims</th>
              <th>size</th>
              <th>peak memory</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} className={r.lexical ? 'eval-table__baseline' : undefined} data-testid="eval-row">
                <td>
                  {label(r)}
                  {r.lexical && <span className="badge">lexical baseline</span>}
                </td>
                {shown.map((m) => (
                  <td key={m} className={m === main && r.mainScore === best ? 'eval-table__best' : undefined}>
                    {r.metrics[m] === undefined ? '—' : r.metrics[m].toFixed(4)}
                  </td>
                ))}
                <td>{r.costs.sentencesPerSecond ? r.costs.sentencesPerSecond.toFixed(0) : '—'}</td>
                <td>{r.dims ?? '—'}</td>
                <td>{mb(r.costs.sizeBytes)}</td>
                <td>{mb(r.costs.peakRssBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="eval-charts">
        {shown.slice(0, 3).map((m) => (
          <BarChart key={m} title={metricName(m)} bars={full.map((r) => ({ label: label(r), value: r.metrics[m] ?? 0, baseline: r.lexical }))} />
        ))}
        {models.some((r) => r.costs.sentencesPerSecond) && (
          <ScatterChart
            title={`Quality vs speed`}
            xLabel="texts per second (this machine)"
            yLabel={metricName(main)}
            points={models.filter((r) => r.costs.sentencesPerSecond).map((r) => ({ label: r.modelId, x: r.costs.sentencesPerSecond!, y: r.mainScore }))}
          />
        )}
        {curves.map((list) => (
          <ScatterChart
            key={list[0].modelId}
            line
            title={`${list[0].modelId}: Matryoshka dimensions`}
            xLabel="dimensions"
            yLabel={metricName(main)}
            points={list.map((r) => ({ label: String(r.dims), x: r.dims!, y: r.mainScore }))}
          />
        ))}
      </div>
      {runs[0].task === 'retrieval' && full.length >= 2 && <QueryComparison runs={full} />}
    </section>
  )
}
