import { ScatterplotLayer } from '@deck.gl/layers'
import type { DecodedPoints } from './decode'
import { pointRadius } from './layers'

export const RINGS_LAYER_ID = 'hit-rings'

/** Positions of the given rows, interleaved x, y (a binary attribute: no per-hit objects). */
export function rowPositions(points: DecodedPoints, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * 2)
  for (let i = 0; i < rows.length; i++) {
    out[2 * i] = points.coords[2 * rows[i]]
    out[2 * i + 1] = points.coords[2 * rows[i] + 1]
  }
  return out
}

/** Rings around search hits, so they stand out whatever the colour mode. Not pickable: the point under it is. */
export function hitRingsLayer(points: DecodedPoints, rows: ArrayLike<number>) {
  return new ScatterplotLayer({
    id: RINGS_LAYER_ID,
    data: { length: rows.length, attributes: { getPosition: { value: rowPositions(points, rows), size: 2 } } },
    radiusUnits: 'pixels',
    getRadius: pointRadius(points.n) + 3,
    stroked: true,
    filled: false,
    lineWidthUnits: 'pixels',
    getLineWidth: 1.5,
    getLineColor: [220, 38, 38, 255],
    pickable: false,
  })
}
