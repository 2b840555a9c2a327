import { describe, expect, it } from 'vitest'
import { clusterMask, combineMasks, countByCluster, maskToRows, pointsInBox, pointsInPolygon, rowsToMask } from '../../../src-renderer/map/selection'
import { seededRandom } from '../../../src-main/analyze/common'

/** Reference even-odd test, one edge at a time (what the banded version must agree with). */
function naiveInside(px: number, py: number, poly: number[]): boolean {
  let inside = false
  const m = poly.length / 2
  for (let v = 0, w = m - 1; v < m; w = v++) {
    const [xi, yi, xj, yj] = [poly[2 * v], poly[2 * v + 1], poly[2 * w], poly[2 * w + 1]]
    if (yi > py !== yj > py && px < xi + ((py - yi) * (xj - xi)) / (yj - yi)) inside = !inside
  }
  return inside
}

describe('box selection', () => {
  it('selects exactly the points inside the box, corners in any order, edges included', () => {
    const coords = new Float32Array([0, 0, 1, 1, 2, 2, 1, 3, -1, 0.5])
    expect(Array.from(pointsInBox(coords, 2, 2, 0, 0))).toEqual([1, 1, 1, 0, 0])
    expect(Array.from(pointsInBox(coords, -2, 0, 1.5, 4))).toEqual([1, 1, 0, 1, 1])
  })
})

describe('lasso selection (point in polygon)', () => {
  it('handles a concave polygon: the notch of a U is outside', () => {
    // A U shape opening upwards (y down like the screen does not matter here).
    const u = [0, 0, 3, 0, 3, 3, 2, 3, 2, 1, 1, 1, 1, 3, 0, 3]
    const coords = new Float32Array([0.5, 2, 1.5, 2, 2.5, 2, 1.5, 0.5, 4, 1, 1.5, 3.5])
    expect(Array.from(pointsInPolygon(coords, u))).toEqual([1, 0, 1, 1, 0, 0])
  })

  it('selects nothing for fewer than three vertices or a flat polygon', () => {
    const coords = new Float32Array([0, 0, 1, 1])
    expect(Array.from(pointsInPolygon(coords, [0, 0, 1, 1]))).toEqual([0, 0])
    expect(Array.from(pointsInPolygon(coords, [0, 0, 1, 0, 2, 0]))).toEqual([0, 0])
  })

  it('agrees with the one-edge-at-a-time test on random points and a random star-shaped lasso', () => {
    const rand = seededRandom(7)
    const n = 20_000
    const coords = new Float32Array(2 * n)
    for (let i = 0; i < 2 * n; i++) coords[i] = rand() * 20 - 10
    const poly: number[] = []
    const m = 300
    for (let v = 0; v < m; v++) {
      const a = (v / m) * 2 * Math.PI
      const r = 3 + 5 * rand()
      poly.push(r * Math.cos(a), r * Math.sin(a))
    }
    const mask = pointsInPolygon(coords, poly)
    let selected = 0
    for (let i = 0; i < n; i++) {
      expect(mask[i] === 1, `point ${i}`).toBe(naiveInside(coords[2 * i], coords[2 * i + 1], poly))
      selected += mask[i]
    }
    // A real share of the points, not an accidental all-or-nothing.
    expect(selected).toBeGreaterThan(n * 0.1)
    expect(selected).toBeLessThan(n * 0.9)
  })

  it('selects within a 1,000,000-point map quickly (banded edges, no per-point objects)', () => {
    const rand = seededRandom(11)
    const n = 1_000_000
    const coords = new Float32Array(2 * n)
    for (let i = 0; i < 2 * n; i++) coords[i] = rand() * 100
    const poly: number[] = []
    for (let v = 0; v < 500; v++) {
      const a = (v / 500) * 2 * Math.PI
      poly.push(50 + 30 * Math.cos(a) * (1 + 0.2 * Math.sin(7 * a)), 50 + 30 * Math.sin(a))
    }
    const out = new Uint8Array(n)
    const t0 = performance.now()
    pointsInPolygon(coords, poly, out)
    const ms = performance.now() - t0
    const rows = maskToRows(out)
    // The lasso covers about π·30²·(area factor) of 100² ≈ 28 %: a sanity check on the count.
    expect(rows.length / n).toBeGreaterThan(0.2)
    expect(rows.length / n).toBeLessThan(0.36)
    // Generous for a shared 2-core machine; the naive version takes seconds here.
    expect(ms).toBeLessThan(1500)
  })
})

describe('selection bookkeeping', () => {
  it('turns masks into ascending rows and back', () => {
    const mask = new Uint8Array([0, 1, 0, 1, 1])
    expect(Array.from(maskToRows(mask))).toEqual([1, 3, 4])
    expect(Array.from(rowsToMask([4, 1, 9, -1], 5))).toEqual([0, 1, 0, 0, 1])
  })

  it('replaces, adds to and subtracts from a selection', () => {
    const a = new Uint8Array([1, 1, 0, 0])
    const b = new Uint8Array([0, 1, 1, 0])
    expect(Array.from(combineMasks(a, b, 'replace'))).toEqual([0, 1, 1, 0])
    expect(Array.from(combineMasks(a, b, 'add'))).toEqual([1, 1, 1, 0])
    expect(Array.from(combineMasks(a, b, 'subtract'))).toEqual([1, 0, 0, 0])
    expect(Array.from(combineMasks(null, b, 'subtract'))).toEqual([0, 0, 0, 0])
    // The current selection is not changed in place.
    expect(Array.from(a)).toEqual([1, 1, 0, 0])
  })

  it('counts the selected rows per cluster, biggest first, and masks a whole cluster', () => {
    const cluster = new Int32Array([0, 1, 1, 2, 1, -1, 0])
    expect(countByCluster([0, 1, 2, 4, 5, 6], cluster)).toEqual([
      { cluster: 1, count: 3 },
      { cluster: 0, count: 2 },
      { cluster: -1, count: 1 },
    ])
    expect(Array.from(clusterMask(cluster, 1))).toEqual([0, 1, 1, 0, 1, 0, 0])
  })
})
