import type { Extent } from './data-extent'
import { fitExtent, visibleExtent, type FitViewState, type Insets } from './fit'
import { showsData, viewCoverage } from './view-coverage'
import { clampZoom, zoomLimits, type ZoomLimits } from './zoom-limits'

/**
 * A remembered map position. `bounds` is the data rectangle that was on screen (data coordinates, so it means the
 * same on a canvas of another size); `target`/`zoom` is what older versions stored, used when `bounds` is missing.
 */
export interface StoredPosition {
  target: [number, number]
  zoom: number
  bounds?: [number, number, number, number]
}

export interface RestoredView {
  view: FitViewState
  /** The view that fits the data: where F/0/Home go back to. */
  fit: FitViewState
  limits: ZoomLimits
  /** True when the remembered position was used, false when it was missing or lost and the map fitted instead. */
  restored: boolean
}

/** The first view of a map on a width × height canvas: the remembered one when it still shows the data, else the fit. */
export function restoreView(saved: StoredPosition | null, coords: Float32Array, extent: Extent, width: number, height: number, insets?: Insets): RestoredView {
  const fit = fitExtent(extent, width, height, undefined, insets)
  const limits = zoomLimits(fit.zoom)
  if (saved) {
    const [minX, minY, maxX, maxY] = saved.bounds ?? [NaN, NaN, NaN, NaN]
    const byBounds = saved.bounds && [minX, minY, maxX, maxY].every(Number.isFinite) && maxX > minX && maxY > minY
    const candidate = byBounds
      ? fitExtent({ minX, minY, maxX, maxY }, width, height, 0)
      : { target: [saved.target[0], saved.target[1], 0] as [number, number, number], zoom: saved.zoom }
    // Outside the limits is a view the map can no longer show (older versions had none): lost, like one off the data.
    const withinLimits = clampZoom(candidate.zoom, limits) === candidate.zoom
    if (
      withinLimits &&
      Number.isFinite(candidate.zoom) &&
      candidate.target.every(Number.isFinite) &&
      showsData(viewCoverage(coords, candidate.target, candidate.zoom, width, height))
    ) {
      return { view: candidate, fit, limits, restored: true }
    }
  }
  return { view: fit, fit, limits, restored: false }
}

/** What to remember of a view: its centre and zoom, and the data rectangle it shows. */
export function positionOf(target: readonly number[], zoom: number, width: number, height: number): StoredPosition {
  const e = visibleExtent(target, zoom, width, height)
  return { target: [target[0], target[1]], zoom, bounds: [e.minX, e.minY, e.maxX, e.maxY] }
}
