import type { Extent } from './data-extent'

/** Points drawn in the overview: enough for every cluster's shape, cheap to draw on each move. */
export const MINIMAP_POINTS = 4000

/**
 * Data ↔ inset pixels for an overview of `extent` in a w × h inset (aspect kept, centred, 6 px margin). The map's
 * y axis points down on screen (deck.gl's orthographic view), so data y grows downwards here too.
 */
export function minimapFrame(extent: Extent, w: number, h: number, margin = 6) {
  const spanX = Math.max(extent.maxX - extent.minX, 1e-9)
  const spanY = Math.max(extent.maxY - extent.minY, 1e-9)
  const s = Math.min((w - 2 * margin) / spanX, (h - 2 * margin) / spanY)
  const ox = (w - s * spanX) / 2
  const oy = (h - s * spanY) / 2
  return {
    scale: s,
    toPx: (x: number, y: number): [number, number] => [ox + (x - extent.minX) * s, oy + (y - extent.minY) * s],
    toData: (px: number, py: number): [number, number] => [extent.minX + (px - ox) / s, extent.minY + (py - oy) / s],
  }
}

/** Every k-th row, k chosen so at most MINIMAP_POINTS are drawn. */
export function minimapRows(n: number, max = MINIMAP_POINTS): Int32Array {
  const step = Math.max(1, Math.ceil(n / max))
  return Int32Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step)
}

/** The overview shows once the view is zoomed in past the fit by this many zoom steps (×1.4). */
export const MINIMAP_MIN_ZOOM_IN = 0.5

export function showMinimap(zoom: number, fitZoom: number): boolean {
  return zoom > fitZoom + MINIMAP_MIN_ZOOM_IN
}
