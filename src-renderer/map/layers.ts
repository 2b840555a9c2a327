import { BitmapLayer, TextLayer } from '@deck.gl/layers'
import type { MapCluster } from '../../src-main/contract'
import type { DecodedPoints } from './decode'
import { DECK_THEMES, DEFAULT_APPEARANCE, type MapAppearance, type Theme } from './appearance'
import type { DensityGrid } from './density'
import { densityPixels } from './density'
import { RoundPointsLayer } from './round-points-layer'

/** Stable ids: deck.gl diffs layers by id, so keeping them keeps the GPU buffers. */
export const POINTS_LAYER_ID = 'points'
/** The share of the points drawn while the map moves (map/move-preview.ts). */
export const MOVING_POINTS_LAYER_ID = 'points-moving'
export const LABELS_LAYER_ID = 'cluster-labels'
export const DENSITY_LAYER_ID = 'density'
export const HOVERED_LAYER_ID = 'hovered-point'

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

/** Radius the points are drawn at, in CSS pixels. */
export function drawnRadius(n: number, appearance: MapAppearance): number {
  return Math.max(0.5, appearance.pointSize ?? pointRadius(n))
}

/**
 * The points, one GL_POINTS vertex each (map/round-points-layer.ts: deck.gl's instanced ScatterplotLayer costs
 * ~25 µs a point in software WebGL). Not pickable: hover/click pick on the CPU.
 * `id`/`radiusPx`: the moving map's share of the points is a second layer drawn at the full map's radius; `visible`
 * switches between the two without dropping either one's GPU buffers.
 */
export function pointsLayer(
  data: PointsData,
  appearance: MapAppearance = DEFAULT_APPEARANCE,
  opts: { id?: string; radiusPx?: number; visible?: boolean } = {},
) {
  return new RoundPointsLayer({
    id: opts.id ?? POINTS_LAYER_ID,
    data,
    // A constant radius and the layer's opacity: changing either is a uniform update, no attribute is rebuilt.
    radiusPixels: opts.radiusPx ?? drawnRadius(data.length, appearance),
    opacity: appearance.opacity,
    visible: opts.visible ?? true,
    pickable: false,
  })
}

/**
 * The hovered point redrawn on top in the theme's highlight colour: a one-point layer, so hovering never touches
 * the points layer's buffers. Same layer class as the points, so no extra shader is compiled.
 */
export function hoveredPointLayer(coords: Float32Array, row: number, radiusPx: number, theme: Theme) {
  return new RoundPointsLayer({
    id: HOVERED_LAYER_ID,
    data: { length: 1, attributes: { getPosition: { value: coords.slice(2 * row, 2 * row + 2), size: 2 } } },
    getFillColor: DECK_THEMES[theme].highlight,
    radiusPixels: radiusPx + 1,
    pickable: false,
  })
}

/** Cluster labels, already decluttered for the current zoom (map/labels.ts), so no collision pass runs on the GPU. */
/** `offsets`: pixel shifts that keep labels inside the canvas (map/label-edges.ts), keyed by cluster idx; `offsetsKey` names them. */
export function labelsLayer(clusters: MapCluster[], theme: Theme = 'light', offsets?: ReadonlyMap<number, readonly [number, number]>, offsetsKey = '') {
  type Cluster = MapCluster
  const colors = DECK_THEMES[theme]
  return new TextLayer<Cluster>({
    id: LABELS_LAYER_ID,
    data: clusters,
    getPosition: (c) => [c.x, c.y],
    getText: (c) => c.label,
    // Labels may be in any script (Chinese clusters, accented words): build the atlas from the text itself.
    characterSet: 'auto',
    fontFamily: 'system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif',
    fontWeight: 600,
    getSize: 14,
    getColor: colors.label,
    background: true,
    getBackgroundColor: colors.labelBackground,
    backgroundPadding: [4, 2],
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    getPixelOffset: (c) => (offsets?.get(c.idx) as [number, number] | undefined) ?? [0, 0],
    updateTriggers: { getColor: theme, getBackgroundColor: theme, getPixelOffset: offsetsKey },
  })
}

/** The CPU-binned density grid as one bitmap under the points. */
export function densityLayer(grid: DensityGrid, theme: Theme) {
  return new BitmapLayer({
    id: DENSITY_LAYER_ID,
    image: new ImageData(densityPixels(grid, theme), grid.width, grid.height),
    bounds: grid.bounds,
    pickable: false,
  })
}
