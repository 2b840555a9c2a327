import { silhouetteGeometry } from '../../map/silhouette-plot'

const W = 240
const H = 80

/** Silhouette score per k tried, the chosen k marked: why the automatic k is what it is. */
export function SilhouettePlot({ curve, chosenK }: { curve: { k: number; silhouette: number }[]; chosenK: number }) {
  const g = silhouetteGeometry(curve, W, H, 8)
  if (g.points.length === 0) return <p className="muted">No silhouette curve: k was given, not searched.</p>
  return (
    <figure className="map-silhouette" data-testid="silhouette-plot" data-points={g.points.length}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Silhouette score for k from ${g.points[0].k} to ${g.points[g.points.length - 1].k}; k = ${chosenK} chosen`}
      >
        <path d={g.path} className="map-silhouette__line" />
        {g.points.map((p) => (
          <circle key={p.k} cx={p.x} cy={p.y} r={p.k === chosenK ? 4 : 2} className={p.k === chosenK ? 'is-chosen' : undefined}>
            <title>{`k = ${p.k}: silhouette ${p.silhouette.toFixed(3)}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="muted">
        silhouette {g.yMin.toFixed(2)}–{g.yMax.toFixed(2)} for k {g.points[0].k}–{g.points[g.points.length - 1].k}; chosen k = {chosenK}
      </figcaption>
    </figure>
  )
}
