import { DEFAULT_LABEL_METRICS, labelWidth, type LabelMetrics } from './labels'

/** Pixels kept between a label's box and the canvas edge. */
export const LABEL_EDGE_PAD = 4

/**
 * Pixel offsets that keep cluster labels inside the canvas: a label whose anchor is on screen but whose box would
 * cross an edge is shifted back in along that axis. Labels anchored off screen are left alone (moving them to the
 * edge would put a cluster's name over points of another). Returns only the labels that move, by cluster idx.
 */
export function labelEdgeOffsets(
  labels: readonly { idx: number; x: number; y: number; label: string }[],
  target: readonly number[],
  zoom: number,
  width: number,
  height: number,
  m: LabelMetrics = DEFAULT_LABEL_METRICS,
): Map<number, [number, number]> {
  const scale = 2 ** zoom
  const out = new Map<number, [number, number]>()
  const halfH = (m.fontSize * 1.2) / 2 + m.padY
  for (const l of labels) {
    const sx = (l.x - target[0]) * scale + width / 2
    const sy = (l.y - target[1]) * scale + height / 2
    if (!(sx >= 0 && sx <= width && sy >= 0 && sy <= height)) continue
    const halfW = labelWidth(l.label, m) / 2
    const dx = shift(sx, halfW, width)
    const dy = shift(sy, halfH, height)
    if (dx !== 0 || dy !== 0) out.set(l.idx, [dx, dy])
  }
  return out
}

/** How far to move a box centred at c with half-size half so that it lies within [pad, size − pad]. */
function shift(c: number, half: number, size: number): number {
  if (2 * (half + LABEL_EDGE_PAD) >= size) return size / 2 - c
  if (c - half < LABEL_EDGE_PAD) return LABEL_EDGE_PAD - (c - half)
  if (c + half > size - LABEL_EDGE_PAD) return size - LABEL_EDGE_PAD - (c + half)
  return 0
}

/** Stable key of a set of offsets: the labels layer updates (one redraw) only when it changes. */
export function offsetsKey(offsets: ReadonlyMap<number, readonly [number, number]>): string {
  return [...offsets].map(([i, [dx, dy]]) => `${i}:${Math.round(dx)},${Math.round(dy)}`).join(';')
}
