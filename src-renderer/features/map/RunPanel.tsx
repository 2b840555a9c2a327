import { useId } from 'react'
import type { AnalysisSummary } from '../../../src-main/contract'
import { useEngineEvent, useQuery } from '../../api/hooks'
import { formatDate } from '../../ui/format'
import { RerunForm } from './RerunForm'
import { SilhouettePlot } from './SilhouettePlot'

function describeParams(p: Record<string, unknown>): string {
  return [`k ${p.k ?? 'auto'}`, String(p.anomaly ?? 'knn'), `nn ${p.nNeighbors ?? 15}`, `min_dist ${p.minDist ?? 0.1}`].join(' · ')
}

/** The run behind the map: its silhouette curve, a picker for earlier runs, and a form to run again with other settings. */
export function RunPanel({
  datasetId,
  summary,
  runId,
  onPickRun,
}: {
  datasetId: number
  summary: AnalysisSummary | undefined
  runId: number
  onPickRun(runId: number): void
}) {
  const pickId = useId()
  const runs = useQuery('analysis.runs', { datasetId }, String(datasetId))
  useEngineEvent((e) => {
    if (e.type === 'analysis.changed' && e.datasetId === datasetId) runs.reload()
  })
  const ready = runs.value?.filter((r) => r.status === 'ready') ?? []
  return (
    <div className="map-run" data-testid="run-panel">
      {summary && (
        <>
          <p>
            Run {summary.runId}: {summary.k} clusters
            {summary.silhouette !== null && <> · silhouette {summary.silhouette.toFixed(3)}</>} · {summary.modelId}
          </p>
          <SilhouettePlot curve={summary.silhouetteCurve} chosenK={summary.k} />
        </>
      )}
      {ready.length > 1 && (
        <div className="map-run__pick">
          <label htmlFor={pickId}>Show run</label>
          <select id={pickId} value={runId} onChange={(e) => onPickRun(Number(e.target.value))} data-testid="run-picker">
            {ready.map((r) => (
              <option key={r.runId} value={r.runId}>
                {`#${r.runId} · ${r.modelId} · ${formatDate(r.createdAt)} · ${describeParams(r.params)}`}
              </option>
            ))}
          </select>
        </div>
      )}
      <h4 className="map-details__sub">Run again</h4>
      {/* Keyed by run: the form starts from the settings of the run shown (it may mount before the summary arrives). */}
      <RerunForm key={summary?.runId ?? 'none'} datasetId={datasetId} params={summary?.params ?? {}} curve={summary?.silhouetteCurve} chosenK={summary?.k} />
    </div>
  )
}
