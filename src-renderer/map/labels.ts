import type { MapCluster } from '../../src-main/contract'

/** How many cluster labels the map considers at most (biggest clusters first). */
export const MAX_LABELS = 200

/** The clusters worth a label, biggest first, at most max, skipping empty ones and the ones hidden on the map. */
export function labelClusters(clusters: readonly MapCluster[], max = MAX_LABELS, hidden?: ReadonlySet<number>): MapCluster[] {
  return [...clusters]
    .filter((c) => c.size > 0 && !hidden?.has(c.idx))
    .sort((a, b) => b.size - a.size || a.idx - b.idx)
    .slice(0, max)
}

export interface LabelMetrics {
  /** Font size in px; a Latin character is taken as ~0.6 em wide, a CJK one as 1 em. */
  fontSize: number
  /** Background padding around the text, px. */
  padX: number
  padY: number
  /** Extra empty space required between two labels, px. */
  gap: number
}

export const DEFAULT_LABEL_METRICS: LabelMetrics = { fontSize: 14, padX: 4, padY: 2, gap: 6 }

/** Estimated width of a label in px (no DOM measuring: this runs in tests and on every zoom step). */
export function labelWidth(text: string, m: LabelMetrics = DEFAULT_LABEL_METRICS): number {
  let em = 0
  for (const ch of text) em += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 1 : 0.6
  return em * m.fontSize + 2 * m.padX
}

/**
 * The labels to draw at this zoom: greedy by priority (cluster size), a label is kept when its box, centred on the
 * cluster centre, does not overlap any box kept before it. An OrthographicView draws world units at 2^zoom px, so
 * zooming in spreads the centres apart while the boxes stay the same size, and smaller clusters' labels appear.
 * A uniform grid of cell size = the largest box keeps this O(n) rather than O(n²).
 */
export function declutterLabels<T extends { x: number; y: number; label: string; size: number }>(
  labels: readonly T[],
  zoom: number,
  m: LabelMetrics = DEFAULT_LABEL_METRICS,
): T[] {
  const scale = 2 ** zoom
  const boxes = labels
    .map((l) => ({ l, w: labelWidth(l.label, m) + m.gap, h: m.fontSize * 1.2 + 2 * m.padY + m.gap, cx: l.x * scale, cy: l.y * scale }))
    .filter((b) => Number.isFinite(b.cx) && Number.isFinite(b.cy))
    .sort((a, b) => b.l.size - a.l.size)
  if (boxes.length === 0) return []
  const cellW = Math.max(...boxes.map((b) => b.w))
  const cellH = Math.max(...boxes.map((b) => b.h))
  const grid = new Map<string, (typeof boxes)[number][]>()
  const kept: T[] = []
  for (const b of boxes) {
    const gx = Math.floor(b.cx / cellW)
    const gy = Math.floor(b.cy / cellH)
    let clear = true
    // A box is at most one cell wide/tall, so any overlapping box is centred in a neighbouring cell.
    for (let dx = -1; dx <= 1 && clear; dx++) {
      for (let dy = -1; dy <= 1 && clear; dy++) {
        for (const o of grid.get(`${gx + dx},${gy + dy}`) ?? []) {
          if (Math.abs(o.cx - b.cx) * 2 < o.w + b.w && Math.abs(o.cy - b.cy) * 2 < o.h + b.h) {
            clear = false
            break
          }
        }
      }
    }
    if (!clear) continue
    kept.push(b.l)
    const key = `${gx},${gy}`
    const cell = grid.get(key)
    if (cell) cell.push(b)
    else grid.set(key, [b])
  }
  return kept
}

/** Zoom rounded to quarter steps: labels are re-decluttered per step, not on every frame of a zoom gesture. */
export function labelZoomStep(zoom: number): number {
  return Math.round(zoom * 4) / 4
}
