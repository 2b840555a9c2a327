/**
 * Lasso and box selection over the map's Float32 coordinates (x, y interleaved). Pure and allocation-light: the
 * result is a Uint8Array mask (1 = selected), never an array of point objects, so a million points stay cheap.
 */

/** Points inside the axis-aligned box spanned by two corners (any order), in data coordinates. */
export function pointsInBox(coords: Float32Array, x0: number, y0: number, x1: number, y1: number, out?: Uint8Array): Uint8Array {
  const n = coords.length >> 1
  const mask = out ?? new Uint8Array(n)
  const minX = Math.min(x0, x1)
  const maxX = Math.max(x0, x1)
  const minY = Math.min(y0, y1)
  const maxY = Math.max(y0, y1)
  for (let i = 0; i < n; i++) {
    const x = coords[2 * i]
    const y = coords[2 * i + 1]
    mask[i] = x >= minX && x <= maxX && y >= minY && y <= maxY ? 1 : 0
  }
  return mask
}

/**
 * Points inside a polygon (flat [x0, y0, x1, y1, …], closed implicitly), by the even-odd rule. Edges are bucketed
 * into horizontal bands first, so each point tests only the few edges that cross its band instead of all of them:
 * a 500-vertex lasso over 1M points costs a few edge tests per point, not 500.
 */
export function pointsInPolygon(coords: Float32Array, polygon: ArrayLike<number>, out?: Uint8Array): Uint8Array {
  const n = coords.length >> 1
  const mask = out ?? new Uint8Array(n)
  mask.fill(0)
  const m = polygon.length >> 1
  if (m < 3) return mask

  let minX = Infinity
  let maxX = -Infinity
  let minY = Infinity
  let maxY = -Infinity
  for (let v = 0; v < m; v++) {
    const x = polygon[2 * v]
    const y = polygon[2 * v + 1]
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  if (!(maxY > minY) || !(maxX > minX)) return mask

  // Bands: each lists the edges whose y-range touches it (CSR layout: bandStart offsets into bandEdges).
  const bands = Math.max(1, Math.min(1024, m))
  const bandH = (maxY - minY) / bands
  const bandOf = (y: number) => Math.min(bands - 1, Math.max(0, Math.floor((y - minY) / bandH)))
  const counts = new Int32Array(bands + 1)
  for (let v = 0; v < m; v++) {
    const w = (v + 1) % m
    const a = bandOf(polygon[2 * v + 1])
    const b = bandOf(polygon[2 * w + 1])
    for (let k = Math.min(a, b); k <= Math.max(a, b); k++) counts[k + 1]++
  }
  for (let k = 0; k < bands; k++) counts[k + 1] += counts[k]
  const bandStart = counts.slice()
  const fill = counts.slice(0, bands)
  const bandEdges = new Int32Array(bandStart[bands])
  for (let v = 0; v < m; v++) {
    const w = (v + 1) % m
    const a = bandOf(polygon[2 * v + 1])
    const b = bandOf(polygon[2 * w + 1])
    for (let k = Math.min(a, b); k <= Math.max(a, b); k++) bandEdges[fill[k]++] = v
  }

  for (let i = 0; i < n; i++) {
    const px = coords[2 * i]
    const py = coords[2 * i + 1]
    if (px < minX || px > maxX || py < minY || py > maxY) continue
    const band = bandOf(py)
    let inside = false
    for (let e = bandStart[band]; e < bandStart[band + 1]; e++) {
      const v = bandEdges[e]
      const w = v + 1 === m ? 0 : v + 1
      const yi = polygon[2 * v + 1]
      const yj = polygon[2 * w + 1]
      // Half-open rule on y, so a ray through a shared vertex counts one crossing, not two.
      if (yi > py !== yj > py) {
        const xi = polygon[2 * v]
        const xj = polygon[2 * w]
        if (px < xi + ((py - yi) * (xj - xi)) / (yj - yi)) inside = !inside
      }
    }
    if (inside) mask[i] = 1
  }
  return mask
}

/** Indices of the set entries of a mask, ascending. */
export function maskToRows(mask: Uint8Array): Int32Array {
  let count = 0
  for (let i = 0; i < mask.length; i++) count += mask[i] ? 1 : 0
  const rows = new Int32Array(count)
  let j = 0
  for (let i = 0; i < mask.length; i++) if (mask[i]) rows[j++] = i
  return rows
}

/** How a new lasso or box combines with the current selection (Shift adds, Alt removes). */
export type SelectionOp = 'replace' | 'add' | 'subtract'

/** Combines `next` into `current` in place per `op` (current may be null for an empty selection). */
export function combineMasks(current: Uint8Array | null, next: Uint8Array, op: SelectionOp): Uint8Array {
  if (op === 'replace' || !current) return op === 'subtract' ? new Uint8Array(next.length) : next
  const out = current.slice()
  for (let i = 0; i < out.length; i++) {
    if (op === 'add') out[i] = out[i] | next[i]
    else if (next[i]) out[i] = 0
  }
  return out
}

/** Rows per cluster (cluster index → count), biggest first; -1 stands for rows without a cluster. */
export function countByCluster(rows: ArrayLike<number>, cluster: Int32Array): { cluster: number; count: number }[] {
  const counts = new Map<number, number>()
  for (let i = 0; i < rows.length; i++) {
    const c = cluster[rows[i]]
    counts.set(c, (counts.get(c) ?? 0) + 1)
  }
  return [...counts].map(([c, count]) => ({ cluster: c, count })).sort((a, b) => b.count - a.count || a.cluster - b.cluster)
}

/** Mask of every point of one cluster. */
export function clusterMask(cluster: Int32Array, idx: number): Uint8Array {
  const mask = new Uint8Array(cluster.length)
  for (let i = 0; i < cluster.length; i++) if (cluster[i] === idx) mask[i] = 1
  return mask
}

/** Mask with the given rows set (rows outside 0…n-1 are ignored). */
export function rowsToMask(rows: ArrayLike<number>, n: number): Uint8Array {
  const mask = new Uint8Array(n)
  for (let i = 0; i < rows.length; i++) if (rows[i] >= 0 && rows[i] < n) mask[rows[i]] = 1
  return mask
}
