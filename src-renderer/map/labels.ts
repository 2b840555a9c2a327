import type { MapPoints } from '../../src-main/contract'

/** How many cluster labels the map draws at most; the collision filter then hides overlapping smaller ones. */
export const MAX_LABELS = 40

/** The clusters worth a label, biggest first (the collision filter keeps the earlier, bigger ones). */
export function labelClusters(clusters: MapPoints['clusters'], max = MAX_LABELS): MapPoints['clusters'] {
  return [...clusters].filter((c) => c.size > 0).sort((a, b) => b.size - a.size || a.idx - b.idx).slice(0, max)
}
