/**
 * Per-point emphasis for the map: which points stand out (a selection, search hits, flagged outliers), which recede,
 * and which clusters are hidden. One Uint8Array code per point, applied to the colour array's alpha in one pass, so
 * the GPU gets a single binary attribute as before. Pure: no React, no deck.gl.
 */
export const DIMMED = 0
export const NORMAL = 1
export const HIGHLIGHTED = 2
export const HIDDEN = 3

/** Alpha of a point that is not part of what the user is looking at: visible as context, not as data. */
const DIMMED_ALPHA = 28
const HIGHLIGHTED_ALPHA = 255

/**
 * Emphasis codes, or null when nothing is emphasised or hidden (the plain colours are used then).
 * `focus`: mask of the points to highlight (everything else is dimmed); null for no focus.
 */
export function buildEmphasis(cluster: Int32Array, focus: Uint8Array | null, hiddenClusters: ReadonlySet<number>): Uint8Array | null {
  if (!focus && hiddenClusters.size === 0) return null
  const n = cluster.length
  const out = new Uint8Array(n)
  const hidden = hiddenClusters.size > 0
  for (let i = 0; i < n; i++) {
    if (hidden && hiddenClusters.has(cluster[i])) out[i] = HIDDEN
    else if (!focus) out[i] = NORMAL
    else out[i] = focus[i] ? HIGHLIGHTED : DIMMED
  }
  return out
}

/** A copy of RGBA `colors` with each point's alpha set by its emphasis (hidden points fully transparent). */
export function applyEmphasis(colors: Uint8Array, emphasis: Uint8Array | null): Uint8Array {
  if (!emphasis) return colors
  const out = colors.slice()
  for (let i = 0; i < emphasis.length; i++) {
    const e = emphasis[i]
    if (e === NORMAL) continue
    out[4 * i + 3] = e === HIGHLIGHTED ? HIGHLIGHTED_ALPHA : e === DIMMED ? Math.min(out[4 * i + 3], DIMMED_ALPHA) : 0
  }
  return out
}

/** True when the point may be hovered or clicked (hidden clusters' points may not). */
export function isPickable(emphasis: Uint8Array | null, row: number): boolean {
  return !emphasis || emphasis[row] !== HIDDEN
}
