import { silhouetteGeometry } from '../../map/silhouette-plot'

const W = 240
const H = 96
/** Room for the y axis' labels (left) and the k axis' labels and title (bottom). */
const LEFT = 30
const BOTTOM = 24
const TOP = 4

/** Silhouette score per k tried, the chosen k marked: why the automatic k is what it is. */
export function SilhouettePlot({ curve, chosenK }: { curve: { k: number; silhouette: number }[]; chosenK: number }) {
  const g = silhouetteGeometry(curve, W - LEFT - 4, H - BOTTOM - TOP, 6)
  const plotW = W - LEFT - 4
  const plotH = H - BOTTOM - TOP
  // k ticks: every k when few, else about six evenly spaced ones (always the chosen k)
  const every = Math.max(1, Math.ceil(g.points.length / 6))
  const ticks = g.points.filter((p, i) => i % every === 0 || p.k === chosenK)
  if (g.points.length === 0) return <p className="muted">No silhouette curve: k was given, not searched.</p>
  return (
    <figure className="map-silhouette" data-testid="silhouette-plot" data-points={g.points.length}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Silhouette score for k from ${g.points[0].k} to ${g.points[g.points.length - 1].k}; k = ${chosenK} chosen`}
      >
        <g transform={`translate(${LEFT},${TOP})`}>
          <line x1={0} x2={0} y1={0} y2={plotH} className="map-silhouette__axis" data-testid="silhouette-y-axis" />
          <line x1={0} x2={plotW} y1={plotH} y2={plotH} className="map-silhouette__axis" data-testid="silhouette-x-axis" />
          <text x={-3} y={6 + 3} textAnchor="end" className="map-silhouette__tick">
            {g.yMax.toFixed(2)}
          </text>
          <text x={-3} y={plotH - 6 + 3} textAnchor="end" className="map-silhouette__tick">
            {g.yMin.toFixed(2)}
          </text>
          {ticks.map((p) => (
            <text key={p.k} x={p.x} y={plotH + 10} textAnchor="middle" className={`map-silhouette__tick${p.k === chosenK ? ' is-chosen' : ''}`}>
              {p.k}
            </text>
          ))}
          <text x={plotW / 2} y={plotH + 20} textAnchor="middle" className="map-silhouette__title">
            number of clusters k
          </text>
          <text transform={`translate(${-24},${plotH / 2}) rotate(-90)`} textAnchor="middle" className="map-silhouette__title">
            silhouette
          </text>
          <path d={g.path} className="map-silhouette__line" />
          {g.points.map((p) => (
            <circle
              key={p.k}
              cx={p.x}
              cy={p.y}
              r={p.k === chosenK ? 4 : 2}
              className={p.k === chosenK ? 'is-chosen' : undefined}
              data-k={p.k}
              data-silhouette={p.silhouette}
            >
              <title>{`k = ${p.k}: silhouette ${p.silhouette.toFixed(3)}`}</title>
            </circle>
          ))}
        </g>
      </svg>
      <figcaption className="muted">
        silhouette {g.yMin.toFixed(2)}–{g.yMax.toFixed(2)} for k {g.points[0].k}–{g.points[g.points.length - 1].k}; chosen k = {chosenK}
      </figcaption>
    </figure>
  )
}
