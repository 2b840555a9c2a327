import type { Extent } from './data-extent'

/**
 * How far the map may zoom, relative to the view that fits the data: out to a quarter of the fitted size (the data
 * stays a visible blob, never a few pixels), in to 2^10 times it (1,000 screens across: past any point spacing a
 * map of up to a few million rows has).
 */
export const ZOOM_OUT_STEPS = 2
export const ZOOM_IN_STEPS = 10

export interface ZoomLimits {
  minZoom: number
  maxZoom: number
}

export function zoomLimits(fitZoom: number): ZoomLimits {
  return { minZoom: fitZoom - ZOOM_OUT_STEPS, maxZoom: fitZoom + ZOOM_IN_STEPS }
}

export function clampZoom(zoom: number, limits: ZoomLimits): number {
  return Math.min(limits.maxZoom, Math.max(limits.minZoom, zoom))
}

/** Keeps the view's centre over the data (its extent plus half its size each way): panning cannot lose the map either. */
export function clampTarget(target: readonly number[], extent: Extent): [number, number] {
  const padX = (extent.maxX - extent.minX) / 2
  const padY = (extent.maxY - extent.minY) / 2
  const x = Math.min(extent.maxX + padX, Math.max(extent.minX - padX, target[0]))
  const y = Math.min(extent.maxY + padY, Math.max(extent.minY - padY, target[1]))
  return [x, y]
}
