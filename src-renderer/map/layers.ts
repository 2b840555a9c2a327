import { CollisionFilterExtension, type CollisionFilterExtensionProps } from '@deck.gl/extensions'
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers'
import type { MapCluster } from '../../src-main/contract'
import type { DecodedPoints } from './decode'

/** Stable ids: deck.gl diffs layers by id, so keeping them keeps the GPU buffers. */
export const POINTS_LAYER_ID = 'points'
export const LABELS_LAYER_ID = 'cluster-labels'

export interface PointsData {
  length: number
  attributes: {
    getPosition: { value: Float32Array; size: 2 }
    getFillColor: { value: Uint8Array; size: 4; normalized: true }
  }
}

/** deck.gl's binary-attribute form: no per-point accessor runs, the typed arrays go to the GPU as they are. */
export function pointsData(points: DecodedPoints, colors: Uint8Array): PointsData {
  return {
    length: points.n,
    attributes: {
      getPosition: { value: points.coords, size: 2 },
      getFillColor: { value: colors, size: 4, normalized: true },
    },
  }
}

/** Point radius in pixels: smaller as the map gets denser, so a 100k map is not a solid blob. */
export function pointRadius(n: number): number {
  if (n <= 2_000) return 4
  if (n <= 20_000) return 3
  if (n <= 200_000) return 2
  return 1.5
}

export function pointsLayer(data: PointsData) {
  return new ScatterplotLayer({
    id: POINTS_LAYER_ID,
    data,
    radiusUnits: 'pixels',
    getRadius: pointRadius(data.length),
    radiusMinPixels: 1,
    stroked: false,
    pickable: true,
    autoHighlight: true,
    highlightColor: [29, 35, 48, 255],
  })
}

const collision = new CollisionFilterExtension()

export function labelsLayer(clusters: MapCluster[]) {
  type Cluster = MapCluster
  return new TextLayer<Cluster, CollisionFilterExtensionProps<Cluster>>({
    id: LABELS_LAYER_ID,
    data: clusters,
    getPosition: (c) => [c.x, c.y],
    getText: (c) => c.label,
    // Labels may be in any script (Chinese clusters, accented words): build the atlas from the text itself.
    characterSet: 'auto',
    fontFamily: 'system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif',
    fontWeight: 600,
    getSize: 14,
    getColor: [29, 35, 48, 255],
    background: true,
    getBackgroundColor: [255, 255, 255, 215],
    backgroundPadding: [4, 2],
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    // Bigger clusters come first in `data`, so they win collisions.
    getCollisionPriority: (c) => c.size,
    collisionTestProps: { sizeScale: 1.4 },
    extensions: [collision],
  })
}
