import { useQuery } from '../../api/hooks'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { clusterColor, cssColor } from '../../map/colors'
import type { DecodedPoints } from '../../map/decode'
import { rowNumber } from '../../ui/row-number'
import { useRowText } from './useRowText'

const NEIGHBORS = 10

/** The clicked row in full, with its cluster, score and nearest rows (click one to move to it). */
export function PointDetails({
  datasetId,
  points,
  row,
  onSelect,
  onClose,
}: {
  datasetId: number
  points: DecodedPoints
  row: number
  onSelect(row: number): void
  onClose(): void
}) {
  const { text } = useRowText(datasetId, row, 0)
  const neighbors = useQuery('rows.neighbors', { datasetId, row, k: NEIGHBORS, runId: points.runId }, `${datasetId}:${row}:${points.runId}`)
  const cluster = points.clusters.find((c) => c.idx === points.cluster[row])
  return (
    <section className="panel map-details" data-testid="map-details" data-row={row} aria-label={`Row ${rowNumber(row)}`}>
      <header className="map-details__head">
        <h3 className="panel__title" data-testid="map-details-title">
          Row {rowNumber(row).toLocaleString('en-US')}
        </h3>
        <button type="button" className="btn btn--small" data-testid="map-details-close" onClick={onClose}>
          Close
        </button>
      </header>
      <p className="map-details__text" data-testid="map-details-text">
        {text ?? <span className="muted">Loading…</span>}
      </p>
      <p className="map-details__meta">
        <span className="swatch" style={{ background: cssColor(clusterColor(points.cluster[row])) }} />
        {cluster ? cluster.label : 'no cluster'} · anomaly score {points.anomaly[row].toFixed(2)}
        {points.flags[row] === 1 && <span className="badge badge--warn">outlier</span>}
      </p>
      <h4 className="map-details__sub">Most similar rows</h4>
      {neighbors.error && <ErrorMessage error={neighbors.error} title="Could not find its neighbours" />}
      {!neighbors.value && neighbors.loading && <p className="muted">Loading…</p>}
      <ol className="map-neighbors" data-testid="map-neighbors">
        {neighbors.value?.map((n) => (
          <li key={n.row} data-testid="map-neighbor" data-row={n.row}>
            <button type="button" className="map-neighbors__item" onClick={() => onSelect(n.row)} title={`Row ${rowNumber(n.row)}`}>
              <span className="swatch" style={{ background: cssColor(clusterColor(points.cluster[n.row])) }} />
              <span className="map-neighbors__text">{n.text}</span>
              <span className="muted">{n.similarity.toFixed(2)}</span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  )
}
