import { useEffect, useMemo, useState } from 'react'
import type { AnalysisSummary } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { anomalyReason, formatMeasure } from '../../map/anomaly-reason'
import { rowLabel, rowNumber } from '../../ui/row-number'

/** Nearest rows shown under each flagged row. */
const SHOWN_NEIGHBOURS = 3

/**
 * The flagged rows, most unusual first: each with its score, the reason it stands out (measured against the typical
 * row) and its nearest rows, so a reader can judge whether it really is odd. Click a row (or a neighbour) to fly to it.
 */
export function FlaggedRowsList({
  datasetId,
  anomalies,
  threshold,
  onOpen,
}: {
  datasetId: number
  anomalies: AnalysisSummary['anomalies']
  threshold: number
  onOpen(row: number): void
}) {
  const rows = useMemo(() => anomalies.top.filter((r) => r.score >= threshold), [anomalies, threshold])
  const neighbourText = useNeighbourTexts(datasetId, rows)
  if (rows.length === 0) return <p className="muted">No row is at or above the threshold.</p>
  return (
    <ol className="map-flagged" data-testid="anomaly-list" aria-label="Flagged rows">
      {rows.map((r) => (
        <li key={r.row} className="map-flagged__item" data-testid="anomaly-list-row" data-row={r.row}>
          <button type="button" className="map-flagged__row" onClick={() => onOpen(r.row)} title={r.text}>
            <span className="muted map-rows__num">{rowNumber(r.row)}</span>
            <span className="map-flagged__text">{r.text || '(empty)'}</span>
            <span className="map-flagged__score">{r.score.toFixed(2)}</span>
          </button>
          <p className="map-flagged__why" data-testid="anomaly-reason">
            {anomalyReason(anomalies, r)}
          </p>
          {r.neighbors.length > 0 && (
            <p className="map-flagged__nb muted">
              nearest:{' '}
              {r.neighbors.slice(0, SHOWN_NEIGHBOURS).map((nb, i) => (
                <span key={nb.row}>
                  {i > 0 && ' · '}
                  <button type="button" className="link-button" onClick={() => onOpen(nb.row)} title={neighbourText.get(nb.row)}>
                    {rowLabel(nb.row)}
                  </button>{' '}
                  <span className="map-flagged__nbtext">“{clip(neighbourText.get(nb.row) ?? '…', 40)}”</span> ({formatMeasure(nb.distance)})
                </span>
              ))}
            </p>
          )}
        </li>
      ))}
    </ol>
  )
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s
}

/** Texts of the listed rows' nearest rows, fetched in one request. */
function useNeighbourTexts(datasetId: number, rows: AnalysisSummary['anomalies']['top']): Map<number, string> {
  const [texts, setTexts] = useState(new Map<number, string>())
  const wanted = useMemo(() => [...new Set(rows.flatMap((r) => r.neighbors.slice(0, SHOWN_NEIGHBOURS).map((n) => n.row)))].sort((a, b) => a - b), [rows])
  const key = wanted.join(',')
  useEffect(() => {
    if (wanted.length === 0) return
    let live = true
    invoke('rows.get', { datasetId, rows: wanted }).then(
      (got) => live && setTexts(new Map(got.map((r) => [r.idx, r.text]))),
      () => undefined,
    )
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key stands for the list
  }, [datasetId, key])
  return texts
}
