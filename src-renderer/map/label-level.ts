import type { MapCluster } from '../../src-main/contract'
import type { DecodedPoints } from './decode'

/** Zoomed in by at least this many steps past the fit, the map labels the fine clusters; nearer the fit, the coarse ones. */
export const FINE_LABELS_ZOOM_IN = 1

export type LabelLevel = 'coarse' | 'fine'

export function labelLevel(zoom: number, fitZoom: number, hasCoarse: boolean): LabelLevel {
  return hasCoarse && zoom < fitZoom + FINE_LABELS_ZOOM_IN ? 'coarse' : 'fine'
}

/**
 * The clusters to label at a level, with hidden fine clusters taken out: a coarse label goes when every fine cluster
 * under it is hidden (its points are all gone from the map).
 */
export function levelClusters(points: Pick<DecodedPoints, 'clusters' | 'coarse'>, level: LabelLevel, hidden?: ReadonlySet<number>): MapCluster[] {
  if (level === 'fine' || !points.coarse) return points.clusters.filter((c) => !hidden?.has(c.idx))
  const { parentOf, clusters } = points.coarse
  return clusters.filter((c) => parentOf.some((p, fine) => p === c.idx && !hidden?.has(fine)))
}
