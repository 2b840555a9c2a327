import { anomalyColor, clusterColor, cssColor } from '../../map/colors'
import type { DecodedPoints } from '../../map/decode'
import { tooltipPlacement } from '../../map/tooltip-placement'
import { rowLabel } from '../../ui/row-number'
import { useRowText } from './useRowText'

/** Waits this long on one point before fetching its text. */
const HOVER_FETCH_DELAY_MS = 120
const MAX_CHARS = 280

/** The hovered point: its text, cluster and anomaly score, beside the pointer. */
export function MapTooltip({
  datasetId,
  points,
  row,
  x,
  y,
  width,
  height,
}: {
  datasetId: number
  points: DecodedPoints
  row: number
  x: number
  y: number
  /** The map's size: the tooltip opens towards the side with more room. */
  width: number
  height: number
}) {
  const { text, failed } = useRowText(datasetId, row, HOVER_FETCH_DELAY_MS)
  const idx = points.cluster[row]
  const cluster = points.clusters.find((c) => c.idx === idx)
  const score = points.anomaly[row]
  return (
    <div className="map-tooltip" role="tooltip" data-testid="map-tooltip" data-row={row} style={tooltipPlacement(x, y, width, height)}>
      <div className="map-tooltip__text" data-testid="map-tooltip-text" data-loaded={text !== undefined}>
        {text === undefined ? (
          <span className="muted">{failed ? 'Could not load the text' : 'Loading…'}</span>
        ) : text.length > MAX_CHARS ? (
          `${text.slice(0, MAX_CHARS)}…`
        ) : (
          text
        )}
      </div>
      <div className="map-tooltip__meta">
        <span className="swatch" style={{ background: cssColor(clusterColor(idx)) }} />
        <span data-testid="map-tooltip-cluster">{cluster ? cluster.label : 'no cluster'}</span>
        <span className="swatch" style={{ background: cssColor(anomalyColor(score)) }} />
        <span data-testid="map-tooltip-score">score {score.toFixed(2)}</span>
        {points.flags[row] === 1 && <span className="badge badge--warn">outlier</span>}
        <span className="muted" data-testid="map-tooltip-row">
          {rowLabel(row)}
        </span>
      </div>
    </div>
  )
}
