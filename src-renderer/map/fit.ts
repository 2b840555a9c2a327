import { dataExtent, extentSize, type Extent } from './data-extent'

/** An OrthographicView state (flipY: screen = (data − target) · 2^zoom + size / 2). */
export interface FitViewState {
  target: [number, number, number]
  zoom: number
}

/** Pixels along each canvas edge that something drawn over the map (the legend) covers: the fit keeps data out of them. */
export interface Insets {
  top: number
  right: number
  bottom: number
  left: number
}

export const NO_INSETS: Insets = { top: 0, right: 0, bottom: 0, left: 0 }

/**
 * The view that shows `extent` in the part of a width × height canvas left free by `insets`, with `margin` (a share of
 * that free area) around it. Insets that would leave less than a third of the canvas are scaled down: a legend must
 * never push the data into a sliver.
 */
export function fitExtent(extent: Extent, width: number, height: number, margin = 0.08, insets: Insets = NO_INSETS): FitViewState {
  const w = Math.max(width, 1)
  const h = Math.max(height, 1)
  const shrinkX = Math.min(1, (w * 2) / 3 / Math.max(insets.left + insets.right, 1e-9))
  const shrinkY = Math.min(1, (h * 2) / 3 / Math.max(insets.top + insets.bottom, 1e-9))
  const left = insets.left * shrinkX
  const right = insets.right * shrinkX
  const top = insets.top * shrinkY
  const bottom = insets.bottom * shrinkY
  const freeW = w - left - right
  const freeH = h - top - bottom
  const { dx, dy } = extentSize(extent)
  const scale = Math.min((freeW * (1 - 2 * margin)) / dx, (freeH * (1 - 2 * margin)) / dy)
  // The data's centre goes to the free area's centre, which is off the canvas centre by half the inset difference.
  const cx = (extent.minX + extent.maxX) / 2 - (left - right) / 2 / scale
  const cy = (extent.minY + extent.maxY) / 2 - (top - bottom) / 2 / scale
  return { target: [cx, cy, 0], zoom: Math.log2(Math.max(scale, 1e-12)) }
}

/** The view that shows every point with a margin. */
export function fitBounds(coords: Float32Array, width: number, height: number, margin = 0.08, insets: Insets = NO_INSETS): FitViewState {
  const extent = dataExtent(coords)
  return extent ? fitExtent(extent, width, height, margin, insets) : { target: [0, 0, 0], zoom: 0 }
}

/** The data rectangle a view shows on a width × height canvas. */
export function visibleExtent(target: readonly number[], zoom: number, width: number, height: number): Extent {
  const half = 0.5 / 2 ** zoom
  return { minX: target[0] - width * half, maxX: target[0] + width * half, minY: target[1] - height * half, maxY: target[1] + height * half }
}

/** The view target that draws data point (x, y) at the centre of the part of the canvas left free by `insets`. */
export function centreInFreeArea(x: number, y: number, zoom: number, insets: Insets = NO_INSETS): [number, number, number] {
  const scale = 2 ** zoom
  return [x - (insets.left - insets.right) / 2 / scale, y - (insets.top - insets.bottom) / 2 / scale, 0]
}
