import { anomalyColor, clusterColor, cssColor, type ColorMode } from '../../map/colors'
import type { DecodedPoints } from '../../map/decode'

/** What the colours mean: the clusters (biggest first) or the anomaly scale. */
export function MapLegend({ points, mode }: { points: DecodedPoints; mode: ColorMode }) {
  if (mode === 'anomaly') {
    const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => cssColor(anomalyColor(t))).join(', ')
    return (
      <div className="map-legend map-legend--scale" data-testid="map-legend">
        <span className="muted">usual</span>
        <span className="map-legend__ramp" style={{ background: `linear-gradient(to right, ${stops})` }} />
        <span className="muted">unusual</span>
      </div>
    )
  }
  const clusters = [...points.clusters].sort((a, b) => b.size - a.size)
  return (
    <ul className="map-legend" data-testid="map-legend">
      {clusters.map((c) => (
        <li key={c.idx} className="map-legend__item" data-testid="map-legend-item" data-cluster={c.idx} title={`${c.label} · ${c.size} rows`}>
          <span className="swatch" style={{ background: cssColor(clusterColor(c.idx)) }} />
          <span className="map-legend__label">{c.label}</span>
          <span className="muted">{c.size}</span>
        </li>
      ))}
    </ul>
  )
}
