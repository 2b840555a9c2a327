import { HIDDEN, HIGHLIGHTED } from './emphasis'
import type { PointsData } from './layers'

/**
 * What the map draws while it moves (a drag, a wheel zoom, a fly-to) on a software renderer: a fixed random share
 * of the points, then every point again once it has come to rest. Pure: no React, no deck.gl.
 *
 * Why: in software WebGL (SwiftShader) a frame costs ~0.65 µs a point, so a 1M-point map pans at ~0.8 s a frame.
 * 150k points draw in ~0.1 s, and at the map's small point sizes a random 15 % of a dense map looks like the map:
 * dense regions stay dense, and only the sparsest fringes thin out.
 */

/** Points drawn per frame while moving, at the default point size of big maps (1.5 px radius). */
export const SOFTWARE_MOVE_POINTS = 150_000
/** However big the points, a moving map keeps at least this many, or it would no longer look like the map. */
const MIN_MOVE_POINTS = 20_000

/**
 * Cost of one point in software WebGL, in µs, by radius: a fixed part (vertex work) plus fill of its sprite, fitted
 * to bench map-floor (radius 1.5: ~0.65 µs, radius 6: ~2-2.5 µs).
 */
function pointCostUs(radiusPx: number): number {
  const side = 2 * (radiusPx + 0.5)
  return 0.45 + 0.0125 * side * side
}

/**
 * How many points a moving map may draw per frame: null for a hardware GPU (it draws millions of points in a few
 * ms, so it always draws them all); in software, the count that costs what 150k default-sized points cost.
 */
export function movePointBudget(software: boolean, radiusPx: number): number | null {
  if (!software) return null
  return Math.max(MIN_MOVE_POINTS, Math.round((SOFTWARE_MOVE_POINTS * pointCostUs(1.5)) / pointCostUs(radiusPx)))
}

/**
 * A stable pseudo-random number in [0, 1) for row i (a 32-bit integer hash, murmur3's finaliser): row i gets the
 * same number on every call, so the same rows are drawn in every drag and the picture does not flicker.
 */
export function rowHash(i: number): number {
  return rowHash32(i) / 4294967296
}

/** rowHash(i) as the unsigned 32-bit integer it is made of (no division: moveRows runs it for every row). */
function rowHash32(i: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * The rows a moving map draws, ascending (the full map draws in row order, so the point on top stays on top), or
 * null when every visible row fits the budget (the full set is drawn then).
 * - Hidden rows (hidden clusters) are left out: they are not drawn anyway, and the budget goes to what is seen.
 * - Highlighted rows (a selection, search hits, flagged outliers) are all kept while they fit the budget; a bigger
 *   highlighted set is sampled like the rest.
 * - The other rows (dimmed context when something is highlighted) get what is left, at least a quarter of the budget.
 * Each group is a fixed random share of itself (row i is in when rowHash(i) < share), so small groups and sparse
 * regions keep their proportion of the points.
 */
export function moveRows(n: number, budget: number, emphasis: Uint8Array | null): Uint32Array | null {
  let highlighted = 0
  let hidden = 0
  if (emphasis)
    for (let i = 0; i < n; i++) {
      if (emphasis[i] === HIGHLIGHTED) highlighted++
      else if (emphasis[i] === HIDDEN) hidden++
    }
  const others = n - highlighted - hidden
  if (highlighted + others <= budget) return null
  const highlightShare = highlighted ? Math.min(1, budget / highlighted) : 0
  const othersBudget = Math.max(budget - Math.min(highlighted, budget), budget / 4)
  const othersShare = others ? Math.min(1, othersBudget / others) : 0
  const out = new Uint32Array(n)
  let m = 0
  // rowHash(i) < share, in integers: this runs on a big map's first frame (1M rows)
  const highlightLimit = highlightShare * 4294967296
  const othersLimit = othersShare * 4294967296
  if (!emphasis) {
    for (let i = 0; i < n; i++) if (rowHash32(i) < othersLimit) out[m++] = i
    return out.slice(0, m)
  }
  for (let i = 0; i < n; i++) {
    const e = emphasis[i]
    if (e === HIDDEN) continue
    if (rowHash32(i) < (e === HIGHLIGHTED ? highlightLimit : othersLimit)) out[m++] = i
  }
  return out.slice(0, m)
}

/** The moving map's points: the chosen rows' positions and (already emphasised) colours, in the same binary form. */
export function moveData(rows: Uint32Array, full: PointsData): PointsData {
  const coords = full.attributes.getPosition.value
  const colors = full.attributes.getFillColor.value
  const pos = new Float32Array(2 * rows.length)
  const rgba = new Uint8Array(4 * rows.length)
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]
    pos[2 * k] = coords[2 * i]
    pos[2 * k + 1] = coords[2 * i + 1]
    rgba[4 * k] = colors[4 * i]
    rgba[4 * k + 1] = colors[4 * i + 1]
    rgba[4 * k + 2] = colors[4 * i + 2]
    rgba[4 * k + 3] = colors[4 * i + 3]
  }
  return {
    length: rows.length,
    attributes: { getPosition: { value: pos, size: 2 }, getFillColor: { value: rgba, size: 4, normalized: true } },
  }
}
